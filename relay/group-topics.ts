import type { GossipSub, Message, SubscriptionChangeData } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import {
  DIRECTORY_TOPIC,
  groupIdOfTopic,
  verifyAnnouncement,
  verifyTopicFrameStateless
} from '../protocols/group/index.ts'
import { TopicBudget, type TopicChange } from './topic-budget.ts'

/**
 * Most group topics the relay follows at once. The relay sends every new peer the list of all its topics in one
 * gossip RPC, which a client accepts only up to MAX_FRAME_BYTES (64 KiB, about 53 bytes a group topic), and a
 * client's gossipsub keeps at most about 975 topics per peer (1 MiB at ~1 KiB each): past either, new clients
 * dropped the relay's gossip link or stopped hearing it. 900 keeps the list near 48 KiB and under both.
 */
export const MAX_FOLLOWED_GROUP_TOPICS = 900

/** Group topics one peer's subscriptions count for: a client is in a few groups, rarely dozens. */
export const MAX_GROUP_TOPICS_PER_PEER = 64

/** Distinct group topics the clients behind one IP address count for together (a household or office NAT). */
export const MAX_GROUP_TOPICS_PER_IP = 256

/**
 * Counted subscribers a group topic needs before the relay follows it. One: a joiner publishes its first frames
 * right after subscribing, to whoever is on the topic already, so the relay must be there with the first member
 * (with two, a joiner reaching the owner only via the relay was never heard). The budgets bound the cost.
 */
export const MIN_GROUP_SUBSCRIBERS = 1

/**
 * Gossipsub's own per-peer budget for the relay (its cost is a topic's length plus ~1 KiB): room for the group
 * topics that count plus the fixed p2pchat topics, so one peer cannot make the relay track ~1000 topics.
 */
export const RELAY_TOPIC_BYTES_PER_PEER = (MAX_GROUP_TOPICS_PER_PEER + 16) * (1024 + 128)

/** What GroupTopics needs of gossipsub: following topics and hearing peers' subscriptions. */
export interface TopicFollower {
  readonly topicValidators: GossipSub['topicValidators']
  subscribe(topic: string): void
  unsubscribe(topic: string): void
  addEventListener(type: 'subscription-change', listener: (evt: CustomEvent<SubscriptionChangeData>) => void): void
  removeEventListener(type: 'subscription-change', listener: (evt: CustomEvent<SubscriptionChangeData>) => void): void
}

/** Says Ignore for a message the relay must not pass on (a banned author), undefined to go on checking. */
export type Gate = (msg: Message) => TopicValidatorResult | undefined

/**
 * Gossipsub only forwards a topic between peers subscribed to it, so the relay joins the groups directory and every
 * group topic one of its clients is on: clients that reach each other only through the relay see each other's
 * public groups and chat in groups. It checks what it forwards with the same stateless checks members run first;
 * private groups' frames stay sealed to it.
 */
export class GroupTopics {
  private readonly followed = new Set<string>()
  private readonly budget = new TopicBudget({
    perPeer: MAX_GROUP_TOPICS_PER_PEER,
    perIp: MAX_GROUP_TOPICS_PER_IP,
    minSubscribers: MIN_GROUP_SUBSCRIBERS,
    maxTopics: MAX_FOLLOWED_GROUP_TOPICS
  })

  constructor(
    private readonly pubsub: TopicFollower,
    private readonly gate: Gate,
    /** the IP address `peer` is connected from, which shares one budget among its peers */
    private readonly ipOf: (peer: PeerId) => string | undefined,
    /**
     * whether `peer` is a configured peer relay: its subscriptions never count, or two relays would follow a topic
     * because the other does, for ever after the last member left
     */
    private readonly peerRelay: (peer: PeerId) => boolean = () => false
  ) {
    this.onSubscriptionChange = this.onSubscriptionChange.bind(this)
  }

  /** Call after gossipsub started. */
  start(): void {
    this.pubsub.topicValidators.set(DIRECTORY_TOPIC, (_peer, msg) => this.validateAnnouncement(msg))
    this.pubsub.subscribe(DIRECTORY_TOPIC)
    this.pubsub.addEventListener('subscription-change', this.onSubscriptionChange)
  }

  stop(): void {
    this.pubsub.removeEventListener('subscription-change', this.onSubscriptionChange)
    for (const topic of [DIRECTORY_TOPIC, ...this.followed]) {
      this.pubsub.unsubscribe(topic)
      this.pubsub.topicValidators.delete(topic)
    }
    this.followed.clear()
  }

  /** Group topics followed now. */
  get size(): number {
    return this.followed.size
  }

  /** A peer disconnected: its subscriptions stop counting, and topics left with too few subscribers are dropped. */
  removePeer(peer: PeerId): void {
    this.apply(this.budget.removePeer(peer.toString()))
  }

  private onSubscriptionChange(evt: CustomEvent<SubscriptionChangeData>): void {
    const peer = evt.detail.peerId
    if (this.peerRelay(peer)) {
      return
    }
    const id = peer.toString()
    for (const { topic, subscribe } of evt.detail.subscriptions) {
      if (groupIdOfTopic(topic) == null) {
        continue
      }
      const changes = subscribe
        ? this.budget.subscribe(id, this.ipOf(peer) ?? 'unknown', topic)
        : this.budget.unsubscribe(id, topic)
      this.apply(changes)
    }
  }

  private apply(changes: TopicChange[]): void {
    for (const { type, topic } of changes) {
      const groupId = groupIdOfTopic(topic)
      if (type === 'unfollow') {
        this.unfollow(topic)
      } else if (groupId != null && !this.followed.has(topic)) {
        this.follow(topic, groupId)
      }
    }
  }

  private follow(topic: string, groupId: string): void {
    this.followed.add(topic)
    this.pubsub.topicValidators.set(topic, (_peer, msg) => this.validateFrame(groupId, msg))
    this.pubsub.subscribe(topic)
  }

  private unfollow(topic: string): void {
    this.followed.delete(topic)
    this.pubsub.unsubscribe(topic)
    this.pubsub.topicValidators.delete(topic)
  }

  private async validateAnnouncement(msg: Message): Promise<TopicValidatorResult> {
    if (msg.type !== 'signed') {
      return TopicValidatorResult.Reject
    }
    const gated = this.gate(msg)
    if (gated != null) {
      return gated
    }
    try {
      await verifyAnnouncement(msg.data)
      return TopicValidatorResult.Accept
    } catch {
      return TopicValidatorResult.Reject
    }
  }

  private async validateFrame(groupId: string, msg: Message): Promise<TopicValidatorResult> {
    if (msg.type !== 'signed') {
      return TopicValidatorResult.Reject
    }
    const gated = this.gate(msg)
    if (gated != null) {
      return gated
    }
    try {
      await verifyTopicFrameStateless(groupId, msg.from.toString(), msg.key, msg.data)
      return TopicValidatorResult.Accept
    } catch {
      return TopicValidatorResult.Reject
    }
  }
}
