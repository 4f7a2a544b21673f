import { BoundedMap } from './bounded-map.ts'
/** How a PeerBudget fills: `capacity` units at most, `refillPerSecond` units back per second. */
export interface PeerBudgetInit {
  capacity: number
  refillPerSecond: number
  /** keys remembered; the least recently used is forgotten (and starts full again), so memory stays bounded */
  maxKeys: number
}

/**
 * Token buckets per key (a PeerId, or one shared key for all strangers), driven by the caller's clock. Spending
 * fails, and takes nothing, when the bucket holds less than the cost.
 */
export class PeerBudget {
  private readonly buckets: BoundedMap<string, { tokens: number; at: number }>

  constructor(private readonly init: PeerBudgetInit) {
    this.buckets = new BoundedMap(init.maxKeys)
  }

  /** Takes `cost` units from `key`'s bucket; false (nothing taken) when it holds less. */
  take(key: string, cost: number, now: number): boolean {
    const tokens = this.available(key, now)
    this.buckets.set(key, { tokens: tokens >= cost ? tokens - cost : tokens, at: now })
    return tokens >= cost
  }

  /** Units `key` could spend now. */
  available(key: string, now: number): number {
    const b = this.buckets.get(key)
    if (b == null) {
      return this.init.capacity
    }
    const refilled = b.tokens + (Math.max(0, now - b.at) / 1000) * this.init.refillPerSecond
    return Math.min(this.init.capacity, refilled)
  }
}
