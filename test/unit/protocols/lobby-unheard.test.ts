import { generateKeyPair } from '@libp2p/crypto/keys'
import type { GossipSubEvents, Message, PublishResult, TopicValidatorFn } from '@libp2p/gossipsub'
import { type PeerId, TypedEventEmitter } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { RELAY_LOSS_WINDOW_MS, UNHEARD_LOBBY_ECHO_MS } from '../../../protocols/lobby/constants.ts'
import {
  decodeLobbyPost,
  encodeLobbyPost,
  LOBBY_TOPIC,
  type LobbyPost,
  LobbyService
} from '../../../protocols/lobby/index.ts'
import { NewestSeq } from '../../../protocols/lobby/unheard.ts'

/** A gossipsub stand-in: records what is published; once a subscriber appeared, every publish reaches it. */
async function setup(init: { burst?: number } = {}) {
  const peer: PeerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  const published: Uint8Array[] = []
  const net = { subscribers: [] as PeerId[], listed: 0 }
  const pubsub = Object.assign(new TypedEventEmitter<GossipSubEvents>(), {
    topicValidators: new Map<string, TopicValidatorFn>(),
    subscribe: () => {},
    unsubscribe: () => {},
    getSubscribers: () => {
      net.listed++
      return net.subscribers
    },
    publish: async (_topic: string, data?: Uint8Array): Promise<PublishResult> => {
      published.push(data ?? new Uint8Array())
      return { recipients: [...net.subscribers] }
    }
  })
  const lobby = new LobbyService({ pubsub, logger: defaultLogger() }, { burst: init.burst })
  lobby.start()
  const appears = (): void => {
    net.subscribers = [peer]
    pubsub.safeDispatchEvent('subscription-change', {
      detail: { peerId: peer, subscriptions: [{ topic: LOBBY_TOPIC, subscribe: true }] }
    })
  }
  const texts = (): string[] => published.map((d) => decodeLobbyPost(d).text)
  return { lobby, pubsub, peer, published, appears, texts, net }
}

const post = (text: string): LobbyPost => ({ id: crypto.randomUUID(), ts: Date.now(), senderName: 'alice', text })

describe('a lobby post that reached nobody', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('costs nothing when a subscriber appears while nothing is owed (a relay hears one per newcomer)', async () => {
    const { lobby, appears, net } = await setup()
    for (let i = 0; i < 10; i++) {
      appears()
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
    // listing the subscribers walks every peer: with thousands of clients on a relay, once per newcomer added up
    expect(net.listed).toBe(0)
    lobby.stop()
  })

  it('is published again, the same bytes, when a lobby subscriber appears', async () => {
    const { lobby, published, appears } = await setup()
    expect(await lobby.publish(post('hello'))).toBe(0)
    expect(lobby.owedPosts).toBe(1)
    appears()
    await expect.poll(() => published.length).toBe(2)
    expect(published[1]).toEqual(published[0])
    expect(lobby.owedPosts).toBe(0)
    lobby.stop()
  })

  it('goes out before a newer post, so the sender order holds', async () => {
    const { lobby, appears, texts } = await setup()
    await lobby.publish(post('one'))
    await lobby.publish(post('two'))
    appears()
    expect(await lobby.publish(post('three'))).toBe(1)
    // with owed posts and nobody there, a newer post is only kept behind them; before a newer post goes out, those
    // heard once already get their second send (the echo)
    expect(texts()).toEqual(['one', 'one', 'two', 'one', 'two', 'three'])
    lobby.stop()
  })

  it('is sent again only within the sender allowance; a newer post waits behind it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const { lobby, appears, texts } = await setup({ burst: 2 })
    for (const text of ['a', 'b', 'c']) {
      await lobby.publish(post(text))
    }
    appears()
    await vi.waitFor(() => expect(texts()).toEqual(['a', 'a', 'b']))
    expect(await lobby.publish(post('d'))).toBe(0)
    expect(lobby.owedPosts).toBe(2)
    await vi.advanceTimersByTimeAsync(1000)
    expect(texts()).toEqual(['a', 'a', 'b', 'c'])
    await vi.advanceTimersByTimeAsync(1000)
    expect(texts()).toEqual(['a', 'a', 'b', 'c', 'd'])
    expect(lobby.owedPosts).toBe(0)
    lobby.stop()
  })

  it('is sent once more a while after it was first heard, then forgotten', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const { lobby, appears, texts } = await setup()
    await lobby.publish(post('hello'))
    appears()
    await vi.waitFor(() => expect(texts()).toEqual(['hello', 'hello']))
    await vi.advanceTimersByTimeAsync(UNHEARD_LOBBY_ECHO_MS - 100)
    expect(texts()).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(100)
    expect(texts()).toEqual(['hello', 'hello', 'hello'])
    lobby.resendUnheard()
    await vi.advanceTimersByTimeAsync(UNHEARD_LOBBY_ECHO_MS * 3)
    expect(texts()).toHaveLength(3)
    lobby.stop()
  })

  it('is not kept once someone heard it', async () => {
    const { lobby, appears, published } = await setup()
    appears()
    expect(await lobby.publish(post('heard'))).toBe(1)
    expect(lobby.owedPosts).toBe(0)
    lobby.resendUnheard()
    await lobby.publish(post('next'))
    expect(published).toHaveLength(2)
    lobby.stop()
  })
})

describe('lobby posts handed to a relay whose connection is then lost', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('are owed again if recent, and go out once more, in order and before newer posts, when a subscriber is back', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const { lobby, appears, texts, net } = await setup()
    appears()
    await lobby.publish(post('old'))
    await vi.advanceTimersByTimeAsync(RELAY_LOSS_WINDOW_MS)
    expect(await lobby.publish(post('one'))).toBe(1)
    expect(await lobby.publish(post('two'))).toBe(1)
    // the relay hung with 'one' and 'two' in its socket; we gave up on it
    net.subscribers = []
    lobby.relayLost()
    expect(lobby.owedPosts).toBe(2)
    expect(await lobby.publish(post('three'))).toBe(0)
    appears()
    await vi.waitFor(() => expect(texts().slice(0, 6)).toEqual(['old', 'one', 'two', 'one', 'two', 'three']))
    expect(lobby.owedPosts).toBe(0)
    lobby.stop()
  })

  it('are not owed twice when the connection is lost twice in a row', async () => {
    const { lobby, appears, net } = await setup()
    appears()
    await lobby.publish(post('one'))
    net.subscribers = []
    lobby.relayLost()
    lobby.relayLost()
    expect(lobby.owedPosts).toBe(1)
    lobby.stop()
  })
})

describe('a lobby post that comes live after a newer one of its sender', () => {
  it('is shown as late (catchUp), so what comes live keeps its sender order', async () => {
    const { lobby, pubsub, peer } = await setup()
    const shown: Array<{ text: string; catchUp?: true }> = []
    lobby.addEventListener('post', (evt) => shown.push({ text: evt.detail.post.text, catchUp: evt.detail.catchUp }))
    const gossip = (text: string, seq: number): void => {
      const data = encodeLobbyPost({ ...post(text), epoch: 1, seq })
      const msg: Message = {
        type: 'signed',
        from: peer,
        topic: LOBBY_TOPIC,
        data,
        sequenceNumber: BigInt(seq),
        signature: new Uint8Array(64),
        key: peer.publicKey!
      }
      pubsub.safeDispatchEvent('message', { detail: msg })
    }
    gossip('first', 1)
    gossip('third', 3)
    gossip('second', 2)
    gossip('fourth', 4)
    expect(shown).toEqual([
      { text: 'first', catchUp: undefined },
      { text: 'third', catchUp: undefined },
      { text: 'second', catchUp: true },
      { text: 'fourth', catchUp: undefined }
    ])
    lobby.stop()
  })
})

describe('NewestSeq', () => {
  it('tells a post that comes after a newer one of the same sender and run', () => {
    const newest = new NewestSeq(2)
    expect(newest.isLate('a', { epoch: 1, seq: 2 })).toBe(false)
    expect(newest.isLate('a', { epoch: 1, seq: 1 })).toBe(true)
    expect(newest.isLate('a', { epoch: 1, seq: 3 })).toBe(false)
    expect(newest.isLate('b', { epoch: 1, seq: 9 })).toBe(false)
    // an older run, a post without numbers: not judged
    expect(newest.isLate('a', { epoch: 0, seq: 1 })).toBe(false)
    expect(newest.isLate('a', {})).toBe(false)
    // a new run starts over
    expect(newest.isLate('a', { epoch: 2, seq: 1 })).toBe(false)
    expect(newest.isLate('a', { epoch: 2, seq: 2 })).toBe(false)
  })

  it('remembers a bounded number of senders', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(20), fc.nat(5)), { maxLength: 200 }), (posts) => {
        const newest = new NewestSeq(4)
        for (const [sender, seq] of posts) {
          newest.isLate(String(sender), { epoch: 1, seq })
        }
        expect(newest.size).toBeLessThanOrEqual(4)
      })
    )
  })
})
