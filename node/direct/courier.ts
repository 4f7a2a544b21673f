/**
 * Gets queued DMs to their recipients and fetches ours: the outbox (retried with backoff until acknowledged or
 * expired), deposits at the recipient's relays, mail fetched from our relays, receipts sent back, and our prekeys
 * published to our relays.
 */
import type { Logger, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'
import { DeliveryRefusedError, type DirectMessages, encodeContent, MAX_RECEIPT_IDS } from '../../protocols/dm/index.ts'
import { MailboxRefusedError } from '../../protocols/mailbox/index.ts'
import type { PrekeyBundle } from '../../protocols/session/index.ts'
import { errorCode } from '../errors.ts'
import type { EmitChatEvent, QueuedDm } from '../events.ts'
import type { EndToEnd } from '../sessions/end-to-end.ts'
import type { User } from '../users.ts'
import { relayPeerIdOf } from './contacts.ts'
import type { DmStore } from './dm-store.ts'
import { SeenIds } from './dm-store.ts'
import { DmExpiredError, Outbox, type OutboxEntry } from './outbox.ts'
import { prekeySlice, type RelayMail } from './relays.ts'
import { identityKey } from './sealing.ts'

/** Random bytes from the platform's Web Crypto (Node and browsers alike). */
const randomBytes = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n))

/** How often the outbox looks for DMs due for another attempt or expired. */
export const OUTBOX_TICK_MS = 2_000

/** How often we fetch our mail from each relay, besides on every (re)connection. */
export const MAIL_POLL_MS = 60_000

/** Most FETCH rounds per relay and visit: 256 mails each, so a full mailbox (1,000) is emptied in one visit. */
export const MAX_FETCH_ROUNDS = 8

export interface CourierComponents {
  relayMail: RelayMail
  dms: DirectMessages
  e2e: EndToEnd
  store: DmStore
  /** multiaddrs of the relays we use */
  ourRelays: () => string[]
  /** multiaddrs of the relays a contact was last seen using */
  relaysOf: (peerId: string) => Promise<string[]>
  isOnline: (peerId: string) => boolean
  userOf: (peerId: string, name: string) => User
  emit: EmitChatEvent
  dmTtlMs: number
  log: Logger
  now?: () => number
}

export class Courier {
  /** opens one fetched mail (set by SecureDms): whose it was and which DM ids in it to acknowledge */
  onMail: (sealed: Uint8Array) => Promise<{ sender: string; ack: string[] } | undefined> = async () => undefined
  private readonly now: () => number
  private timers: Array<ReturnType<typeof setInterval>> = []
  private saving: Promise<void> = Promise.resolve()
  private seenDirty = false
  /** whether the last tick failed: a failure is reported once, not every tick until it clears */
  private tickFailing = false
  private readonly busy = new Set<string>()

  private constructor(
    private readonly c: CourierComponents,
    readonly outbox: Outbox,
    private readonly seen: SeenIds
  ) {
    this.now = c.now ?? Date.now
  }

  static async open(c: CourierComponents): Promise<Courier> {
    const { outbox, seen } = await c.store.load()
    return new Courier(c, new Outbox(outbox), new SeenIds(seen))
  }

  start(): void {
    this.timers.push(setInterval(() => void this.tick(), OUTBOX_TICK_MS))
    this.timers.push(setInterval(() => void this.pollAll(), MAIL_POLL_MS))
    for (const t of this.timers) t.unref?.()
  }

  async stop(): Promise<void> {
    for (const t of this.timers.splice(0)) clearInterval(t)
    if (this.seenDirty) {
      // a full disk must not stop the peer from stopping: the DMs these ids name are stored or still at their senders
      await this.saveSeen().catch((err: unknown) => this.c.log('could not store the seen DM ids - %e', err))
    }
    await this.saving
  }

  /** Queued DMs, oldest first. */
  list(): QueuedDm[] {
    return this.outbox.entries().map((e) => ({
      id: e.id,
      to: this.c.userOf(e.to, e.toName),
      via: via(e),
      ts: e.createdAt,
      expiresAt: e.expiresAt
    }))
  }

  /** Keeps a sealed DM in the outbox, deposits it at the recipient's relays, and emits `queued`. */
  async queue(dm: { id: string; to: User; sealed: Uint8Array; createdAt: number }): Promise<void> {
    const entry = this.outbox.add(
      {
        id: dm.id,
        to: dm.to.peerId,
        toName: dm.to.name,
        sealed: Buffer.from(dm.sealed).toString('base64'),
        mailId: Buffer.from(randomBytes(16)).toString('hex'),
        createdAt: dm.createdAt,
        expiresAt: dm.createdAt + this.c.dmTtlMs
      },
      this.now()
    )
    await this.save()
    // the direct path was just tried (or the recipient is away): deposits only, so `queued` comes at once
    await this.attempt(entry, new Set([entry.to]))
    this.c.emit('queued', { id: entry.id, to: dm.to, via: via(entry) })
  }

  /** A verified bundle of `peer` from its relays or ours. */
  async bundleOf(peer: PeerId): Promise<PrekeyBundle | undefined> {
    return this.c.relayMail.bundleVia(await this.relaysFor(peer.toString()), peer)
  }

  /** `from` acknowledged these DM ids: each of ours it names leaves the outbox with a `delivered`. */
  async receipt(from: string, ids: string[]): Promise<void> {
    let changed = false
    for (const id of ids) {
      const entry = this.outbox.delivered(id, from)
      if (entry != null) {
        changed = true
        this.c.emit('delivered', { id, to: this.c.userOf(entry.to, entry.toName) })
      }
    }
    if (changed) await this.save()
  }

  /** True the first time a DM id from `from` is seen (copies may come directly and from several relays). */
  firstSight(from: string, id: string): boolean {
    // hashed: the file of seen ids names nobody (an account destroyed must leave no trace of its PeerId here)
    const fresh = this.seen.add(seenKey(from, id))
    if (fresh) this.seenDirty = true
    return fresh
  }

  /** Whether a DM id from `from` was shown here (the ids survive restarts, saved as DMs are taken). */
  hasSeen(from: string, id: string): boolean {
    return this.seen.has(seenKey(from, id))
  }

  /** Forgets a peer that destroyed its account: DMs queued for it go (nobody will ever take them). */
  async forget(peerId: string): Promise<void> {
    if (this.outbox.forget(peerId).length > 0) await this.save()
  }

  /** A peer came online: its queued DMs go to it directly now. */
  peerOnline(peerId: string): void {
    const waiting = this.outbox.waitingFor(peerId)
    if (waiting.length > 0) {
      void this.runEach(waiting).catch((err: unknown) =>
        this.c.log('could not send queued DMs to %s - %e', peerId, err)
      )
    }
  }

  /** One of our relays took us (again): publish our prekeys there and fetch our mail. */
  async relayReady(relayId: string): Promise<void> {
    const addrs = this.c.ourRelays()
    const index = addrs.findIndex((a) => relayPeerIdOf(a) === relayId)
    if (index < 0) return
    await this.c.relayMail
      .publish(addrs[index], prekeySlice(this.c.e2e.published(), index, addrs.length))
      .catch((err: unknown) => this.c.log('could not publish prekeys to %s - %e', relayId, err))
    await this.fetchMail(peerIdFromString(relayId))
  }

  /** Publishes our prekeys to every relay again (after they changed). */
  async republish(): Promise<void> {
    const addrs = this.c.ourRelays()
    await Promise.all(
      addrs.map((addr, index) =>
        this.c.relayMail
          .publish(addr, prekeySlice(this.c.e2e.published(), index, addrs.length))
          .catch((err: unknown) => this.c.log('could not publish prekeys to %s - %e', addr, err))
      )
    )
  }

  /** Fetches, opens, deletes and acknowledges our mail at one relay. */
  async fetchMail(relay: PeerId): Promise<void> {
    const key = `fetch/${relay}`
    if (this.busy.has(key)) return
    this.busy.add(key)
    try {
      for (let round = 0; round < MAX_FETCH_ROUNDS; round++) {
        const { mail, remaining } = await this.c.relayMail.fetch(relay)
        const receipts = new Map<string, string[]>()
        for (const m of mail) {
          const opened = await this.onMail(m.envelope)
          if (opened != null && opened.ack.length > 0) {
            receipts.set(opened.sender, [...(receipts.get(opened.sender) ?? []), ...opened.ack])
          }
        }
        // shown (and stored) before deleted at the relay: a crash in between shows nothing twice (seen ids)
        if (this.seenDirty) await this.saveSeen()
        await this.c.relayMail.delete(
          relay,
          mail.map((m) => m.id)
        )
        for (const [sender, ids] of receipts) void this.sendReceipt(sender, ids)
        if (remaining === 0 || mail.length === 0) break
      }
    } catch (err) {
      this.c.log('could not fetch mail from %p - %e', relay, err)
    } finally {
      this.busy.delete(key)
    }
  }

  /** Acknowledges DMs to their sender: directly if it is reachable, else through its relays' mailboxes. */
  private async sendReceipt(sender: string, ids: string[]): Promise<void> {
    try {
      const peer = peerIdFromString(sender)
      const id = crypto.randomUUID()
      const sealed = await this.c.e2e.encrypt(
        identityKey(peer),
        encodeContent({ kind: 'receipt', id, delivered: ids.slice(0, MAX_RECEIPT_IDS) })
      )
      if (this.c.isOnline(sender)) {
        try {
          await this.c.dms.sendSealed(peer, id, new Uint8Array(sealed))
          return
        } catch (err) {
          this.c.log('receipt to %p goes by mail - %e', peer, err)
        }
      }
      const mailId = randomBytes(16)
      await Promise.allSettled(
        (await this.relaysFor(sender)).map((addr) => this.c.relayMail.deposit(addr, peer, mailId, sealed))
      )
    } catch (err) {
      this.c.log('could not acknowledge DMs of %s - %e', sender, err)
    }
  }

  /** Runs from a timer: whatever fails (a full disk, say) is reported, never thrown, and tried again next tick. */
  private async tick(): Promise<void> {
    try {
      await this.tickOnce()
      this.tickFailing = false
    } catch (err) {
      this.c.log('outbox tick failed - %e', err)
      if (!this.tickFailing) {
        this.c.emit('error', { code: errorCode(err), message: `could not update the DM outbox: ${String(err)}` })
      }
      this.tickFailing = true
    }
  }

  private async tickOnce(): Promise<void> {
    const now = this.now()
    const expired = this.outbox.expire(now)
    for (const e of expired) {
      const error = new DmExpiredError(`the DM ${e.id} to ${e.toName} expired before it was delivered`)
      this.c.emit('error', { code: 'DM_EXPIRED', message: error.message, peerId: e.to, id: e.id })
    }
    if (expired.length > 0) await this.save()
    if (this.seenDirty) await this.saveSeen()
    await this.runEach(this.outbox.due(now))
  }

  private async pollAll(): Promise<void> {
    for (const addr of this.c.ourRelays()) {
      const id = relayPeerIdOf(addr)
      if (id != null) await this.fetchMail(peerIdFromString(id))
    }
  }

  private async runEach(entries: OutboxEntry[]): Promise<void> {
    // a peer that failed one direct attempt in this pass is not tried again for the DMs queued behind it
    const unreachable = new Set<string>()
    for (const e of entries) {
      if (this.busy.has(e.id)) continue
      this.busy.add(e.id)
      try {
        await this.attempt(e, unreachable)
      } finally {
        this.busy.delete(e.id)
      }
    }
  }

  /**
   * One attempt at a queued DM: directly if the recipient is online (and not in `unreachable`, which a failure
   * adds it to), and a deposit at relays not holding it yet.
   */
  private async attempt(e: OutboxEntry, unreachable: Set<string>): Promise<void> {
    const sealed = new Uint8Array(Buffer.from(e.sealed, 'base64'))
    const peer = peerIdFromString(e.to)
    if (this.c.isOnline(e.to) && !unreachable.has(e.to)) {
      try {
        await this.c.dms.sendSealed(peer, e.id, sealed)
        await this.receipt(e.to, [e.id])
        return
      } catch (err) {
        if (err instanceof DeliveryRefusedError && this.outbox.delivered(e.id, e.to) != null) {
          // the recipient will never take this sealed DM (it refuses it, or lost it in a crash): the same sealed
          // bytes would be refused again until the DM expired, so it ends now, with the error a direct send gives
          this.c.emit('error', { code: errorCode(err), message: err.message, peerId: e.to, id: e.id })
          await this.save()
          return
        }
        unreachable.add(e.to)
        this.c.log('queued DM %s not delivered directly - %e', e.id, err)
      }
    }
    const deposited: string[] = []
    const mailId = Buffer.from(e.mailId, 'hex')
    for (const addr of await this.relaysFor(e.to)) {
      if (e.deposited.includes(relayPeerIdOf(addr) ?? '')) continue
      try {
        deposited.push(await this.c.relayMail.deposit(addr, peer, mailId, sealed))
      } catch (err) {
        this.depositFailed(e, addr, err)
      }
    }
    if (this.outbox.attempted(e.id, this.now(), deposited)) await this.save()
  }

  private depositFailed(e: OutboxEntry, addr: string, err: unknown): void {
    this.c.log('could not deposit DM %s at %s - %e', e.id, addr, err)
    if (err instanceof MailboxRefusedError && err.code === 'MAILBOX_FULL' && e.attempts === 0) {
      this.c.emit('error', {
        code: 'MAILBOX_FULL',
        message: `the mailbox of ${e.toName} at relay ${relayPeerIdOf(addr)} is full: the DM waits in the outbox`,
        peerId: e.to,
        id: e.id
      })
    }
  }

  /** The contact's relays, then ours: friends often share a relay, and a contact's may be unknown. */
  private async relaysFor(peerId: string): Promise<string[]> {
    const all = [...(await this.c.relaysOf(peerId)), ...this.c.ourRelays()]
    const byId = new Map<string, string>()
    for (const addr of all) {
      const id = relayPeerIdOf(addr)
      if (id != null && id !== peerId && !byId.has(id)) byId.set(id, addr)
    }
    return [...byId.values()]
  }

  private save(): Promise<void> {
    const entries = this.outbox.entries()
    this.saving = this.saving
      .then(() => this.c.store.saveOutbox(entries))
      .catch((err: unknown) => {
        this.c.emit('error', { code: errorCode(err), message: `could not save the outbox: ${String(err)}` })
      })
    return this.saving
  }

  private async saveSeen(): Promise<void> {
    this.seenDirty = false
    try {
      await this.c.store.saveSeen(this.seen.list())
    } catch (err) {
      // still to be stored: the next tick tries again
      this.seenDirty = true
      throw err
    }
  }
}

function via(e: OutboxEntry): string[] {
  return ['outbox', ...e.deposited.map((r) => `relay:${r}`)]
}

/** How a DM id is kept among the seen ids: hashed, so that the file names nobody. */
function seenKey(from: string, id: string): string {
  return bytesToHex(sha256(utf8ToBytes(`${from}/${id}`))).slice(0, 32)
}
