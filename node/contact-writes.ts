import { BoundedMap } from '../protocols/common/index.ts'
/** New or changed contacts written per minute at most (a burst of this many, then this rate). */
export const CONTACT_WRITES_PER_MINUTE = 30

/** An unchanged contact is rewritten (to refresh its last-seen time) at most this often. */
export const CONTACT_REFRESH_MS = 60 * 60_000

/** Contacts whose last write we remember; the least recently written are forgotten first. */
export const MAX_TRACKED_CONTACTS = 10_000

/**
 * Which presence joins are written to the contact list on disk. Every join used to be written: a peer cycling
 * made-up identities turned into unbounded LevelDB writes. Unchanged contacts are refreshed hourly, and new or
 * renamed ones spend a token from a small bucket, so a flood costs a bounded write rate; the users a person
 * really meets come a few at a time. Pure: the caller passes the clock.
 */
export class ContactWrites {
  private readonly written = new BoundedMap<string, { name: string; at: number }>(MAX_TRACKED_CONTACTS)
  private tokens = CONTACT_WRITES_PER_MINUTE
  private refilledAt = 0

  /** True when the contact should be written now. */
  shouldWrite(peerId: string, name: string, now: number): boolean {
    const last = this.written.get(peerId)
    if (last != null && last.name === name && now - last.at < CONTACT_REFRESH_MS) {
      return false
    }
    this.refill(now)
    if (this.tokens < 1) {
      return false
    }
    this.tokens--
    this.written.set(peerId, { name, at: now })
    return true
  }

  private refill(now: number): void {
    const earned = ((now - this.refilledAt) / 60_000) * CONTACT_WRITES_PER_MINUTE
    this.tokens = Math.min(CONTACT_WRITES_PER_MINUTE, this.tokens + earned)
    this.refilledAt = now
  }
}
