import type { GossipSub, Message, SubscriptionChangeData } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import {
  DIRECTORY_TOPIC,
  groupIdOfTopic,
  verifyAnnouncement,
  verifyTopicFrameStateless
} from '../protocols/group/index.ts'

/**
 * Most group topics the relay follows at once. Each costs gossipsub a mesh and a seen-cache share; a client could
 * otherwise make the relay join any number of made-up topics. Far above the groups a relay's clients really use
 * (a few per client, MAX_MEMBERS members each).
 */
export const MAX_FOLLOWED_GROUP_TOPICS = 10_000

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

  constructor(
    private readonly pubsub: GossipSub,
    private readonly gate: Gate
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

  /** Drops group topics no connected peer is subscribed to any more (call when a peer disconnects). */
  prune(): void {
    for (const topic of this.followed) {
      if (this.pubsub.getSubscribers(topic).length === 0) {
        this.unfollow(topic)
      }
    }
  }

  private onSubscriptionChange(evt: CustomEvent<SubscriptionChangeData>): void {
    for (const { topic, subscribe } of evt.detail.subscriptions) {
      const groupId = groupIdOfTopic(topic)
      if (groupId == null) {
        continue
      }
      if (subscribe) {
        this.follow(topic, groupId)
      } else if (this.followed.has(topic) && !this.othersOn(topic, evt.detail.peerId)) {
        this.unfollow(topic)
      }
    }
  }

  private othersOn(topic: string, leaving: PeerId): boolean {
    return this.pubsub.getSubscribers(topic).some((p) => !p.equals(leaving))
  }

  private follow(topic: string, groupId: string): void {
    if (this.followed.has(topic) || this.followed.size >= MAX_FOLLOWED_GROUP_TOPICS) {
      return
    }
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
