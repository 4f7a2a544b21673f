import { generateKeyPair } from '@libp2p/crypto/keys'
import type { GossipSub, Message } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LOBBY_POST_BURST, LOBBY_POSTS_PER_SECOND, LOBBY_TOPIC } from '../../../protocols/lobby/constants.ts'
import { encodeLobbyPost, type LobbyComponents, LobbyService } from '../../../protocols/lobby/index.ts'

const NOW = 1_800_000_000_000

async function peer(): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

let seq = 0
function signed(from: PeerId): Message & { type: 'signed' } {
  const data = encodeLobbyPost({ id: `post-${++seq}`, ts: Date.now(), senderName: 'someone', text: 'hi' })
  // the validator reads the author and the data; gossipsub checked the signature before it runs
  return {
    type: 'signed',
    from,
    topic: LOBBY_TOPIC,
    data,
    sequenceNumber: BigInt(seq),
    signature: new Uint8Array(64),
    key: from.publicKey!
  }
}

/** The lobby's topic validator as gossipsub calls it, on a fake gossipsub that only records validators. */
function lobbyValidator(): (msg: Message & { type: 'signed' }) => Promise<TopicValidatorResult> {
  const topicValidators: GossipSub['topicValidators'] = new Map()
  const pubsub = {
    topicValidators,
    addEventListener: () => {},
    removeEventListener: () => {},
    subscribe: () => {},
    unsubscribe: () => {},
    publish: async () => ({ recipients: [] }),
    getSubscribers: () => []
  }
  const service = new LobbyService({ pubsub: pubsub as LobbyComponents['pubsub'], logger: defaultLogger() })
  service.start()
  const validator = topicValidators.get(LOBBY_TOPIC)!
  return async (msg) => validator(msg.from, msg)
}

describe('lobby posts are rate-limited per sender at every receiver', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(NOW)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a flooding sender is rejected past its burst, while others are still served', async () => {
    const validate = lobbyValidator()
    const [mallory, alice] = [await peer(), await peer()]
    const verdicts: TopicValidatorResult[] = []
    for (let i = 0; i < 200; i++) {
      verdicts.push(await validate(signed(mallory)))
    }
    expect(verdicts.filter((v) => v === TopicValidatorResult.Accept)).toHaveLength(LOBBY_POST_BURST)
    expect(verdicts.slice(LOBBY_POST_BURST).every((v) => v === TopicValidatorResult.Reject)).toBe(true)
    expect(await validate(signed(alice))).toBe(TopicValidatorResult.Accept)
    // the allowance comes back with time
    vi.setSystemTime(NOW + 10_000)
    let again = 0
    for (let i = 0; i < 20; i++) {
      again += (await validate(signed(mallory))) === TopicValidatorResult.Accept ? 1 : 0
    }
    expect(again).toBe((10_000 / 1000) * LOBBY_POSTS_PER_SECOND)
  })
})

describe('a lobby post is decoded once', () => {
  it('the message event delivers the post the validator decoded, not a second decoding', async () => {
    const topicValidators: GossipSub['topicValidators'] = new Map()
    let onMessage: ((evt: CustomEvent<Message>) => void) | undefined
    const pubsub = {
      topicValidators,
      addEventListener: (type: string, listener: (evt: CustomEvent<Message>) => void) => {
        if (type === 'message') {
          onMessage = listener
        }
      },
      removeEventListener: () => {},
      subscribe: () => {},
      unsubscribe: () => {},
      getSubscribers: () => [],
      publish: async () => ({ recipients: [] })
    }
    const service = new LobbyService({ pubsub: pubsub as LobbyComponents['pubsub'], logger: defaultLogger() })
    service.start()
    const posts: string[] = []
    service.addEventListener('post', (evt) => posts.push(evt.detail.post.text))
    const msg = signed(await peer())
    expect(await topicValidators.get(LOBBY_TOPIC)!(msg.from, msg)).toBe(TopicValidatorResult.Accept)
    // bytes that no longer decode: only the validator's decoding can deliver the post
    msg.data = new Uint8Array([0xff, 0xff, 0xff])
    onMessage?.(new CustomEvent('message', { detail: msg }))
    expect(posts).toEqual(['hi'])
  })
})
