/**
 * Every session of one account, and its prekeys. Pure bookkeeping over the functions in session.ts: the caller
 * persists what `dirty` names after each call (before acting on a decrypted message, so nothing is decrypted twice
 * after a crash, and before sending, so no message key is reused). Sending within a stored reserve of keys
 * (SEND_KEY_RESERVE) dirties nothing: the stored record already resumes past those keys.
 */
import { bytesToHex } from '@noble/hashes/utils.js'
import { type Bytes, MAX_SESSION_PEERS, MAX_SESSIONS_PER_PEER } from './constants.ts'
import { InvalidPrekeyError } from './errors.ts'
import type { SessionIdentity } from './identity.ts'
import { type PrekeyBundle, type PrekeyStore, replenish } from './prekeys.ts'
import { seal, unseal } from './sealed.ts'
import {
  acceptSession,
  decryptMessage,
  encryptMessage,
  isSameSession,
  reserveSending,
  type Session,
  sendsWithinReserve,
  startSession
} from './session.ts'

/** What a call changed, for the caller to persist. */
export interface Dirty {
  /** hex identity key of the peer whose sessions changed */
  peer?: string
  prekeys: boolean
}

const NOTHING: Dirty = { prekeys: false }

/**
 * A received message is stored before it is acted on anyway: that write also reserves sending keys, so the reply
 * after a DH ratchet step (a new sending chain) needs no write of its own.
 */
function withReserve(session: Session): Session {
  return sendsWithinReserve(session) ? session : reserveSending(session)
}

export class SessionBook {
  /** by hex identity key, current session first; Map order is recency of use */
  private readonly peers: Map<string, Session[]>
  private store: PrekeyStore

  /** What changed since begin(): each touched peer's sessions before (undefined: it had none), and the prekeys. */
  private undo?: { store: PrekeyStore; peers: Map<string, Session[] | undefined> }

  constructor(
    private readonly me: SessionIdentity,
    prekeys: PrekeyStore,
    sessions: Iterable<[string, Session[]]> = []
  ) {
    this.store = prekeys
    this.peers = new Map(sessions)
  }

  get prekeys(): PrekeyStore {
    return this.store
  }

  sessionsOf(peer: string): Session[] {
    return this.peers.get(peer) ?? []
  }

  hasSession(remoteIdentity: Uint8Array): boolean {
    return this.peers.has(bytesToHex(remoteIdentity))
  }

  /** Seals `plaintext` for the peer, starting a session from `bundle` when there is none yet. */
  encrypt(remoteIdentity: Uint8Array, plaintext: Bytes, bundle?: PrekeyBundle): { sealed: Bytes; dirty: Dirty } {
    const peer = bytesToHex(remoteIdentity)
    const sessions = this.peers.get(peer) ?? []
    let current = sessions[0]
    if (current == null) {
      if (bundle == null || bytesToHex(bundle.identityKey) !== peer) {
        throw new InvalidPrekeyError('no session with this peer yet, and no prekey bundle of theirs')
      }
      current = startSession(this.me, bundle)
    }
    // a key within the stored reserve serves at once; past it, the next reserve is stored before this one leaves
    const within = sendsWithinReserve(current)
    const out = encryptMessage(current, plaintext)
    const session = within ? out.session : reserveSending(out.session)
    this.remember(peer, [session, ...sessions.slice(current === sessions[0] ? 1 : 0)])
    return { sealed: seal(this.me, remoteIdentity, out.envelope), dirty: within ? NOTHING : { peer, prekeys: false } }
  }

  /** Opens a sealed message: its sender's identity key and the plaintext. Throws, changing nothing, when it does not open. */
  decrypt(sealed: Uint8Array): { sender: Bytes; plaintext: Bytes; dirty: Dirty } {
    const { sender, envelope } = unseal(this.me, sealed)
    const peer = bytesToHex(sender)
    const sessions = this.peers.get(peer) ?? []
    const candidates = envelope.prekey != null ? sessions.filter((s) => isSameSession(s, envelope)) : sessions
    let lastError: unknown
    for (const session of candidates) {
      try {
        const opened = decryptMessage(session, envelope)
        this.remember(peer, [withReserve(opened.session), ...sessions.filter((s) => s !== session)])
        return { sender, plaintext: opened.plaintext as Bytes, dirty: { peer, prekeys: false } }
      } catch (err) {
        lastError = err
      }
    }
    if (envelope.prekey == null || candidates.length > 0) {
      throw lastError ?? new InvalidPrekeyError('no session with this peer, and the message does not start one')
    }
    const accepted = acceptSession(this.me, this.store, envelope)
    this.store = replenish(this.me, accepted.store)
    this.remember(peer, [withReserve(accepted.session), ...sessions])
    return { sender, plaintext: accepted.plaintext as Bytes, dirty: { peer, prekeys: true } }
  }

  /** Forgets every session with a peer (e.g. they were blocked). */
  forget(remoteIdentity: Uint8Array): Dirty {
    const peer = bytesToHex(remoteIdentity)
    this.record(peer)
    this.peers.delete(peer)
    return { peer, prekeys: false }
  }

  /**
   * Starts recording what the next calls change, so that rollback() can undo them. A change whose write failed must
   * leave no trace in memory: a received message would count as seen though it was never acted on (its retry refused
   * as a duplicate), and a sending reserve kept only in memory would hand out keys a restart hands out again.
   */
  begin(): void {
    this.undo = { store: this.store, peers: new Map() }
  }

  /** What was recorded since begin() is stored: keep it. */
  commit(): void {
    this.undo = undefined
  }

  /** Puts back everything changed since begin(). */
  rollback(): void {
    const undo = this.undo
    this.undo = undefined
    if (undo == null) return
    this.store = undo.store
    for (const [peer, sessions] of undo.peers) {
      if (sessions == null) this.peers.delete(peer)
      else this.peers.set(peer, sessions)
    }
  }

  private remember(peer: string, sessions: Session[]): void {
    this.record(peer)
    this.peers.delete(peer)
    this.peers.set(peer, sessions.slice(0, MAX_SESSIONS_PER_PEER))
    for (const oldest of this.peers.keys()) {
      if (this.peers.size <= MAX_SESSION_PEERS) break
      this.record(oldest)
      this.peers.delete(oldest)
    }
  }

  /** Keeps `peer`'s sessions as they were before the first change since begin(). */
  private record(peer: string): void {
    if (this.undo != null && !this.undo.peers.has(peer)) {
      this.undo.peers.set(peer, this.peers.get(peer))
    }
  }
}
