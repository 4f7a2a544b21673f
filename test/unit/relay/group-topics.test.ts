import { generateKeyPair } from '@libp2p/crypto/keys'
import type { GossipSub, SubscriptionChangeData } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { groupTopic } from '../../../protocols/group/index.ts'
import { GroupTopics, type TopicFollower } from '../../../relay/group-topics.ts'

/** Gossipsub as GroupTopics sees it: what it follows, and the subscription changes we make peers send. */
class FakePubsub
  extends TypedEventEmitter<{ 'subscription-change': CustomEvent<SubscriptionChangeData> }>
  implements TopicFollower
{
  readonly topicValidators: GossipSub['topicValidators'] = new Map()
  readonly followed = new Set<string>()
  subscribe(topic: string): void {
    this.followed.add(topic)
  }
  unsubscribe(topic: string): void {
    this.followed.delete(topic)
  }
  change(peerId: PeerId, topic: string, subscribe: boolean): void {
    this.safeDispatchEvent('subscription-change', { detail: { peerId, subscriptions: [{ topic, subscribe }] } })
  }
}

const newPeer = async (): Promise<PeerId> => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))

describe('group topics followed by a federated relay', () => {
  it("follows a topic for its own client, never for a peer relay's subscription, and drops it when the client goes", async () => {
    const [client, peerRelay] = await Promise.all([newPeer(), newPeer()])
    const pubsub = new FakePubsub()
    const topics = new GroupTopics(
      pubsub,
      () => undefined,
      () => '198.51.100.1',
      (p) => p.equals(peerRelay)
    )
    topics.start()
    const mine = groupTopic('a'.repeat(26))
    const theirs = groupTopic('b'.repeat(26))
    pubsub.change(peerRelay, theirs, true)
    expect(pubsub.followed.has(theirs)).toBe(false)

    pubsub.change(client, mine, true)
    // the peer relay follows it too (for its own member), which must not keep us on it after ours left
    pubsub.change(peerRelay, mine, true)
    expect(pubsub.followed.has(mine)).toBe(true)
    topics.removePeer(client)
    expect(pubsub.followed.has(mine)).toBe(false)
    expect(topics.size).toBe(0)
    topics.stop()
  })
})
