import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { type GossipSub, gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { afterEach, describe, expect, it } from 'vitest'
import { cancelHeartbeatOnStop } from '../../../node/gossip-heartbeat.ts'

const HEARTBEAT_MS = 200
const nodes: Libp2p[] = []

afterEach(async () => {
  await Promise.allSettled(nodes.splice(0).map((n) => n.stop()))
})

/** How many heartbeats a node's gossipsub runs after its libp2p stopped (one already ran before). */
async function heartbeatsAfterStop(factory: ReturnType<typeof gossipsub>): Promise<number> {
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), pubsub: factory }
  })
  nodes.push(node)
  const pubsub = node.services.pubsub as GossipSub
  let beats = 0
  pubsub.addEventListener('gossipsub:heartbeat', () => beats++)
  // stop right after a heartbeat, so that the next is due a whole interval later
  await new Promise((resolve) => pubsub.addEventListener('gossipsub:heartbeat', resolve, { once: true }))
  await node.stop()
  const atStop = beats
  await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS * 3))
  return beats - atStop
}

describe("gossipsub's heartbeat at stop", () => {
  it('as shipped, the heartbeat pending at the stop still runs on the stopped router', async () => {
    expect(await heartbeatsAfterStop(gossipsub({ heartbeatInterval: HEARTBEAT_MS }))).toBe(1)
  })

  it('is cancelled with cancelHeartbeatOnStop', async () => {
    expect(await heartbeatsAfterStop(cancelHeartbeatOnStop(gossipsub({ heartbeatInterval: HEARTBEAT_MS })))).toBe(0)
  })
})
