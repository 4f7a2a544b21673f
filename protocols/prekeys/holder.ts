/**
 * Who gets which prekeys: the published sets a relay holds for its clients, and the budgets that decide when a
 * bundle carries one-time prekeys. Pure (the clock is a parameter).
 */
import { PeerBudget } from '../common/peer-budget.ts'
import { bundleFrom, type PrekeyBundle, type PublishedPrekeys } from '../session/index.ts'
import {
  IP_REQUEST_BURST,
  IP_REQUESTS_PER_SECOND,
  MAX_BUCKETS,
  MAX_HELD,
  MAX_HELD_PER_IP,
  ONE_TIME_BURST_PER_REQUESTER,
  ONE_TIME_BURST_PER_TARGET,
  ONE_TIME_PER_SECOND_PER_REQUESTER,
  ONE_TIME_PER_SECOND_PER_TARGET,
  REQUEST_BURST,
  REQUESTS_PER_SECOND
} from './constants.ts'
import { PrekeyRefusedError } from './errors.ts'

/** The one-time prekeys a bundle handed out, for the holder to remove. */
export interface HandedOut {
  oneTimeId?: number
  kemId?: number
}

/** Rate limits of prekey requests, per requester and per account whose keys are handed out. */
export class BundleBudgets {
  private readonly requests = new PeerBudget({
    capacity: REQUEST_BURST,
    refillPerSecond: REQUESTS_PER_SECOND,
    maxKeys: MAX_BUCKETS
  })
  private readonly ips = new PeerBudget({
    capacity: IP_REQUEST_BURST,
    refillPerSecond: IP_REQUESTS_PER_SECOND,
    maxKeys: MAX_BUCKETS
  })
  private readonly requesters = new PeerBudget({
    capacity: ONE_TIME_BURST_PER_REQUESTER,
    refillPerSecond: ONE_TIME_PER_SECOND_PER_REQUESTER,
    maxKeys: MAX_BUCKETS
  })
  private readonly targets = new PeerBudget({
    capacity: ONE_TIME_BURST_PER_TARGET,
    refillPerSecond: ONE_TIME_PER_SECOND_PER_TARGET,
    maxKeys: MAX_BUCKETS
  })

  /** Takes one request from `requester`'s allowance and its address's; throws RATE_LIMITED when one is spent. */
  admit(requester: string, ip: string, now: number): void {
    if (!this.ips.take(ip, 1, now) || !this.requests.take(requester, 1, now)) {
      throw new PrekeyRefusedError('RATE_LIMITED', 'too many prekey requests: try again in a minute')
    }
  }

  /**
   * A bundle of `target` for `requester`: with its first one-time prekeys while both budgets allow, else with the
   * last-resort KEM prekey only, which starts a session just as well but spends nothing.
   */
  bundle(
    target: string,
    requester: string,
    published: PublishedPrekeys,
    now: number
  ): {
    bundle: PrekeyBundle
    used: HandedOut
  } {
    const hasOneTime = published.oneTimePrekeys.length > 0 || published.oneTimeKemPrekeys.length > 0
    const allowed =
      hasOneTime && this.requesters.available(requester, now) >= 1 && this.targets.available(target, now) >= 1
    if (!allowed) {
      return { bundle: bundleFrom({ ...published, oneTimePrekeys: [], oneTimeKemPrekeys: [] }), used: {} }
    }
    this.requesters.take(requester, 1, now)
    this.targets.take(target, 1, now)
    const bundle = bundleFrom(published)
    return {
      bundle,
      used: {
        ...(bundle.oneTimePrekey != null ? { oneTimeId: bundle.oneTimePrekey.id } : {}),
        ...(bundle.kemPrekey.id !== published.lastResortKemPrekey.id ? { kemId: bundle.kemPrekey.id } : {})
      }
    }
  }
}

/** Drops the one-time prekeys a bundle handed out from a published set. */
export function withoutHandedOut(published: PublishedPrekeys, used: HandedOut): PublishedPrekeys {
  return {
    ...published,
    oneTimePrekeys: published.oneTimePrekeys.filter((k) => k.id !== used.oneTimeId),
    oneTimeKemPrekeys: published.oneTimeKemPrekeys.filter((k) => k.id !== used.kemId)
  }
}

/**
 * The published prekey sets a relay holds, one per client (a new one replaces the old), at most MAX_HELD in all
 * and MAX_HELD_PER_IP per address: a flood of PeerIds fills its own address's share and is refused beyond it.
 */
export class PrekeyHolder {
  private readonly held = new Map<string, { published: PublishedPrekeys; ip: string }>()
  private readonly perIp = new Map<string, number>()

  constructor(
    private readonly maxHeld = MAX_HELD,
    private readonly maxPerIp = MAX_HELD_PER_IP
  ) {}

  get size(): number {
    return this.held.size
  }

  /** Holds `published` for `owner` (already authenticated and verified); throws FULL, storing nothing. */
  publish(owner: string, ip: string, published: PublishedPrekeys): void {
    const previous = this.held.get(owner)
    if (previous == null || previous.ip !== ip) {
      if (previous == null && this.held.size >= this.maxHeld) {
        throw new PrekeyRefusedError('FULL', 'this relay holds as many prekey sets as it can')
      }
      if ((this.perIp.get(ip) ?? 0) >= this.maxPerIp) {
        throw new PrekeyRefusedError('FULL', 'this relay holds as many prekey sets from your address as it will')
      }
    }
    if (previous != null) {
      this.release(previous.ip)
    }
    this.held.set(owner, { published, ip })
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1)
  }

  get(owner: string): PublishedPrekeys | undefined {
    return this.held.get(owner)?.published
  }

  /** Removes one-time prekeys handed out, so each goes to one initiator only. */
  consume(owner: string, used: HandedOut): void {
    const entry = this.held.get(owner)
    if (entry != null) {
      entry.published = withoutHandedOut(entry.published, used)
    }
  }

  private release(ip: string): void {
    const left = (this.perIp.get(ip) ?? 1) - 1
    if (left <= 0) this.perIp.delete(ip)
    else this.perIp.set(ip, left)
  }
}
