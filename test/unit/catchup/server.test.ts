import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { beforeAll, describe, expect, it } from 'vitest'
import { requestOn } from '../../../protocols/catchup/client.ts'
import { decodeResponseFrame, encodeSignedGossip, type SignedGossip } from '../../../protocols/catchup/codec.ts'
import { MAX_RESPONSE_FRAME_BYTES, REQUESTS_PER_PEER_BURST } from '../../../protocols/catchup/constants.ts'
import { signGossip, verifyGossip } from '../../../protocols/catchup/envelope.ts'
import { CatchUpRateLimitedError, CatchUpRefusedError, ForgedMessageError } from '../../../protocols/catchup/errors.ts'
import { CatchUpServer, type ServePolicy } from '../../../protocols/catchup/server.ts'
import { CatchUpStore } from '../../../protocols/catchup/store.ts'
import { frameStream } from '../../../protocols/common/frames.ts'
import { encodeLobbyPost, LOBBY_TOPIC } from '../../../protocols/lobby/index.ts'
import { streamPairs } from '../protocols/stream-pairs.ts'

const pair = streamPairs()
const GROUP_TOPIC = '/p2pchat/group/1.0.0/some-group'
let aliceKey: PrivateKey
let alice: PeerId
let bob: PeerId

beforeAll(async () => {
  aliceKey = await generateKeyPair('Ed25519')
  alice = peerIdFromPrivateKey(aliceKey)
  bob = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
})

function post(text: string): Uint8Array {
  return encodeLobbyPost({ id: `id-${text}`, ts: Date.now(), senderName: 'alice', text })
}

function setup(policy: ServePolicy = () => ({ windowMs: 60_000 })): { store: CatchUpStore; server: CatchUpServer } {
  const store = new CatchUpStore({ maxBytes: 1_000_000, maxConversations: 8 })
  const server = new CatchUpServer({ store, policy, signOwn: async () => new Uint8Array(0) })
  return { store, server }
}

function keep(store: CatchUpStore, g: SignedGossip, topic = g.topic): void {
  const signed = encodeSignedGossip(g)
  store.add({ at: Date.now(), topic, signed, size: signed.byteLength })
}

const connection = (peer: PeerId, ip = '10.0.0.2') => ({
  remotePeer: peer,
  remoteAddr: multiaddr(`/ip4/${ip}/tcp/4001`)
})

async function ask(server: CatchUpServer, topic: string, peer: PeerId = bob, ip?: string) {
  const [outbound, inbound] = await pair()
  const serving = server.serve(inbound, connection(peer, ip), AbortSignal.timeout(5000))
  const fetched = requestOn(outbound, alice, { topic, since: 0, limit: 1000 }, { signal: AbortSignal.timeout(5000) })
  const [served, answer] = await Promise.allSettled([serving, fetched])
  return { served, answer }
}

describe('catch-up server and client', () => {
  it('serves the original signed messages, which verify as gossip does', async () => {
    const { store, server } = setup()
    const sent = [post('one'), post('two')]
    for (const data of sent) {
      keep(store, await signGossip(aliceKey, alice, LOBBY_TOPIC, data))
    }
    const { answer } = await ask(server, LOBBY_TOPIC)
    expect(answer.status).toBe('fulfilled')
    const fetched = answer.status === 'fulfilled' ? answer.value : undefined
    expect(fetched?.messages.map((m) => m.data)).toEqual(sent)
    expect(fetched?.messages.every((m) => m.from.equals(alice) && m.topic === LOBBY_TOPIC)).toBe(true)
    expect(fetched?.forged).toEqual([])
  })

  it('rejects forged and altered messages and keeps the genuine ones', async () => {
    const { store, server } = setup()
    const good = await signGossip(aliceKey, alice, LOBBY_TOPIC, post('genuine'))
    const altered = { ...(await signGossip(aliceKey, alice, LOBBY_TOPIC, post('original'))), data: post('altered') }
    const claimed = { ...(await signGossip(aliceKey, alice, LOBBY_TOPIC, post('mine'))), from: bob.toMultihash().bytes }
    const elsewhere = await signGossip(aliceKey, alice, GROUP_TOPIC, post('other conversation'))
    for (const g of [good, altered as SignedGossip, claimed as SignedGossip]) {
      keep(store, g)
    }
    keep(store, elsewhere, LOBBY_TOPIC)
    const { answer } = await ask(server, LOBBY_TOPIC)
    const fetched = answer.status === 'fulfilled' ? answer.value : undefined
    expect(fetched?.messages.map((m) => m.data)).toEqual([good.data])
    expect(fetched?.forged).toHaveLength(3)
    expect(fetched?.forged.every((e) => e instanceof ForgedMessageError)).toBe(true)
    await expect(verifyGossip(altered as SignedGossip)).rejects.toThrow(ForgedMessageError)
  })

  it('refuses a group to a non-member with CATCH_UP_REFUSED, and sends nothing of it', async () => {
    const { store, server } = setup((peer, topic) =>
      topic === GROUP_TOPIC && !peer.equals(alice)
        ? { refused: 'only members may catch up on a group' }
        : { windowMs: 60_000 }
    )
    keep(store, await signGossip(aliceKey, alice, GROUP_TOPIC, new Uint8Array([1, 2, 3])))
    const { answer } = await ask(server, GROUP_TOPIC)
    expect(answer.status).toBe('rejected')
    expect(answer.status === 'rejected' ? answer.reason : undefined).toBeInstanceOf(CatchUpRefusedError)
  })

  it('answers garbage and oversized requests with a clear INVALID status', async () => {
    const { server } = setup()
    for (const request of [Uint8Array.of(0xff, 0xff, 0xff), new Uint8Array(4096).fill(0x0a)]) {
      const [outbound, inbound] = await pair()
      const serving = server.serve(inbound, connection(bob), AbortSignal.timeout(5000))
      const frames = frameStream(outbound, MAX_RESPONSE_FRAME_BYTES)
      await frames.write(request)
      const answer = decodeResponseFrame(await frames.read({ signal: AbortSignal.timeout(5000) }))
      expect(answer.status).toBe('invalid')
      expect(answer.reason.length).toBeGreaterThan(0)
      await expect(serving).rejects.toThrow(/bad catch-up request/)
    }
  })

  it('rate-limits a flood of requests from one peer, and from one address across PeerIds', async () => {
    const { server } = setup()
    for (let i = 0; i < REQUESTS_PER_PEER_BURST; i++) {
      expect((await ask(server, LOBBY_TOPIC)).answer.status).toBe('fulfilled')
    }
    const over = await ask(server, LOBBY_TOPIC)
    expect(over.answer.status === 'rejected' ? over.answer.reason : undefined).toBeInstanceOf(CatchUpRateLimitedError)
    // fresh PeerIds from one address run into that address's budget
    const results = []
    for (let i = 0; i < 40; i++) {
      const stranger = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
      results.push((await ask(server, LOBBY_TOPIC, stranger, '10.0.0.9')).answer)
    }
    expect(results.some((r) => r.status === 'rejected' && r.reason instanceof CatchUpRateLimitedError)).toBe(true)
    // another address is not affected
    const other = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    expect((await ask(server, LOBBY_TOPIC, other, '10.0.0.10')).answer.status).toBe('fulfilled')
  })
})
