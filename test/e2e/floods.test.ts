import { randomBytes, randomUUID } from 'node:crypto'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { Message } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { afterEach, describe, expect, it } from 'vitest'
import { fileTransfer } from '../../protocols/file/file.ts'
import { encodeLobbyPost } from '../../protocols/lobby/codec.ts'
import { LOBBY_POST_BURST, LOBBY_TOPIC } from '../../protocols/lobby/constants.ts'
import { randomFile } from './files-helpers.ts'
import { cleanup, type PeerProcess, spawnPeer, until } from './harness.ts'
import { connectTo, meshPeers, rawNode, stopRawNodes } from './raw-node.ts'

/** The victim, and a friend bootstrapped to it, both seeing each other. */
async function victimAndFriend(): Promise<[PeerProcess, PeerProcess]> {
  const victim = await spawnPeer({ name: 'victim' })
  const friend = await spawnPeer({ name: 'friend', bootstrap: [victim.addrs[0]] })
  await Promise.all([victim, friend].map((p) => p.waitForUsers((users) => users.length === 2)))
  return [victim, friend]
}

const hostile = new Set<Libp2p>()

describe('floods from one hostile peer leave honest users served', () => {
  afterEach(async () => {
    await Promise.allSettled([...hostile].map((n) => n.stop()))
    hostile.clear()
    await stopRawNodes()
    await cleanup()
  })

  it('lobby: posts past the per-sender allowance are neither shown nor forwarded; the friend still gets through', async () => {
    const [victim, friend] = await victimAndFriend()
    const mallory = await rawNode()
    const observer = await rawNode()
    observer.services.pubsub.subscribe(LOBBY_TOPIC)
    await connectTo(mallory, victim.addrs)
    await connectTo(observer, victim.addrs)
    await until('mallory sees the victim in the lobby', () =>
      mallory.services.pubsub.getSubscribers(LOBBY_TOPIC).some((p) => p.toString() === victim.peerId)
    )
    await until('the observer has the victim in its lobby mesh', () =>
      meshPeers(observer, LOBBY_TOPIC).includes(victim.peerId)
    )
    const FLOOD = 200
    for (let i = 0; i < FLOOD; i++) {
      const post = { id: randomUUID(), ts: Date.now(), senderName: 'mallory', text: `flood ${i}` }
      await mallory.services.pubsub.publish(LOBBY_TOPIC, encodeLobbyPost(post))
    }
    // the friend posts after the flood: once it arrived, the flood has been judged
    friend.send('honest after the flood')
    await victim.waitFor('message', (m) => m.text === 'honest after the flood', { timeoutMs: 30_000 })
    await until('the observer gets the honest post', () =>
      observer.received.some((m) => new TextDecoder().decode(m.data).includes('honest after the flood'))
    )
    const shown = victim.all('message').filter((m) => m.from.peerId === mallory.peerId.toString())
    expect(shown.length).toBeGreaterThan(0)
    // the burst, plus what the allowance refilled while the flood was being sent
    expect(shown.length).toBeLessThan(2 * LOBBY_POST_BURST)
    const fromMallory = (m: Message) => m.type === 'signed' && m.from.equals(mallory.peerId)
    expect(observer.received.filter(fromMallory).length).toBeLessThan(2 * LOBBY_POST_BURST)
  })

  it('file offers: offers that expire in 1 ms stay bounded and quiet; the friend can still offer a file', async () => {
    const [victim, friend] = await victimAndFriend()
    // a peer that speaks the file protocol but sends whatever it likes
    const mallory = await createLibp2p({
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify(), file: fileTransfer() }
    })
    hostile.add(mallory)
    await mallory.dial(multiaddr(victim.addrs[0]), { signal: AbortSignal.timeout(10_000) })
    const answers: string[] = []
    for (let i = 0; i < 60; i++) {
      const offer = {
        id: randomBytes(16).toString('hex'),
        name: `junk-${i}.bin`,
        size: 10,
        sha256: new Uint8Array(32),
        chunkSize: 1024 * 1024,
        senderName: 'mallory',
        ttlMs: 1
      }
      const reply = await mallory.services.file.request(peerIdFromString(victim.peerId), { kind: 'offer', offer })
      answers.push(reply.status)
    }
    // a stranger gets 8 unanswered offers, counted for an hour even after they expired
    expect(answers.filter((a) => a === 'ok')).toHaveLength(8)
    expect(answers.filter((a) => a === 'refused')).toHaveLength(52)

    const file = await randomFile(1024, 'honest.txt')
    friend.send(`/send victim ${file.path}`)
    const got = await victim.waitFor('offer', (o) => o.from.peerId === friend.peerId)
    expect(got.name).toBe('honest.txt')
    const fromMallory = victim.all('offer').filter((o) => o.from.peerId === mallory.peerId.toString())
    expect(fromMallory).toHaveLength(8)
    // the refusals are not each turned into an error for the user
    expect(victim.all('error').filter((e) => e.message.includes('junk-'))).toHaveLength(0)
  })
})
