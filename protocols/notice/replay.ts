import { BoundedMap } from '../common/bounded-map.ts'
import type { RelayNotice } from './codec.ts'
import { MAX_NOTICE_AGE_MS, MAX_NOTICE_SENDERS, MAX_SEEN_NOTICES_PER_SENDER } from './constants.ts'

export interface ReplayGuardInit {
  /** @default MAX_NOTICE_AGE_MS */
  maxAgeMs?: number
  /** @default MAX_SEEN_NOTICES_PER_SENDER */
  perSender?: number
  /** @default MAX_NOTICE_SENDERS */
  senders?: number
}

/**
 * Drops gossip notices that are stale (older than the age window) or seen already within it. Bounded: a few
 * hundred notices per sender and a few dozen senders, least recently heard forgotten first. Pure: the caller
 * passes the clock.
 */
export class NoticeReplayGuard {
  /** sender -> notice key -> its timestamp, oldest first */
  private readonly seen: BoundedMap<string, Map<string, number>>
  private readonly maxAgeMs: number
  private readonly perSender: number

  constructor(init: ReplayGuardInit = {}) {
    this.maxAgeMs = init.maxAgeMs ?? MAX_NOTICE_AGE_MS
    this.perSender = init.perSender ?? MAX_SEEN_NOTICES_PER_SENDER
    this.seen = new BoundedMap(init.senders ?? MAX_NOTICE_SENDERS)
  }

  /** True when `notice` from `sender` is fresh and new; it is then remembered. */
  accept(sender: string, notice: RelayNotice, now: number): boolean {
    if (isStale(notice, now, this.maxAgeMs)) {
      return false
    }
    const mine = this.seen.get(sender) ?? new Map<string, number>()
    const key = JSON.stringify(notice)
    if (mine.has(key)) {
      return false
    }
    for (const [old, ts] of mine) {
      if (ts >= now - this.maxAgeMs && mine.size < this.perSender) {
        break
      }
      mine.delete(old)
    }
    mine.set(key, notice.ts)
    // most recently heard sender last, so the least recent goes first
    this.seen.set(sender, mine)
    return true
  }
}

/** A notice older than the window, by its sender's clock. */
export function isStale(notice: RelayNotice, now: number, maxAgeMs = MAX_NOTICE_AGE_MS): boolean {
  return notice.ts < now - maxAgeMs
}
