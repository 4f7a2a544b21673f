/**
 * DMs not handed over yet: sealed end to end (ciphertext only, so a retention of `none` still keeps no text),
 * kept until the recipient acknowledges them or they expire. Pure bookkeeping (the clock is a parameter); the
 * caller stores `entries()` after each change that returns true.
 */
import { backoffDelay } from '../backoff.ts'

/** DMs queued at most, all recipients together: what one person could plausibly write while others are away. */
export const MAX_OUTBOX_ENTRIES = 500

/** First retry after this long, doubling up to OUTBOX_MAX_RETRY_MS. */
export const OUTBOX_FIRST_RETRY_MS = 5_000

/** Longest wait between two attempts to hand a queued DM over. */
export const OUTBOX_MAX_RETRY_MS = 10 * 60_000

/** How long a DM waits for its recipient by default (`--dm-ttl`): a week, as the relay mailbox keeps mail. */
export const DEFAULT_DM_TTL_MS = 7 * 24 * 60 * 60_000

export interface OutboxEntry {
  /** the DM's id, as `sent` and `queued` named it */
  id: string
  /** recipient PeerId */
  to: string
  /** recipient's name when it was sent, for events */
  toName: string
  /** the sealed DM, base64 */
  sealed: string
  /** the mailbox id of its deposits (hex, 16 bytes): a repeated deposit is stored once */
  mailId: string
  createdAt: number
  expiresAt: number
  attempts: number
  nextAttemptAt: number
  /** relays (PeerIds) that took a deposit of it */
  deposited: string[]
}

/** The outbox holds MAX_OUTBOX_ENTRIES already. */
export class OutboxFullError extends Error {
  static override readonly name = 'OutboxFullError'
  override readonly name = 'OutboxFullError'
}

/** A queued DM expired before its recipient acknowledged it. */
export class DmExpiredError extends Error {
  static override readonly name = 'DmExpiredError'
  override readonly name = 'DmExpiredError'
}

export class Outbox {
  private readonly byId = new Map<string, OutboxEntry>()

  constructor(
    entries: OutboxEntry[] = [],
    private readonly random: () => number = Math.random
  ) {
    for (const e of entries.slice(0, MAX_OUTBOX_ENTRIES)) {
      this.byId.set(e.id, e)
    }
  }

  get size(): number {
    return this.byId.size
  }

  entries(): OutboxEntry[] {
    return [...this.byId.values()]
  }

  get(id: string): OutboxEntry | undefined {
    return this.byId.get(id)
  }

  /** Queues a DM; throws OutboxFullError, queuing nothing. */
  add(entry: Omit<OutboxEntry, 'attempts' | 'nextAttemptAt' | 'deposited'>, now: number): OutboxEntry {
    if (this.byId.size >= MAX_OUTBOX_ENTRIES && !this.byId.has(entry.id)) {
      throw new OutboxFullError(`${MAX_OUTBOX_ENTRIES} DMs are already waiting for their recipients`)
    }
    const queued: OutboxEntry = { ...entry, attempts: 0, nextAttemptAt: now, deposited: [] }
    this.byId.set(entry.id, queued)
    return queued
  }

  /** Entries to try again now, oldest first. */
  due(now: number): OutboxEntry[] {
    return this.entries().filter((e) => e.nextAttemptAt <= now && e.expiresAt > now)
  }

  /** Entries waiting for `peer`, oldest first. */
  waitingFor(peer: string): OutboxEntry[] {
    return this.entries().filter((e) => e.to === peer)
  }

  /** Records an attempt that did not hand the DM over; the next one waits longer. */
  attempted(id: string, now: number, depositedAt: string[] = []): boolean {
    const e = this.byId.get(id)
    if (e == null) return false
    e.attempts++
    e.nextAttemptAt = now + backoffDelay(e.attempts - 1, OUTBOX_FIRST_RETRY_MS, OUTBOX_MAX_RETRY_MS, this.random)
    e.deposited = [...new Set([...e.deposited, ...depositedAt])]
    return true
  }

  /** The recipient acknowledged `id`: removed and returned, if `from` is the peer it was sent to. */
  delivered(id: string, from: string): OutboxEntry | undefined {
    const e = this.byId.get(id)
    if (e == null || e.to !== from) return undefined
    this.byId.delete(id)
    return e
  }

  /** Removes and returns every entry for `peer`. */
  forget(peer: string): OutboxEntry[] {
    const gone = this.waitingFor(peer)
    for (const e of gone) this.byId.delete(e.id)
    return gone
  }

  /** Removes and returns the entries whose time is up. */
  expire(now: number): OutboxEntry[] {
    const gone = this.entries().filter((e) => e.expiresAt <= now)
    for (const e of gone) this.byId.delete(e.id)
    return gone
  }
}
