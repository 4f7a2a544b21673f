/** What the relay should do with a group topic after a change in who is on it. */
export type TopicChange = { type: 'follow' | 'unfollow'; topic: string }

export interface TopicBudgetLimits {
  /** group topics one peer's subscriptions count for */
  perPeer: number
  /** distinct group topics the peers of one IP address count for together */
  perIp: number
  /** counted subscribers a topic needs before the relay follows it */
  minSubscribers: number
  /** group topics followed at most */
  maxTopics: number
}

/**
 * Which group topics the relay follows on its clients' behalf. A subscription counts only within its peer's and its
 * IP address's budgets, and a topic is followed only while enough counted subscribers are on it, so made-up topics
 * cost a flooder budget slots it cannot multiply with fresh PeerIds from one address, and a topic is dropped when
 * its last counted subscriber leaves. Pure (no I/O): the caller applies the changes to gossipsub.
 */
export class TopicBudget {
  /** topic -> counted subscriber -> its IP */
  private readonly subscribers = new Map<string, Map<string, string>>()
  /** peer -> topics it counts for, in the order it subscribed */
  private readonly byPeer = new Map<string, Set<string>>()
  /** IP -> topic -> how many of its peers count for it */
  private readonly byIp = new Map<string, Map<string, number>>()
  private readonly followed = new Set<string>()

  constructor(private readonly limits: TopicBudgetLimits) {}

  /** Topics followed now. */
  get size(): number {
    return this.followed.size
  }

  isFollowed(topic: string): boolean {
    return this.followed.has(topic)
  }

  /** `peer` (connected from `ip`) subscribed to `topic`. */
  subscribe(peer: string, ip: string, topic: string): TopicChange[] {
    const mine = this.byPeer.get(peer) ?? new Set<string>()
    if (mine.has(topic) || mine.size >= this.limits.perPeer) {
      return []
    }
    const ipTopics = this.byIp.get(ip) ?? new Map<string, number>()
    if (!ipTopics.has(topic) && ipTopics.size >= this.limits.perIp) {
      return []
    }
    mine.add(topic)
    this.byPeer.set(peer, mine)
    ipTopics.set(topic, (ipTopics.get(topic) ?? 0) + 1)
    this.byIp.set(ip, ipTopics)
    const on = this.subscribers.get(topic) ?? new Map<string, string>()
    on.set(peer, ip)
    this.subscribers.set(topic, on)
    return this.tryFollow(topic)
  }

  /** `peer` unsubscribed from `topic`. */
  unsubscribe(peer: string, topic: string): TopicChange[] {
    if (!this.release(peer, topic)) {
      return []
    }
    return this.afterRelease([topic])
  }

  /** `peer` disconnected: none of its subscriptions count any more. */
  removePeer(peer: string): TopicChange[] {
    const topics = [...(this.byPeer.get(peer) ?? [])]
    for (const topic of topics) {
      this.release(peer, topic)
    }
    return this.afterRelease(topics)
  }

  private tryFollow(topic: string): TopicChange[] {
    const count = this.subscribers.get(topic)?.size ?? 0
    if (this.followed.has(topic) || count < this.limits.minSubscribers || this.followed.size >= this.limits.maxTopics) {
      return []
    }
    this.followed.add(topic)
    return [{ type: 'follow', topic }]
  }

  private release(peer: string, topic: string): boolean {
    const on = this.subscribers.get(topic)
    const ip = on?.get(peer)
    if (on == null || ip == null) {
      return false
    }
    on.delete(peer)
    if (on.size === 0) {
      this.subscribers.delete(topic)
    }
    const mine = this.byPeer.get(peer)
    mine?.delete(topic)
    if (mine?.size === 0) {
      this.byPeer.delete(peer)
    }
    const ipTopics = this.byIp.get(ip)
    const left = (ipTopics?.get(topic) ?? 1) - 1
    if (left > 0) {
      ipTopics?.set(topic, left)
    } else {
      ipTopics?.delete(topic)
    }
    if (ipTopics?.size === 0) {
      this.byIp.delete(ip)
    }
    return true
  }

  /** Unfollows topics that fell below the threshold; freed slots go to topics that were waiting for one. */
  private afterRelease(topics: string[]): TopicChange[] {
    const changes: TopicChange[] = []
    for (const topic of topics) {
      if (this.followed.has(topic) && (this.subscribers.get(topic)?.size ?? 0) < this.limits.minSubscribers) {
        this.followed.delete(topic)
        changes.push({ type: 'unfollow', topic })
      }
    }
    if (changes.length > 0) {
      for (const waiting of this.subscribers.keys()) {
        if (this.followed.size >= this.limits.maxTopics) {
          break
        }
        changes.push(...this.tryFollow(waiting))
      }
    }
    return changes
  }
}
