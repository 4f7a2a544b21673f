import {
  STUN_BURST_PER_IP,
  STUN_MAX_TRACKED_SOURCES,
  STUN_PER_IP_PER_SECOND,
  STUN_TOTAL_PER_SECOND
} from '../protocols/stun/index.ts'

export interface StunBudgetInit {
  burstPerSource?: number
  perSourcePerSecond?: number
  totalPerSecond?: number
  maxSources?: number
}

interface Bucket {
  tokens: number
  at: number
}

/**
 * How many binding requests the STUN responder answers: a token bucket per source IP address, and one for all of
 * them together. At most `maxSources` buckets are kept: the least recently seen source is forgotten first, which
 * can only give it a fresh burst, never more than the total rate allows.
 */
export class StunBudget {
  private readonly sources = new Map<string, Bucket>()
  private readonly total: Bucket
  private readonly burst: number
  private readonly perSecond: number
  private readonly totalPerSecond: number
  private readonly maxSources: number

  constructor(init: StunBudgetInit = {}, now = Date.now()) {
    this.burst = init.burstPerSource ?? STUN_BURST_PER_IP
    this.perSecond = init.perSourcePerSecond ?? STUN_PER_IP_PER_SECOND
    this.totalPerSecond = init.totalPerSecond ?? STUN_TOTAL_PER_SECOND
    this.maxSources = init.maxSources ?? STUN_MAX_TRACKED_SOURCES
    this.total = { tokens: this.totalPerSecond, at: now }
  }

  /** Sources remembered now (at most maxSources). */
  get size(): number {
    return this.sources.size
  }

  /** Takes one answer for `source`; false when it or everyone together is over budget. */
  take(source: string, now: number): boolean {
    const bucket = this.sources.get(source) ?? { tokens: this.burst, at: now }
    this.sources.delete(source)
    this.sources.set(source, bucket)
    for (const oldest of this.sources.keys()) {
      if (this.sources.size <= this.maxSources) {
        break
      }
      this.sources.delete(oldest)
    }
    refill(bucket, now, this.burst, this.perSecond)
    refill(this.total, now, this.totalPerSecond, this.totalPerSecond)
    if (bucket.tokens < 1 || this.total.tokens < 1) {
      return false
    }
    bucket.tokens -= 1
    this.total.tokens -= 1
    return true
  }
}

function refill(bucket: Bucket, now: number, burst: number, perSecond: number): void {
  // a clock that steps back refills nothing rather than draining
  const elapsed = Math.max(0, now - bucket.at)
  bucket.tokens = Math.min(burst, bucket.tokens + (elapsed * perSecond) / 1000)
  bucket.at = Math.max(bucket.at, now)
}
