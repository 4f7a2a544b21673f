import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import type { GossipSub, Message } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Libp2pEvents, PeerId, TypedEventTarget } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { afterEach, describe, expect, it } from 'vitest'
import { chatGossipsub } from '../../../node/libp2p.ts'
import { relayClient } from '../../../node/relay-client.ts'
import { notices } from '../../../protocols/notice/index.ts'
import {
  type FirstJoinComponents,
  JOIN_TRIES,
  publishJoin,
  untilRelayed
} from '../../../protocols/presence/first-join.ts'
import { decodeAnnouncement, PRESENCE_TOPIC, presence } from '../../../protocols/presence/index.ts'

const nodes: Libp2p[] = []

afterEach(async () => {
  await Promise.allSettled(nodes.splice(0).map((n) => n.stop()))
})

const NO_HEARTBEAT = 3_600_000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A circuit relay that also listens on the presence topic, as ours does; it may refuse the first reservations. */
async function relayNode(refuseFirst = 0): Promise<Libp2p<{ pubsub: GossipSub }>> {
  let refused = 0
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    connectionGater: { denyInboundRelayReservation: () => refused++ < refuseFirst },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), pubsub: chatGossipsub(), relay: circuitRelayServer() }
  })
  node.services.pubsub.subscribe(PRESENCE_TOPIC)
  nodes.push(node)
  return node
}

async function clientNode(relay: string | string[], firstJoinRelayWaitMs: number, start = true) {
  const relays = typeof relay === 'string' ? [relay] : relay
  const node = await createLibp2p({
    start,
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      pubsub: chatGossipsub(),
      presence: presence({
        name: 'client',
        heartbeatIntervalMs: NO_HEARTBEAT,
        firstJoinRelayWaitMs,
        trustedForwarder: (peer) => relays.some((r) => r.endsWith(`/p2p/${peer.toString()}`))
      }),
      notices: notices(),
      relayClient: relayClient({ relays, maxRetryDelayMs: 200 })
    }
  })
  nodes.push(node)
  return node
}

/** The presence announcements `node` hears, decoded, with their addresses as text. */
function heard(node: Libp2p<{ pubsub: GossipSub }>): Array<{ kind: string; addrs: string[] }> {
  const out: Array<{ kind: string; addrs: string[] }> = []
  node.services.pubsub.addEventListener('message', (evt: CustomEvent<Message>) => {
    if (evt.detail.topic === PRESENCE_TOPIC) {
      const a = decodeAnnouncement(evt.detail.data)
      out.push({ kind: a.kind, addrs: a.addrs.map((b) => multiaddr(b).toString()) })
    }
  })
  return out
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (!cond()) {
    if (Date.now() > deadline) {
      throw new Error('timed out')
    }
    await sleep(20)
  }
}

describe('first presence announcement of a relay client', () => {
  it('waits for the relay slot: the relay forwards one join, naming the circuit address', async () => {
    const relay = await relayNode()
    const announcements = heard(relay)
    await clientNode(relay.getMultiaddrs()[0].toString(), 5_000)
    await until(() => announcements.length > 0, 10_000)
    // an address change after the join would bring a second announcement within ADDR_CHANGE_DELAY_MS
    await sleep(1_000)
    expect(announcements).toHaveLength(1)
    expect(announcements[0].kind).toBe('join')
    expect(announcements[0].addrs.some((a) => a.includes('/p2p-circuit'))).toBe(true)
  }, 30_000)

  it('on two relays, announces the second circuit address also when that slot came while its join went out', async () => {
    // the second relay grants a slot only on the client's fourth try, and the join takes 2 s to go out
    const [first, second] = await Promise.all([relayNode(), relayNode(3)])
    const announcements = heard(first)
    const client = await clientNode(
      [first, second].map((r) => r.getMultiaddrs()[0].toString()),
      5_000,
      false
    )
    const pubsub = client.services.pubsub
    const publish = pubsub.publish.bind(pubsub)
    let delayed = false
    pubsub.publish = async (topic: string, data?: Uint8Array) => {
      if (topic === PRESENCE_TOPIC && !delayed) {
        delayed = true
        await sleep(2_000)
      }
      return publish(topic, data)
    }
    await client.start()
    const circuits = (a: { addrs: string[] }) => a.addrs.filter((addr) => addr.includes('/p2p-circuit')).length
    // no heartbeat in this test: only the join, or an announcement of changed addresses, can bring both
    await until(() => announcements.some((a) => circuits(a) === 2), 10_000)
  }, 30_000)

  it('announces anyway when no slot comes in time', async () => {
    const listener = await relayNode()
    const announcements = heard(listener)
    // a "relay" that refuses reservations: the node it names does not run a relay server
    const plain = await createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify() }
    })
    nodes.push(plain)
    const started = Date.now()
    const client = await clientNode(plain.getMultiaddrs()[0].toString(), 1_000)
    await client.dial(listener.getMultiaddrs()[0])
    await until(() => announcements.length > 0, 10_000)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000)
    expect(announcements[0].kind).toBe('join')
    expect(announcements[0].addrs.some((a) => a.includes('/p2p-circuit'))).toBe(false)
  }, 30_000)
})

describe('untilRelayed', () => {
  const relayId = '12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK'
  const direct = '/ip4/10.0.0.2/tcp/4001'
  const circuit = `/ip4/10.0.0.1/tcp/4001/p2p/${relayId}/p2p-circuit`
  const isRelay = (peer: PeerId): boolean => peer.toString() === relayId

  /** Our addresses and the presence subscribers as the node sees them, each changed by the test. */
  function fakeNode() {
    const addrs = [direct]
    const subscribers: PeerId[] = []
    const events = new TypedEventEmitter<Libp2pEvents>() as unknown as TypedEventTarget<Libp2pEvents>
    const pubsubEvents = new EventTarget()
    const pubsub = {
      getSubscribers: (topic: string): PeerId[] => (topic === PRESENCE_TOPIC ? subscribers : []),
      addEventListener: pubsubEvents.addEventListener.bind(pubsubEvents),
      removeEventListener: pubsubEvents.removeEventListener.bind(pubsubEvents)
    } as unknown as FirstJoinComponents['pubsub']
    return {
      components: { events, pubsub, addressManager: { getAddresses: () => addrs.map((a) => multiaddr(a)) } },
      /** the relay grants our slot; `event`: what libp2p says of it */
      slot: (event: 'transport:listening' | 'self:peer:update'): void => {
        addrs.push(circuit)
        events.dispatchEvent(new CustomEvent(event))
      },
      subscribe: (peer: string): void => {
        subscribers.push(peerIdFromString(peer))
        pubsubEvents.dispatchEvent(new CustomEvent('subscription-change'))
      }
    }
  }

  function tracked(result: Promise<boolean>): { done: () => boolean; result: Promise<boolean> } {
    let done = false
    return {
      done: () => done,
      result: result.then((r) => {
        done = true
        return r
      })
    }
  }

  it('resolves once both the slot and the relay subscription are there, in either order', async () => {
    for (const event of ['transport:listening', 'self:peer:update'] as const) {
      const node = fakeNode()
      const wait = tracked(untilRelayed(node.components, isRelay, 10_000, new AbortController().signal))
      node.slot(event)
      await sleep(10)
      expect(wait.done()).toBe(false)
      node.subscribe(relayId)
      expect(await wait.result).toBe(true)
    }
    const node = fakeNode()
    const wait = tracked(untilRelayed(node.components, isRelay, 10_000, new AbortController().signal))
    node.subscribe(relayId)
    await sleep(10)
    expect(wait.done()).toBe(false)
    node.slot('transport:listening')
    expect(await wait.result).toBe(true)
  })

  it('does not count a subscriber that is not one of our relays', async () => {
    const node = fakeNode()
    node.slot('transport:listening')
    node.subscribe('12D3KooWLBMYfKXFq6Q6REYLTCRevnbWdCQxnq1hffnsjawYmMuV')
    expect(await untilRelayed(node.components, isRelay, 100, new AbortController().signal)).toBe(false)
    node.subscribe(relayId)
    expect(await untilRelayed(node.components, isRelay, 100, new AbortController().signal)).toBe(true)
  })

  it('resolves false after the wait, or when aborted', async () => {
    const node = fakeNode()
    const started = Date.now()
    expect(await untilRelayed(node.components, isRelay, 100, new AbortController().signal)).toBe(false)
    expect(Date.now() - started).toBeGreaterThanOrEqual(90)
    const abort = new AbortController()
    const result = untilRelayed(node.components, isRelay, 10_000, abort.signal)
    abort.abort()
    expect(await result).toBe(false)
  })
})

describe('publishJoin', () => {
  const relayId = '12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK'
  const other = '12D3KooWLBMYfKXFq6Q6REYLTCRevnbWdCQxnq1hffnsjawYmMuV'
  const isRelay = (peer: PeerId): boolean => peer.toString() === relayId

  it('publishes again until the join reaches a relay, when one was there to reach', async () => {
    const reach = [[], [other], [other, relayId]]
    let tries = 0
    await publishJoin(async () => new Set(reach[tries++] ?? []), isRelay, true, new AbortController().signal)
    expect(tries).toBe(3)
  })

  it('publishes once when no relay was there to reach, and gives up after JOIN_TRIES', async () => {
    let tries = 0
    const none = async (): Promise<Set<string>> => {
      tries++
      return new Set()
    }
    await publishJoin(none, isRelay, false, new AbortController().signal)
    expect(tries).toBe(1)
    tries = 0
    await publishJoin(none, isRelay, true, new AbortController().signal)
    expect(tries).toBe(JOIN_TRIES)
  })
})
