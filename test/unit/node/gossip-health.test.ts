import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { afterEach, describe, expect, it } from 'vitest'
import { BACKED_UP_BYTES, type GossipView, gossipAnomalies, isGossipView } from '../../../node/gossip-health.ts'
import { chatGossipsub, GOSSIP_MAX_UNSENT_BYTES } from '../../../node/libp2p.ts'

const TOPIC = 'health-test'
const nodes: Libp2p[] = []

afterEach(async () => {
  await Promise.allSettled(nodes.splice(0).map((n) => n.stop()))
})

async function gossipNode(): Promise<Libp2p<{ pubsub: GossipSub }>> {
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), pubsub: chatGossipsub({ heartbeatInterval: 200 }) }
  })
  nodes.push(node)
  node.services.pubsub.subscribe(TOPIC)
  return node
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function viewOf(node: Libp2p<{ pubsub: GossipSub }>): GossipView {
  const pubsub = node.services.pubsub
  if (!isGossipView(pubsub)) {
    throw new Error('gossipsub no longer offers what the health report reads')
  }
  return pubsub
}

/** Waits until `b` is in `a`'s mesh for TOPIC. */
async function meshed(a: Libp2p<{ pubsub: GossipSub }>, b: Libp2p): Promise<void> {
  for (let i = 0; i < 50 && !viewOf(a).getMeshPeers(TOPIC).includes(b.peerId.toString()); i++) {
    await sleep(100)
  }
  expect(viewOf(a).getMeshPeers(TOPIC)).toContain(b.peerId.toString())
}

describe('gossip health report', { timeout: 30_000 }, () => {
  it('is empty while two peers mesh, and names the peer that left our mesh', async () => {
    const a = await gossipNode()
    const b = await gossipNode()
    await a.dial(b.getMultiaddrs()[0])
    await meshed(a, b)
    expect(gossipAnomalies(viewOf(a))).toEqual([])
    // the unsent-bytes check reads the stream gossipsub keeps: it must still be where it looks
    const outbound = (a.services.pubsub as unknown as { streamsOutbound: Map<string, unknown> }).streamsOutbound
    const raw = (outbound.get(b.peerId.toString()) as { rawStream: { writeBufferLength: unknown } }).rawStream
    expect(typeof raw.writeBufferLength).toBe('number')
    // as a PRUNE would leave it: still subscribed, no longer in the mesh (the heartbeat may graft it back)
    const mesh = (a.services.pubsub as unknown as { mesh: Map<string, Set<string>> }).mesh
    mesh.get(TOPIC)?.delete(b.peerId.toString())
    expect(gossipAnomalies(viewOf(a))).toEqual([
      expect.stringMatching(new RegExp(`^${b.peerId.toString()} is subscribed to ${TOPIC} but not in our mesh`))
    ])
  })

  it('names a peer scored below zero and one whose outbound stream backs up', () => {
    const view: GossipView = {
      getTopics: () => [TOPIC],
      getSubscribers: () => [{ toString: () => 'bad' }, { toString: () => 'slow' }] as never,
      getMeshPeers: () => ['bad', 'slow'],
      getScore: (id) => (id === 'bad' ? -12 : 0)
    }
    const outbound = new Map<string, unknown>([
      ['slow', { rawStream: { writeBufferLength: BACKED_UP_BYTES + 1 } }],
      ['bad', { rawStream: { writeBufferLength: 10 } }]
    ])
    expect(gossipAnomalies(view, outbound)).toEqual([
      'bad scores -12.0',
      `slow has ${BACKED_UP_BYTES + 1} bytes of gossip waiting to be sent`
    ])
  })

  it('does not take something else for gossipsub', () => {
    expect(isGossipView({})).toBe(false)
  })
})

describe('gossip to a peer that stops reading', { timeout: 30_000 }, () => {
  // A peer that subscribes and then reads nothing (its process stopped, or on purpose) must not make us keep every
  // later message for it: gossipsub ignores backpressure, so without a cap its outbound buffer grew without end.
  it('keeps at most GOSSIP_MAX_UNSENT_BYTES for it, then drops its stream (repaired later, catch-up fills in)', async () => {
    const a = await gossipNode()
    const b = await gossipNode()
    await a.dial(b.getMultiaddrs()[0])
    await meshed(a, b)
    const inbound = (
      b.services.pubsub as unknown as { streamsInbound: Map<string, { rawStream: { pause: () => void } }> }
    ).streamsInbound
    inbound.get(a.peerId.toString())?.rawStream.pause()
    const outbound = (
      a.services.pubsub as unknown as { streamsOutbound: Map<string, { rawStream: { writeBufferLength: number } }> }
    ).streamsOutbound
    let most = 0
    for (let i = 0; i < 200; i++) {
      await a.services.pubsub.publish(TOPIC, new Uint8Array(16 * 1024).fill(i))
      most = Math.max(most, outbound.get(b.peerId.toString())?.rawStream.writeBufferLength ?? 0)
    }
    expect(most).toBeGreaterThan(0)
    expect(most).toBeLessThanOrEqual(GOSSIP_MAX_UNSENT_BYTES)
    expect(outbound.has(b.peerId.toString())).toBe(false)
  })
})
