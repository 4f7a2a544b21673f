import { MAX_REPLAY_ENTRIES, REPLAY_TTL_MS } from './constants.ts'

export interface ReplayCacheInit {
  /** how long a key is remembered. @default REPLAY_TTL_MS */
  ttlMs?: number
  /** most keys remembered at once. @default MAX_REPLAY_ENTRIES */
  maxEntries?: number
}

export type ReplayVerdict = 'fresh' | 'replayed' | 'full'

/**
 * Remembers request nonces for as long as the request could still pass the freshness check, so each signed request
 * is accepted once. Pure: the caller passes the clock. When full of live keys it refuses new ones ('full') rather than
 * forget a live key, which would let that request be replayed.
 */
export class ReplayCache {
  private readonly ttlMs: number
  private readonly maxEntries: number
  /** key -> expiry; insertion order is expiry order because the ttl is constant and time moves forward */
  private readonly entries = new Map<string, number>()

  constructor(init: ReplayCacheInit = {}) {
    this.ttlMs = init.ttlMs ?? REPLAY_TTL_MS
    this.maxEntries = init.maxEntries ?? MAX_REPLAY_ENTRIES
  }

  /** Records `key` if it is new; says whether it was new, already seen, or could not be recorded. */
  check(key: string, now: number): ReplayVerdict {
    this.expire(now)
    const expiry = this.entries.get(key)
    if (expiry != null && expiry > now) {
      return 'replayed'
    }
    if (this.entries.size >= this.maxEntries) {
      return 'full'
    }
    this.entries.delete(key)
    this.entries.set(key, now + this.ttlMs)
    return 'fresh'
  }

  get size(): number {
    return this.entries.size
  }

  private expire(now: number): void {
    for (const [key, expiry] of this.entries) {
      if (expiry > now) {
        // a clock step backwards can leave later entries with earlier expiries; they go on a later call
        break
      }
      this.entries.delete(key)
    }
  }
}
