import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p, type Libp2pOptions } from 'libp2p'
import { PING_MIN_TIMEOUT_MS } from '../node/constants.ts'
import { chatGossipsub } from '../node/libp2p.ts'
import { relayClient } from '../node/relay-client.ts'
import { sendWindowUpdatesAtHalfWindow } from '../node/yamux-window.ts'
import { type DirectMessages, directMessages } from '../protocols/dm/index.ts'
import { LOBBY_TOPIC } from '../protocols/lobby/index.ts'
import { notices } from '../protocols/notice/index.ts'
import {
  FIRST_JOIN_RELAY_WAIT_MS,
  PRESENCE_TOPIC,
  type PresenceService,
  presence
} from '../protocols/presence/index.ts'
import { sinkGossip } from './sink-gossip.ts'

export type BenchClient = Libp2p<{ identify: unknown; pubsub: GossipSub; dm: DirectMessages }>

/** A bench client that also runs presence, as a p2pchat client does: it announces itself and lists the others. */
export type PresenceClient = Libp2p<{
  identify: unknown
  pubsub: GossipSub
  dm: DirectMessages
  presence: PresenceService
}>

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
  const node = await createLibp2p({
    ...(await clientBase(init)),
    services: {
      identify: identify(),
      pubsub: chatGossipsub(),
      dm: directMessages()
    }
  })
  // what every p2pchat client subscribes to at start: the relay holds gossip state for both topics per client
  node.services.pubsub.subscribe(LOBBY_TOPIC)
  node.services.pubsub.subscribe(PRESENCE_TOPIC)
  return node
}

/**
 * An idle client as the relay sees a p2pchat client: a connection, a relay slot, and gossip subscriptions to the
 * lobby and presence. Its gossip side reads and discards what the relay forwards (sink-gossip.ts), so that thousands
 * of them in the benchmark's workers do not take the relay's CPU; BENCH_IDLE_GOSSIP=full gives them real gossipsub.
 */
export async function idleClient(init: BenchClientInit): Promise<Pick<Libp2p, 'stop'>> {
  if (process.env.BENCH_IDLE_GOSSIP === 'full') {
    return benchClient(init)
  }
  return createLibp2p({
    ...(await clientBase(init)),
    services: {
      identify: identify(),
      gossip: sinkGossip([LOBBY_TOPIC, PRESENCE_TOPIC])
    }
  })
}

/** What bench and idle clients have in common: a fresh key, TCP and circuits, and a slot on `init.relay` if given. */
async function clientBase(init: BenchClientInit): Promise<Omit<Libp2pOptions, 'services'>> {
  // as a p2pchat client's yamux does (node/libp2p.ts)
  sendWindowUpdatesAtHalfWindow()
  return {
    privateKey: await generateKeyPair('Ed25519'),
    addresses: { listen: [...(init.listen ?? []), ...(init.relay == null ? [] : [`${init.relay}/p2p-circuit`])] },
    transports: [tcp(), circuitRelayTransport({ reservationCompletionTimeout: 60_000 })],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { maxConnections: 50 },
    connectionMonitor: idleClientPings()
  }
}

/**
 * Hundreds of clients share a worker process on a busy machine: a late ping would have them drop their relay
 * connection, and a benchmark client does not reconnect (a real one does). BENCH_IDLE_PINGS=1 has them ping the relay
 * as p2pchat clients do (every 10 s, each on a new stream) without dropping it for a late answer, to show what those
 * pings cost the relay.
 */
function idleClientPings(): Libp2pOptions['connectionMonitor'] {
  return process.env.BENCH_IDLE_PINGS === '1'
    ? { pingTimeout: { minTimeout: PING_MIN_TIMEOUT_MS }, abortConnectionOnPingFailure: false }
    : { enabled: false }
}

/**
 * A bench client with presence under `name`, trusting the relay it uses to forward everyone's announcements. It takes
 * its slot as a p2pchat client does (RelayClient, retrying with backoff): libp2p's own circuit listen gives up after a
 * fixed 5 s, which a relay busy with 1,000 newcomers could miss, failing the whole benchmark.
 */
export async function presenceClient(relay: string, name: string): Promise<PresenceClient> {
  const relayId = relay.split('/p2p/').at(-1) ?? ''
  sendWindowUpdatesAtHalfWindow()
  const node = await createLibp2p({
    privateKey: await generateKeyPair('Ed25519'),
    transports: [tcp(), circuitRelayTransport({ reservationCompletionTimeout: 60_000 })],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { maxConnections: 50 },
    services: {
      identify: identify(),
      pubsub: chatGossipsub(),
      dm: directMessages(),
      presence: presence({
        name,
        trustedForwarder: (peer) => peer.toString() === relayId,
        // as a p2pchat client with relays: one announcement, once the slot is granted
        firstJoinRelayWaitMs: FIRST_JOIN_RELAY_WAIT_MS
      }),
      notices: notices(),
      relayClient: relayClient({ relays: [relay] })
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
