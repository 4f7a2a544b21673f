import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { chatGossipsub } from '../node/libp2p.ts'
import { type DirectMessages, directMessages } from '../protocols/dm/index.ts'
import { LOBBY_TOPIC } from '../protocols/lobby/index.ts'

export type BenchClient = Libp2p<{ identify: unknown; pubsub: GossipSub; dm: DirectMessages }>

export interface BenchClientInit {
  /** the relay's multiaddr (ending in /p2p/<PeerId>): the client takes a slot on it while starting */
  relay?: string
  /** direct listen addresses */
  listen?: string[]
}

/**
 * A lightweight relay client for benchmarks: the same transports, gossipsub settings and DM protocol as p2pchat,
 * without history, presence or a UI, so that one process can hold hundreds of them. Resolves once started (and, with
 * `relay`, once the relay granted a reservation).
 */
export async function benchClient(init: BenchClientInit = {}): Promise<BenchClient> {
  const listen = [...(init.listen ?? []), ...(init.relay == null ? [] : [`${init.relay}/p2p-circuit`])]
  const node = await createLibp2p({
    privateKey: await generateKeyPair('Ed25519'),
    addresses: { listen },
    transports: [tcp(), circuitRelayTransport({ reservationCompletionTimeout: 60_000 })],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { maxConnections: 50 },
    services: {
      identify: identify(),
      pubsub: chatGossipsub(),
      dm: directMessages()
    }
  })
  node.services.pubsub.subscribe(LOBBY_TOPIC)
  return node
}

/** Percentile of sorted numbers. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) {
    return Number.NaN
  }
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}
