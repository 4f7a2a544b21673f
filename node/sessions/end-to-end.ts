import * as varint from 'uint8-varint'
import { Uint8ArrayList } from 'uint8arraylist'
import {
  createPrekeyStore,
  type Dirty,
  decodePrekeyStore,
  decodeSession,
  encodePrekeyStore,
  encodeSession,
  type PrekeyBundle,
  type PublishedPrekeys,
  publishedPrekeys,
  rotateSignedPrekey,
  type Session,
  SessionBook,
  type SessionIdentity
} from '../../protocols/session/index.ts'
import type { SessionVault } from './vault.ts'

const PREKEYS = 'prekeys'
const peerRecord = (peerHex: string): string => `peer-${peerHex}`

function encodeSessions(sessions: Session[]): Uint8Array {
  const list = new Uint8ArrayList()
  for (const s of sessions) {
    const bytes = encodeSession(s)
    list.append(varint.encode(bytes.byteLength), bytes)
  }
  return list.subarray()
}

function decodeSessions(bytes: Uint8Array): Session[] {
  const out: Session[] = []
  let offset = 0
  while (offset < bytes.byteLength) {
    const length = varint.decode(bytes, offset)
    offset += varint.encodingLength(length)
    out.push(decodeSession(bytes.subarray(offset, offset + length)))
    offset += length
  }
  return out
}

/**
 * End-to-end encryption for one account: its sessions and prekeys, kept in a vault. Operations run in batches,
 * and what a batch changed is stored before any of them returns, so a crash never makes a message key serve twice.
 */
export class EndToEnd {
  private pending: Array<{
    op: () => { value: unknown; dirty: Dirty }
    resolve: (v: unknown) => void
    reject: (e: unknown) => void
  }> = []
  private flushing = false
  /** called after our prekeys changed (a session was accepted and one-time prekeys replenished) */
  onPrekeysChanged: () => void = () => {}

  private constructor(
    private readonly identity: SessionIdentity,
    private readonly vault: SessionVault,
    private readonly book: SessionBook
  ) {}

  /** Loads the account's sessions and prekeys, creating (and storing) prekeys on first use. */
  static async open(identity: SessionIdentity, vault: SessionVault, now = Date.now()): Promise<EndToEnd> {
    const stored = await vault
      .read(PREKEYS)
      .then((b) => (b == null ? undefined : tryDecode(() => decodePrekeyStore(b))))
    const prekeys = rotateSignedPrekey(identity, stored ?? createPrekeyStore(identity, now), now)
    if (prekeys !== stored) {
      await vault.write(PREKEYS, encodePrekeyStore(prekeys))
    }
    const sessions: Array<[string, Session[]]> = []
    for (const name of await vault.list()) {
      if (!name.startsWith('peer-')) continue
      const bytes = await vault.read(name)
      const list = bytes == null ? undefined : tryDecode(() => decodeSessions(bytes))
      if (list != null && list.length > 0) sessions.push([name.slice('peer-'.length), list])
    }
    return new EndToEnd(identity, vault, new SessionBook(identity, prekeys, sessions))
  }

  /** What to publish so others can start sessions with us while we are away. */
  published(): PublishedPrekeys {
    return publishedPrekeys(this.identity, this.book.prekeys)
  }

  hasSession(remoteIdentity: Uint8Array): boolean {
    return this.book.hasSession(remoteIdentity)
  }

  /** Seals a message for a peer (starting a session from `bundle` if needed); stored before it is returned. */
  encrypt(remoteIdentity: Uint8Array, plaintext: Uint8Array, bundle?: PrekeyBundle): Promise<Uint8Array> {
    return this.batched(() => {
      const { sealed, dirty } = this.book.encrypt(remoteIdentity, new Uint8Array(plaintext), bundle)
      return { value: sealed, dirty }
    })
  }

  /** Opens a sealed message: who sent it (Ed25519 identity key) and the plaintext; stored before it is returned. */
  decrypt(sealed: Uint8Array): Promise<{ sender: Uint8Array; plaintext: Uint8Array }> {
    return this.batched(() => {
      const { sender, plaintext, dirty } = this.book.decrypt(sealed)
      return { value: { sender, plaintext }, dirty }
    })
  }

  /** Forgets every session with a peer (it lost its own: the next message starts a new one). */
  forget(remoteIdentity: Uint8Array): Promise<void> {
    return this.batched(() => ({ value: undefined, dirty: this.book.forget(remoteIdentity) }))
  }

  /**
   * Runs `op` on the book and resolves once what it changed is stored. Operations that arrive while a write is
   * under way run together after it and share one write per record (group commit): concurrent DMs to one peer
   * cost one fsync, not one each, and still nothing is returned before the state that made it is on disk.
   */
  private batched<T>(op: () => { value: T; dirty: Dirty }): Promise<T> {
    const { promise, resolve, reject } = Promise.withResolvers<T>()
    this.pending.push({ op, resolve: (v) => resolve(v as T), reject })
    if (!this.flushing) void this.flush()
    return promise
  }

  private async flush(): Promise<void> {
    this.flushing = true
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0)
      const peers = new Set<string>()
      let prekeys = false
      const done: Array<() => void> = []
      this.book.begin()
      for (const p of batch) {
        try {
          const { value, dirty } = p.op()
          if (dirty.peer != null) peers.add(dirty.peer)
          prekeys ||= dirty.prekeys
          done.push(() => p.resolve(value))
        } catch (err) {
          p.reject(err)
        }
      }
      const written: Written = { peers: new Set(), prekeys: false }
      try {
        await this.persist(peers, prekeys, written)
        this.book.commit()
        for (const settle of done) settle()
      } catch (err) {
        // none of the batch happened: not in memory, and (as far as the disk lets us) not on disk either
        this.book.rollback()
        await this.persist(written.peers, written.prekeys).catch(() => {})
        for (const p of batch) p.reject(err)
      }
    }
    this.flushing = false
  }

  /** Stores the named records as the book holds them now; `written` tells which got through. */
  private async persist(peers: Set<string>, prekeys: boolean, written?: Written): Promise<void> {
    if (prekeys) {
      await this.vault.write(PREKEYS, encodePrekeyStore(this.book.prekeys))
      if (written != null) written.prekeys = true
      this.onPrekeysChanged()
    }
    for (const peer of peers) {
      const sessions = this.book.sessionsOf(peer)
      if (sessions.length === 0) await this.vault.remove(peerRecord(peer))
      else await this.vault.write(peerRecord(peer), encodeSessions(sessions))
      written?.peers.add(peer)
    }
  }
}

/** The records of a batch that reached the vault before one failed. */
interface Written {
  peers: Set<string>
  prekeys: boolean
}

function tryDecode<T>(decode: () => T): T | undefined {
  try {
    return decode()
  } catch {
    return undefined
  }
}
