import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { PeerId } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { afterEach, describe, expect, it } from 'vitest'
import { chatGossipsub } from '../../../node/libp2p.ts'
import { needsAnswer } from '../../../protocols/presence/answers.ts'
import {
  MAX_FORWARDED_IDENTITIES_PER_PEER,
  MAX_SYNC_NEIGHBOURS,
  MAX_UNTRUSTED_SYNC_ENTRIES,
  SYNC_NEIGHBOURS
} from '../../../protocols/presence/constants.ts'
import {
  encodeAnnouncement,
  PRESENCE_TOPIC,
  type PresenceService,
  presence
} from '../../../protocols/presence/index.ts'
import { DirectorySyncer } from '../../../protocols/presence/synced.ts'
import {
  PresenceSync,
  type PresenceSyncComponents,
  type SyncEntry,
  signedBytes
} from '../../../protocols/presence-sync/index.ts'

const nodes: Libp2p[] = []
const [hubId, newcomerId, otherId] = await Promise.all(
  [0, 1, 2].map(async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')))
)

afterEach(async () => {
  await Promise.allSettled(nodes.splice(0).map((n) => n.stop()))
})

/** No heartbeat within a test: whatever a peer lists, it heard from a join, an answer or a sync. */
const NO_HEARTBEAT = 3_600_000

type PresenceNode = Libp2p<{ pubsub: GossipSub; presence: PresenceService }>

async function peer(name: string, trusted: (p: PeerId) => boolean = () => false): Promise<PresenceNode> {
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      pubsub: chatGossipsub(),
      presence: presence({ name, heartbeatIntervalMs: NO_HEARTBEAT, trustedForwarder: trusted })
    }
  })
  nodes.push(node)
  return node
}

function names(node: PresenceNode): string[] {
  return node.services.presence
    .list()
    .map((e) => e.name)
    .sort()
}

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error('timed out')
    }
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Announcements signed by `count` made-up identities, as gossipsub signs them on the presence topic. */
async function madeUp(count: number, prefix = 'fake'): Promise<SyncEntry[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const key = await generateKeyPair('Ed25519')
      const from = Uint8Array.from(peerIdFromPrivateKey(key).toMultihash().bytes)
      const seqno = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 1])
      const data = Uint8Array.from(
        encodeAnnouncement({ kind: 'alive', name: `${prefix}${i}`, ts: Date.now(), addrs: [] })
      )
      const signature = Uint8Array.from(await key.sign(signedBytes({ from, data, seqno }, PRESENCE_TOPIC)))
      return { announcement: { from, seqno, data, signature }, ageMs: 0 }
    })
  )
}

describe('presence sync between nodes', () => {
  it('a newcomer lists everyone its relay heard at once, though nobody announces again', async () => {
    const hub = await peer('hub')
    const [alice, bob] = await Promise.all([peer('alice'), peer('bob')])
    await Promise.all([alice, bob].map((p) => p.dial(hub.getMultiaddrs()[0])))
    await until(() => names(hub).join() === 'alice,bob')
    // from now on alice and bob say nothing: no heartbeat, no answer to a newcomer
    alice.services.presence.silence()
    bob.services.presence.silence()

    const newcomer = await peer('newcomer', (p) => p.equals(hub.peerId))
    await newcomer.dial(hub.getMultiaddrs()[0])
    await until(() => names(newcomer).join() === 'alice,bob,hub')
    // their addresses came with them, to reach them directly
    const addrs = await newcomer.peerStore.get(alice.peerId)
    expect(addrs.addresses.length).toBeGreaterThan(0)
  })

  it('a neighbour we do not trust brings at most its introduction budget, and nothing forged or stale', async () => {
    const fakes = await madeUp(MAX_FORWARDED_IDENTITIES_PER_PEER + 20)
    // fake0's identity on words it never signed, and an announcement heard an hour ago
    const [real] = await madeUp(1, 'forged')
    const forged = { ...fakes[0], announcement: { ...fakes[0].announcement, data: real.announcement.data } }
    const [stale] = await madeUp(1, 'stale')
    const mallory = await createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: {
        identify: identify(),
        pubsub: chatGossipsub(),
        sync: (components: PresenceSyncComponents) =>
          new PresenceSync(components, { entries: () => [forged, { ...stale, ageMs: 3_600_000 }, ...fakes] })
      }
    })
    nodes.push(mallory)
    mallory.services.pubsub.subscribe(PRESENCE_TOPIC)

    const victim = await peer('victim')
    await victim.dial(mallory.getMultiaddrs()[0])
    await until(() => names(victim).length >= MAX_FORWARDED_IDENTITIES_PER_PEER)
    await new Promise((r) => setTimeout(r, 500))
    // the first ones in the budget, in order; the forged and the stale ones taken for nobody
    const expected = Array.from({ length: MAX_FORWARDED_IDENTITIES_PER_PEER }, (_, i) => `fake${i}`)
    expect(names(victim)).toEqual(expected.sort())
  })
})

describe('what a sync is worth checking', () => {
  it('from a neighbour we do not trust, only the first few hundred entries are checked at all', async () => {
    const answer = await madeUp(MAX_UNTRUSTED_SYNC_ENTRIES + 44)
    const taken = async (trusted: boolean): Promise<number> => {
      let count = 0
      const syncer = new DirectorySyncer({
        fetch: async () => answer,
        trusted: () => trusted,
        take: () => {
          count++
          return true
        },
        ttlMs: 30_000,
        log: defaultLogger().forComponent('test'),
        signal: new AbortController().signal
      })
      syncer.subscribed(peerIdFromPrivateKey(await generateKeyPair('Ed25519')))
      await until(() => count >= Math.min(answer.length, trusted ? answer.length : MAX_UNTRUSTED_SYNC_ENTRIES))
      await new Promise((r) => setTimeout(r, 200))
      return count
    }
    expect(await taken(false)).toBe(MAX_UNTRUSTED_SYNC_ENTRIES)
    expect(await taken(true)).toBe(answer.length)
  })
})

describe('how many neighbours are asked', () => {
  /** Neighbours a syncer asked when `count` subscribed, each answer taken or refused (over budget) by `admit`. */
  async function asked(count: number, admit: boolean): Promise<number> {
    const answer = await madeUp(4)
    const fetched = new Set<string>()
    const syncer = new DirectorySyncer({
      fetch: async (peer) => {
        fetched.add(peer.toString())
        return answer
      },
      trusted: () => false,
      take: () => admit,
      ttlMs: 30_000,
      log: defaultLogger().forComponent('test'),
      signal: new AbortController().signal
    })
    for (let i = 0; i < count; i++) {
      syncer.subscribed(peerIdFromPrivateKey(await generateKeyPair('Ed25519')))
    }
    await new Promise((r) => setTimeout(r, 300))
    return fetched.size
  }

  it('the first few when their answers are taken whole; one more per answer cut by the budget, to a bound', async () => {
    expect(await asked(12, true)).toBe(SYNC_NEIGHBOURS)
    expect(await asked(12, false)).toBe(MAX_SYNC_NEIGHBOURS)
    expect(await asked(5, false)).toBe(5)
  })
})

describe('answering newcomers', () => {
  it('answers a newcomer on its own connection, or without a relay; not one that came through a relay we use', () => {
    const [relay, newcomer, other] = [hubId, newcomerId, otherId]
    const trusted = (p: PeerId): boolean => p.equals(relay)
    expect(needsAnswer(newcomer, [relay, newcomer], trusted)).toBe(true)
    expect(needsAnswer(newcomer, [other], trusted)).toBe(true)
    expect(needsAnswer(newcomer, [relay, other], trusted)).toBe(false)
  })

  it("a relay client leaves the answer to the newcomer's sync: nobody announces, yet the newcomer lists everyone", async () => {
    const hub = await peer('hub')
    const alice = await peer('alice', (p) => p.equals(hub.peerId))
    await alice.dial(hub.getMultiaddrs()[0])
    await until(() => names(hub).join() === 'alice')
    let announced = 0
    const publish = alice.services.pubsub.publish.bind(alice.services.pubsub)
    alice.services.pubsub.publish = async (topic: string, data?: Uint8Array) => {
      if (topic === PRESENCE_TOPIC) announced++
      return publish(topic, data)
    }
    const newcomer = await peer('newcomer', (p) => p.equals(hub.peerId))
    await newcomer.dial(hub.getMultiaddrs()[0])
    await until(() => names(newcomer).join() === 'alice,hub')
    await until(() => names(alice).includes('newcomer'))
    // an answer goes out at once or within the 300 ms pacing window
    await new Promise((r) => setTimeout(r, 1000))
    expect(announced).toBe(0)
  })
})
