import {
  MAX_FORWARDED_IDENTITIES_PER_IP,
  MAX_FORWARDED_IDENTITIES_PER_PEER,
  MAX_REFUSED_PER_WINDOW,
  REFUSAL_WINDOW_MS
} from './constants.ts'

export interface IntroductionBudgetInit {
  /** @default MAX_FORWARDED_IDENTITIES_PER_PEER */
  perPeer?: number
  /** @default MAX_FORWARDED_IDENTITIES_PER_IP */
  perIp?: number
}

/** Who handed us an announcement: the connection's PeerId, its IP address, and whether we trust it to vouch. */
export interface Propagator {
  peerId: string
  ip?: string
  /** a relay we use: it accepts presence only from its own clients' connections, so it vouches for them */
  trusted: boolean
}

/**
 * How many identities each connection may bring into the directory. Gossip lets any peer forward announcements
 * signed by any key, and keys are free: without this one connection put 10,500 made-up users into every peer's
 * list in seconds. An identity heard from its own connection costs nothing (one connection, one PeerId); one
 * forwarded by another peer is charged to that peer and to its IP address until we hear it directly, or it leaves.
 * Pure: the caller says who is new and who is gone.
 */
export class IntroductionBudget {
  /** forwarded identity -> who introduced it */
  private readonly introducedBy = new Map<string, { peerId: string; ip?: string }>()
  private readonly perPeerCount = new Map<string, number>()
  private readonly perIpCount = new Map<string, number>()
  /** over-budget announcements per connection in the current window */
  private readonly refusals = new Map<string, { since: number; count: number }>()
  private readonly perPeer: number
  private readonly perIp: number

  constructor(init: IntroductionBudgetInit = {}) {
    this.perPeer = init.perPeer ?? MAX_FORWARDED_IDENTITIES_PER_PEER
    this.perIp = init.perIp ?? MAX_FORWARDED_IDENTITIES_PER_IP
  }

  /**
   * Whether an announcement by `author`, handed to us by `from`, may go on. `known` says the author is in the
   * directory already (updates of known users are always welcome). Charges the budget of `from` when it introduces
   * a new identity.
   */
  admit(author: string, from: Propagator, known: boolean): boolean {
    if (author === from.peerId) {
      // heard directly: it no longer needs anyone to vouch for it
      this.release(author)
      return true
    }
    if (known || from.trusted || this.introducedBy.has(author)) {
      return true
    }
    if ((this.perPeerCount.get(from.peerId) ?? 0) >= this.perPeer) {
      return false
    }
    if (from.ip != null && (this.perIpCount.get(from.ip) ?? 0) >= this.perIp) {
      return false
    }
    this.introducedBy.set(author, { peerId: from.peerId, ip: from.ip })
    bump(this.perPeerCount, from.peerId, 1)
    if (from.ip != null) {
      bump(this.perIpCount, from.ip, 1)
    }
    return true
  }

  /** `author` left the directory (or was heard directly): its introducer's slot is free again. */
  release(author: string): void {
    const by = this.introducedBy.get(author)
    if (by == null) {
      return
    }
    this.introducedBy.delete(author)
    bump(this.perPeerCount, by.peerId, -1)
    if (by.ip != null) {
      bump(this.perIpCount, by.ip, -1)
    }
  }

  /**
   * Records a refused announcement from `peerId`; true when it refused so many within the window that its
   * connection is worth closing (its flood costs us a signature check per message).
   */
  refused(peerId: string, now: number): boolean {
    const current = this.refusals.get(peerId)
    const window = current != null && now - current.since < REFUSAL_WINDOW_MS ? current : { since: now, count: 0 }
    window.count++
    this.refusals.set(peerId, window)
    return window.count > MAX_REFUSED_PER_WINDOW
  }

  /** `peerId` disconnected: forget its refusal count (its introductions stay charged until they leave). */
  disconnected(peerId: string): void {
    this.refusals.delete(peerId)
  }

  /** New identities `peerId` may still introduce (its address's budget aside). */
  room(peerId: string): number {
    return Math.max(0, this.perPeer - this.introducedThrough(peerId))
  }

  /** Identities `peerId` introduced that still count against it. */
  introducedThrough(peerId: string): number {
    return this.perPeerCount.get(peerId) ?? 0
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by
  if (next > 0) {
    counts.set(key, next)
  } else {
    counts.delete(key)
  }
}
