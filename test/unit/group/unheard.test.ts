import {
  type PublishResult,
  type SubscriptionChangeData,
  type TopicValidatorFn,
  TopicValidatorResult
} from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { UnheardFrames } from '../../../protocols/common/unheard.ts'
import { MAX_UNHEARD_BYTES, MAX_UNHEARD_POSTS, UNHEARD_TTL_MS } from '../../../protocols/group/constants.ts'
import { unwrapIdentity } from '../../../protocols/group/crypto.ts'
import { Reactions, type ReactionsComponents } from '../../../protocols/group/reactions.ts'
import { GroupRuntime } from '../../../protocols/group/runtime.ts'
import { addMembers, newGroup, people } from './fixtures.ts'

const frame = (n: number): Uint8Array => Uint8Array.of(n)

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
  const unheard = new UnheardFrames({
    maxFrames: MAX_UNHEARD_POSTS,
    maxBytes: MAX_UNHEARD_BYTES,
    ttlMs: UNHEARD_TTL_MS
  })
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
