import {
  type PublishResult,
  type SubscriptionChangeData,
  type TopicValidatorFn,
  TopicValidatorResult
} from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { unwrapIdentity } from '../../../protocols/group/crypto.ts'
import { Reactions, type ReactionsComponents } from '../../../protocols/group/reactions.ts'
import { GroupRuntime } from '../../../protocols/group/runtime.ts'
import { UnheardPosts } from '../../../protocols/group/unheard.ts'
import { addMembers, newGroup, people } from './fixtures.ts'

const frame = (n: number): Uint8Array => Uint8Array.of(n)

describe('UnheardPosts', () => {
  it('gives back the frames of one topic, once, in order', () => {
    const u = new UnheardPosts()
    u.note('a', frame(1), 0)
    u.note('b', frame(2), 0)
    u.note('a', frame(3), 0)
    expect(u.take('a', 1)).toEqual([frame(1), frame(3)])
    expect(u.take('a', 1)).toEqual([])
    expect(u.take('b', 1)).toEqual([frame(2)])
  })

  it('forgets frames past their time', () => {
    const u = new UnheardPosts(10, 1000)
    u.note('a', frame(1), 0)
    expect(u.take('a', 1000)).toEqual([])
    expect(u.size).toBe(0)
  })

  it('never keeps more than its bound, dropping the oldest', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.nat(255)), { maxLength: 200 }), (notes) => {
        const u = new UnheardPosts(16, 1000)
        for (const [topic, n] of notes) {
          u.note(topic, frame(n), 0)
          expect(u.size).toBeLessThanOrEqual(16)
        }
        const kept = notes.slice(-16)
        for (const topic of ['a', 'b', 'c']) {
          expect(u.take(topic, 1)).toEqual(kept.filter(([t]) => t === topic).map(([, n]) => frame(n)))
        }
      })
    )
  })
})

/** Reactions over a real group of `owner` and `bob`, with a gossipsub stand-in that records what is published. */
async function setup() {
  const [owner, bob, stranger] = await people('owner', 'bob', 'stranger')
  const log = await newGroup(owner)
  await addMembers(log, owner, [bob], [owner, bob])
  const runtime = new GroupRuntime(log, unwrapIdentity(owner.key))
  const published: Array<{ topic: string; data: Uint8Array }> = []
  let recipients: PeerId[] = [peerIdFromString(bob.id)]
  const pubsub = {
    topicValidators: new Map<string, TopicValidatorFn>(),
    subscribe: () => {},
    unsubscribe: () => {},
    getSubscribers: () => [],
    publish: async (topic: string, data?: Uint8Array): Promise<PublishResult> => {
      published.push({ topic, data: data ?? new Uint8Array() })
      return { recipients }
    }
  }
  const unheard = new UnheardPosts()
  const service: ReactionsComponents = {
    me: owner.id,
    isRunning: true,
    inbound: { releaseHeld: () => {}, validateFrame: async () => TopicValidatorResult.Ignore },
    sync: { requestSync: () => {}, deliverInvite: async () => {} },
    announcer: { now: () => {}, replySoon: () => {} },
    unheard,
    group: (id) => (id === runtime.id ? runtime : undefined),
    groups: () => [runtime],
    act: async () => undefined,
    emitChange: () => {},
    signal: () => new AbortController().signal,
    emit: () => {}
  }
  const reactions = new Reactions(service, pubsub, 1000, defaultLogger().forComponent('test'))
  const subscribes = (who: string): void =>
    reactions.onSubscriptionChange(
      new CustomEvent<SubscriptionChangeData>('subscription-change', {
        detail: { peerId: peerIdFromString(who), subscriptions: [{ topic: runtime.topic, subscribe: true }] }
      })
    )
  const setRecipients = (r: PeerId[]): void => {
    recipients = r
  }
  return { runtime, unheard, published, subscribes, setRecipients, bob, stranger }
}

describe('a post that reached nobody', () => {
  it('is published once more when a member appears on the topic', async () => {
    const { runtime, unheard, published, subscribes, bob } = await setup()
    unheard.note(runtime.topic, frame(7), Date.now())
    subscribes(bob.id)
    expect(published).toEqual([{ topic: runtime.topic, data: frame(7) }])
    subscribes(bob.id)
    expect(published).toHaveLength(1)
  })

  it('waits for a member: a stranger subscribing gets nothing', async () => {
    const { runtime, unheard, published, subscribes, stranger } = await setup()
    unheard.note(runtime.topic, frame(7), Date.now())
    subscribes(stranger.id)
    expect(published).toEqual([])
    expect(unheard.size).toBe(1)
  })

  it('is kept again when the second try reached nobody either', async () => {
    const { runtime, unheard, published, subscribes, setRecipients, bob } = await setup()
    setRecipients([])
    unheard.note(runtime.topic, frame(7), Date.now())
    subscribes(bob.id)
    await expect.poll(() => unheard.size).toBe(1)
    expect(published).toHaveLength(1)
  })
})
