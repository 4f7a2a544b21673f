import { RPC } from '@libp2p/gossipsub/message'
import { describe, expect, it } from 'vitest'
import { MAX_FRAME_BYTES } from '../../../protocols/common/limits.ts'
import { GROUP_TOPIC_PREFIX } from '../../../protocols/group/index.ts'
import {
  MAX_FOLLOWED_GROUP_TOPICS,
  MAX_GROUP_TOPICS_PER_IP,
  MAX_GROUP_TOPICS_PER_PEER
} from '../../../relay/group-topics.ts'
import { TopicBudget } from '../../../relay/topic-budget.ts'

const topic = (i: number): string => `${GROUP_TOPIC_PREFIX}${i.toString(32).padStart(26, 'a')}`
const limits = { perPeer: 3, perIp: 5, minSubscribers: 2, maxTopics: 4 }

describe('relay group topic budget', () => {
  it('follows a topic once two subscribers count for it, and unfollows when they leave', () => {
    const b = new TopicBudget(limits)
    expect(b.subscribe('alice', '10.0.0.1', topic(1))).toEqual([])
    expect(b.subscribe('bob', '10.0.0.2', topic(1))).toEqual([{ type: 'follow', topic: topic(1) }])
    expect(b.unsubscribe('bob', topic(1))).toEqual([{ type: 'unfollow', topic: topic(1) }])
    expect(b.subscribe('bob', '10.0.0.2', topic(1))).toEqual([{ type: 'follow', topic: topic(1) }])
    expect(b.removePeer('alice')).toEqual([{ type: 'unfollow', topic: topic(1) }])
    expect(b.size).toBe(0)
  })

  it('counts a peer for its first topics only, and an IP for a bounded number of distinct topics', () => {
    const b = new TopicBudget({ ...limits, maxTopics: 100 })
    // two identities from one address subscribe to the same ten made-up topics: each counts for its first 3
    for (let i = 0; i < 10; i++) {
      b.subscribe('sybil-1', '10.6.6.6', topic(i))
      b.subscribe('sybil-2', '10.6.6.6', topic(i))
    }
    expect(b.size).toBe(3)
    // more identities on that address, each starting elsewhere, add nothing past its 5 distinct topics
    for (let p = 3; p < 20; p++) {
      for (let i = 0; i < 10; i++) {
        b.subscribe(`sybil-${p}`, '10.6.6.6', topic((i + p) % 10))
      }
    }
    expect(b.size).toBe(5)
    // an honest pair elsewhere still gets its group followed
    b.subscribe('alice', '10.0.0.1', topic(42))
    expect(b.subscribe('bob', '10.0.0.2', topic(42))).toEqual([{ type: 'follow', topic: topic(42) }])
  })

  it('never follows more than the total; a freed slot goes to a topic that was waiting', () => {
    const b = new TopicBudget({ ...limits, perIp: 100 })
    for (let i = 0; i < 6; i++) {
      b.subscribe(`a${i}`, `10.0.1.${i}`, topic(i))
      b.subscribe(`b${i}`, `10.0.2.${i}`, topic(i))
    }
    expect(b.size).toBe(4)
    const changes = b.removePeer('a0')
    expect(changes).toContainEqual({ type: 'unfollow', topic: topic(0) })
    expect(changes.filter((c) => c.type === 'follow')).toHaveLength(1)
    expect(b.size).toBe(4)
  })

  it('the relay topic list at its cap fits one gossip frame and a client gossipsub per-peer topic budget', () => {
    const fixed = [
      '/p2pchat/presence/1.0.0',
      '/p2pchat/relay-notices/1.0.0',
      '/p2pchat/lobby/1.0.0',
      '/p2pchat/groups/1.0.0'
    ]
    const topics = [...fixed, ...Array.from({ length: MAX_FOLLOWED_GROUP_TOPICS }, (_, i) => topic(i))]
    const rpc = RPC.encode({ subscriptions: topics.map((t) => ({ topic: t, subscribe: true })), messages: [] })
    expect(rpc.byteLength).toBeLessThan(MAX_FRAME_BYTES)
    // gossipsub charges each topic its length plus 1 KiB against 1 MiB per peer by default
    const cost = topics.reduce((sum, t) => sum + t.length + 1024, 0)
    expect(cost).toBeLessThan(1024 * 1024)
    expect(MAX_GROUP_TOPICS_PER_PEER).toBeLessThan(MAX_GROUP_TOPICS_PER_IP)
  })
})
