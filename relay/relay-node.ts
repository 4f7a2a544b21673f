import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { type CircuitRelayService, circuitRelayServer } from '@libp2p/circuit-relay-v2'
import type { GossipSub } from '@libp2p/gossipsub'
import { type Identify, identify } from '@libp2p/identify'
import type { ConnectionGater, PeerId, PrivateKey } from '@libp2p/interface'
import { type Ping, ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import type { Multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { MAX_PING_STREAMS } from '../node/constants.ts'
import { type GossipStreamRepair, gossipStreamRepair } from '../node/gossip-streams.ts'
import { chatGossipsub } from '../node/libp2p.ts'
import { sendWindowUpdatesAtHalfWindow } from '../node/yamux-window.ts'
import { type AdminServer, adminServer } from '../protocols/admin/index.ts'
import { type CatchUpService, catchUp } from '../protocols/catchup/index.ts'
import { type LobbyService, lobby } from '../protocols/lobby/index.ts'
import { MailboxServer, type MailboxServerInit } from '../protocols/mailbox/index.ts'
import { type NoticeService, notices } from '../protocols/notice/index.ts'
import { type PrekeyService, type PrekeyServiceInit, prekeyService } from '../protocols/prekeys/index.ts'
import { PresenceSync, type PresenceSyncComponents, type SyncEntry } from '../protocols/presence-sync/index.ts'
import { type StunInfoServer, stunInfoServer } from '../protocols/stun/index.ts'
import type { RelayConfig } from './config.ts'
import { connectionListFix, type LinearConnectionList } from './connection-list.ts'
import type { FederationPeer } from './federation.ts'
import { RELAY_TOPIC_BYTES_PER_PEER } from './group-topics.ts'
import { quietLogger } from './quiet-logger.ts'
import { relayCatchUp } from './relay-catch-up.ts'
import { expireSlotsTogether } from './reservation-expiry.ts'
import { type TlsFiles, type WebHandler, webSocketsServing } from './web-client.ts'

export type RelayServices = {
  identify: Identify
  ping: Ping
  pubsub: GossipSub
  gossipStreams: GossipStreamRepair
  lobby: LobbyService
  catchUp: CatchUpService
  notices: NoticeService
  admin: AdminServer
  circuitRelay: CircuitRelayService
  stunInfo: StunInfoServer
  mailbox: MailboxServer
  prekeys: PrekeyService
  presenceSync: PresenceSync
  connectionList: LinearConnectionList
}

export type RelayLibp2p = Libp2p<RelayServices>

/** Who the relay refuses, asked on every connection, reservation and relayed connection. */
export interface RelayGate {
  /** a reason to refuse `peer` (banned, kicked a moment ago), or undefined to let them in */
  refuse: (peer: PeerId, what: 'connection' | 'reservation' | 'relayed connection') => string | undefined
  /** a reason to refuse a connection from `remote` (and `peer`, once known) for the per-IP and per-peer budgets */
  overLimit: (remote: Multiaddr, peer?: PeerId) => string | undefined
  /** a reason to refuse `peer` a relay slot for the per-IP budget */
  overReservationLimit: (peer: PeerId) => string | undefined
}

export interface RelayNodeInit {
  privateKey: PrivateKey
  config: RelayConfig
  /** replaces config.listen for this run */
  listen?: string[]
  gate: RelayGate
  /** the UDP port the relay's STUN responder answers on now, 0 for none: told to clients that ask */
  stunPort?: () => number
  /** answers plain HTTP requests on the WebSocket listeners (the web client); else they get a 400 */
  web?: WebHandler
  /** serve HTTPS and WSS on the `/tls/ws` listen addresses with this certificate */
  tls?: TlsFiles
  /** the mailbox's settings, the mail already on disk and where new mail goes */
  mailbox: MailboxServerInit
  /** the relays this one federates with: direct gossipsub peers, so every topic they share reaches them */
  federation?: FederationPeer[]
  /** the prekey sets clients published before a restart, and where new ones go */
  prekeys: Pick<PrekeyServiceInit, 'stored' | 'persist'>
  /** the presence announcements the relay holds, signed by their authors: handed to a client that asks */
  presence: () => Iterable<SyncEntry>
}

/**
 * The relay's libp2p node: TCP and WebSockets, a circuit relay v2 server with limits fit for chat (not the library's
 * 128 KiB / 2 min defaults), and a gossipsub peer subscribed to every p2pchat topic so the mesh of its clients is
 * connected through it. Created stopped.
 */
export async function assembleRelayNode(init: RelayNodeInit): Promise<RelayLibp2p> {
  const { config, gate } = init
  const gater: ConnectionGater = {
    denyDialPeer: (peer) => gate.refuse(peer, 'connection') != null,
    denyInboundConnection: (maConn) => gate.overLimit(maConn.remoteAddr) != null,
    denyInboundEncryptedConnection: (peer, maConn) =>
      gate.refuse(peer, 'connection') != null || gate.overLimit(maConn.remoteAddr, peer) != null,
    denyOutboundEncryptedConnection: (peer) => gate.refuse(peer, 'connection') != null,
    denyInboundRelayReservation: (peer) =>
      gate.refuse(peer, 'reservation') != null || gate.overReservationLimit(peer) != null,
    denyOutboundRelayedConnection: (source, destination) =>
      gate.refuse(source, 'relayed connection') != null || gate.refuse(destination, 'relayed connection') != null
  }
  // Every client peers with the relay only, so the relay must forward each message to all of them: a mesh as large
  // as the connection limit, instead of gossipsub's usual 6-12 peers (the rest would wait for gossip, ~1 s).
  const mesh = config.maxConnections
  let node: RelayLibp2p | undefined
  sendWindowUpdatesAtHalfWindow()
  node = await createLibp2p({
    start: false,
    privateKey: init.privateKey,
    addresses: { listen: init.listen ?? config.listen, announce: config.announce },
    transports: [tcp(), webSocketsServing(init.web, init.tls == null ? undefined : { https: init.tls })],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: gater,
    // libp2p's connection monitor pings every connection at once every 10 s, each on a new stream, and closes those
    // whose ping is late: with thousands of clients that burst made a busy relay drop healthy clients (bench: a
    // third of 1,000). Yamux's keep-alive, on each connection's own timer and without a stream, keeps them alive
    // instead, and a dead peer's connection ends with its TCP socket.
    connectionMonitor: { enabled: false },
    // every connection and stream makes its loggers: with debug logging off they are one shared no-op
    logger: quietLogger(process.env.DEBUG),
    connectionManager: {
      maxConnections: config.maxConnections,
      inboundConnectionThreshold: config.maxConnectionsPerHostPerSecond,
      maxIncomingPendingConnections: Math.max(10, Math.ceil(config.maxConnections / 10))
    },
    services: {
      identify: identify(),
      // clients ping us every 10 s and wait up to PING_MIN_TIMEOUT_MS: two of theirs may overlap
      ping: ping({ maxInboundStreams: MAX_PING_STREAMS, maxOutboundStreams: MAX_PING_STREAMS }),
      pubsub: chatGossipsub({
        D: mesh,
        Dlo: mesh,
        Dhi: mesh,
        Dscore: mesh,
        // An IDONTWANT asks mesh peers not to send a message we already hold. Each client hears a message from the
        // relay alone, so the relay's (one to every client for each message of 512 bytes or more, sent just before
        // the message itself) saved nothing: 12% of its CPU with 1,000 clients, presence announcements being over 512
        idontwantMinDataSize: Number.POSITIVE_INFINITY,
        maxTopicBytesPerPeer: RELAY_TOPIC_BYTES_PER_PEER,
        directPeers: init.federation ?? []
      }),
      gossipStreams: gossipStreamRepair(),
      lobby: lobby(),
      catchUp: catchUp(relayCatchUp(() => node?.services.pubsub)),
      notices: notices(),
      admin: adminServer(),
      mailbox: (components: ConstructorParameters<typeof MailboxServer>[0]) =>
        new MailboxServer(components, init.mailbox),
      // the relay hands out its clients' prekeys, so that others can start sessions with them while they are away
      prekeys: prekeyService({ hold: true, ...init.prekeys }),
      circuitRelay: circuitRelayServer({
        reservations: {
          maxReservations: config.maxReservations,
          reservationTtl: config.reservationTtlSeconds * 1000,
          applyDefaultLimit: true,
          defaultDataLimit: BigInt(config.relayedDataLimitBytes),
          defaultDurationLimit: config.relayedDurationLimitSeconds * 1000
        }
      }),
      // a newcomer lists everyone online at once, from what the relay heard, instead of one heartbeat at a time
      presenceSync: (components: PresenceSyncComponents) => new PresenceSync(components, { entries: init.presence }),
      stunInfo: stunInfoServer({ port: init.stunPort ?? (() => 0) }),
      // libp2p lists every connection on each new one, quadratically: see connection-list.ts
      connectionList: connectionListFix()
    }
  })
  // one timer for every slot's expiry instead of one signal, timer and error each (see reservation-expiry.ts)
  expireSlotsTogether(node.services.circuitRelay.reservations, config.reservationTtlSeconds * 1000)
  return node
}

/** What releaseSlot needs of the circuit relay's reservations (a PeerMap of them). */
export interface RelaySlots {
  get: (peer: PeerId) => { signal: { clear: () => void } } | undefined
  delete: (peer: PeerId) => unknown
}

/**
 * Frees the relay slot of a client whose last connection closed. libp2p keeps a slot until its TTL (an hour) after
 * the client is gone: clients that dropped, or gave up waiting for the answer to their request, held slots nobody
 * could use, and once they filled maxReservations new clients were refused. A client that comes back reserves again.
 */
export function releaseSlot(reservations: RelaySlots, peer: PeerId): void {
  reservations.get(peer)?.signal.clear()
  reservations.delete(peer)
}
