import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { type GossipSub, type GossipsubOpts, gossipsub } from '@libp2p/gossipsub'
import type { Identify } from '@libp2p/identify'
import { identify } from '@libp2p/identify'
import type { ConnectionGater, PeerDiscovery, PeerId, PrivateKey } from '@libp2p/interface'
import type { Ping } from '@libp2p/ping'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p, type Libp2p, type Libp2pOptions } from 'libp2p'
import type { CatchUpService } from '../protocols/catchup/index.ts'
import { MAX_FRAME_BYTES } from '../protocols/common/index.ts'
import { type DeletionService, deletionNotices } from '../protocols/deletion/index.ts'
import { type DirectMessages, type DirectMessagesInit, directMessages } from '../protocols/dm/index.ts'
import { type FileTransfer, type FileTransferInit, fileTransfer } from '../protocols/file/index.ts'
import { type GroupService, type GroupServiceInit, groups } from '../protocols/group/index.ts'
import { type LobbyInit, type LobbyService, lobby } from '../protocols/lobby/index.ts'
import { type NoticeService, notices } from '../protocols/notice/index.ts'
import { type PrekeyService, type PrekeyServiceInit, prekeyService } from '../protocols/prekeys/index.ts'
import {
  FIRST_JOIN_RELAY_WAIT_MS,
  type PresenceInit,
  type PresenceService,
  presence
} from '../protocols/presence/index.ts'
import { peerCatchUpService } from './catchup/policy.ts'
import { MAX_PING_STREAMS, MAX_STREAM_WINDOW_BYTES, MDNS_INTERVAL_MS, PING_MIN_TIMEOUT_MS } from './constants.ts'
import { type DirectUpgrade, directUpgrade, refuseUnconnectedWebRtc } from './direct-upgrade.ts'
import { cancelHeartbeatOnStop } from './gossip-heartbeat.ts'
import { type GossipStreamRepair, gossipStreamRepair } from './gossip-streams.ts'
import { IceServers } from './ice-servers.ts'
import type { LanDiscoveries } from './lan-discoveries.ts'
import { OurRelays, reachOurRelaysAsConfigured } from './our-relays.ts'
import { type RelayClient, relayClient } from './relay-client.ts'
import type { RetentionSettings } from './retention.ts'
import { sendWindowUpdatesAtHalfWindow } from './yamux-window.ts'

export type ChatServices = {
  identify: Identify
  ping: Ping
  pubsub: GossipSub
  gossipStreams: GossipStreamRepair
  lobby: LobbyService
  catchUp: CatchUpService
  presence: PresenceService
  dm: DirectMessages
  file: FileTransfer
  notices: NoticeService
  relayClient: RelayClient
  deletion: DeletionService
  groups: GroupService
  directUpgrade: DirectUpgrade
  prekeys: PrekeyService
}

export type ChatLibp2p = Libp2p<ChatServices>

/** What differs between the places a peer runs: a Node process (the default) or a browser page. */
export interface ChatPlatform {
  /** the libp2p transports to dial and listen with */
  transports: NonNullable<Libp2pOptions['transports']>
  /** whether an address may be dialed at all (libp2p in a browser refuses private addresses unless told) */
  denyDialMultiaddr?: ConnectionGater['denyDialMultiaddr']
  /** upgrade relayed connections to direct WebRTC ones through NAT (for peers with relays: Node and the page) */
  webRtc?: boolean
}

/** TCP, WebSockets (to reach relays that only offer that) and circuit relay: what a Node peer runs. */
export function nodePlatform(): ChatPlatform {
  // circuit relay even without relays of our own: peers we hear about may only be reachable through theirs
  return { transports: [tcp(), webSockets(), circuitRelayTransport()], webRtc: true }
}

export interface AssembleInit {
  privateKey: PrivateKey
  /** @default nodePlatform() */
  platform?: ChatPlatform
  listen: string[]
  mdns: boolean
  presence: PresenceInit
  /** file transfer options (e.g. an `accept` predicate for blocking) */
  file?: FileTransferInit
  /** relay multiaddrs (ending in /p2p/<PeerId>) to stay reachable through */
  relays?: string[]
  /** where we reach those relays. @default built from `relays` */
  ourRelays?: OurRelays
  /** refuses blocked peers' connections */
  connectionGater?: ConnectionGater
  /** refuses blocked peers' DMs on connections that are already open */
  acceptDm?: (peer: PeerId) => boolean
  /** opens sealed DMs (then DMs in the clear are refused) */
  openSealedDm?: DirectMessagesInit['openSealed']
  /** the prekeys we hand out to peers that ask us directly */
  prekeys?: PrekeyServiceInit
  /** @default keeps nothing between runs, signs with the presence name */
  groups?: GroupServiceInit
  /** the lobby's per-sender allowance. @default LOBBY_POST_BURST, LOBBY_POSTS_PER_SECOND */
  lobby?: LobbyInit
  /** the account's retention: what catch-up keeps for others and serves within. @default keeps and serves nothing */
  retention?: () => RetentionSettings
  /** told of every peer mDNS finds (the auto-dialer dials those) */
  lanDiscoveries?: LanDiscoveries
}

/**
 * TCP (and WebSockets, to reach relays that only offer that) + Noise + yamux, gossipsub for broadcast and presence,
 * mDNS for the LAN, circuit relay to reach and be reached through relays, WebRTC to turn relayed connections into
 * direct ones through NAT. Created stopped.
 */
export async function assembleLibp2p(init: AssembleInit): Promise<ChatLibp2p> {
  const ourRelays = init.ourRelays ?? new OurRelays(init.relays ?? [])
  const relayIds = ourRelays.peerIds()
  const platform = init.platform ?? nodePlatform()
  // the STUN servers our relays offer, read by WebRTC at every dial and answer
  const ice = new IceServers()
  const webRtc = platform.webRtc === true ? await webRtcTransports(relayIds.length > 0, ice) : []
  sendWindowUpdatesAtHalfWindow()
  return createLibp2p({
    start: false,
    privateKey: init.privateKey,
    // No '/webrtc' listen address: WebRTC answers upgrades signalled over any connection without one, and an announced
    // WebRTC address would make every ordinary dial of ours try ICE too, stalling it where UDP is blocked.
    addresses: { listen: init.listen },
    transports: [...platform.transports, ...webRtc],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux({ streamOptions: { maxStreamWindowSize: MAX_STREAM_WINDOW_BYTES } })],
    connectionMonitor: { pingTimeout: { minTimeout: PING_MIN_TIMEOUT_MS } },
    peerDiscovery: init.mdns ? [observed(await mdnsDiscovery(), init.lanDiscoveries)] : [],
    connectionGater: reachOurRelaysAsConfigured(
      ourRelays,
      refuseUnconnectedWebRtc(
        platform.denyDialMultiaddr == null
          ? init.connectionGater
          : { denyDialMultiaddr: platform.denyDialMultiaddr, ...init.connectionGater }
      )
    ),
    services: {
      identify: identify(),
      ping: ping({ maxInboundStreams: MAX_PING_STREAMS, maxOutboundStreams: MAX_PING_STREAMS }),
      pubsub: chatGossipsub(),
      // after pubsub: they find it among their components
      gossipStreams: gossipStreamRepair(),
      lobby: lobby(init.lobby),
      catchUp: peerCatchUpService(init.retention),
      // our relays vouch for the identities they forward: they take presence only from their clients' connections
      presence: presence({
        trustedForwarder: (peer) => ourRelays.has(peer.toString()),
        localizeAddr: (ma) => ourRelays.localize(ma),
        // one announcement per newcomer on the relay, naming its circuit address, instead of two
        firstJoinRelayWaitMs: relayIds.length > 0 ? FIRST_JOIN_RELAY_WAIT_MS : 0,
        ...init.presence
      }),
      dm: directMessages({ accept: init.acceptDm, openSealed: init.openSealedDm }),
      file: fileTransfer(init.file),
      notices: notices(),
      relayClient: relayClient({ relays: init.relays }),
      deletion: deletionNotices(),
      groups: groups(init.groups ?? { name: init.presence.name }),
      // without WebRTC there is nothing to upgrade to: no relays, no attempts
      directUpgrade: directUpgrade({ relays: webRtc.length > 0 ? relayIds : [], ice }),
      prekeys: prekeyService(init.prekeys)
    }
  })
}

/**
 * WebRTC, for peers that use relays: the only ones that can meet a peer behind NAT and learn a STUN server. Loaded
 * only then, since it costs about half a second of start-up and 13 MB (its native WebRTC stack) that a LAN peer
 * would never use.
 */
async function webRtcTransports(
  withRelays: boolean,
  ice: IceServers
): Promise<Array<ReturnType<typeof import('@libp2p/webrtc').webRTC>>> {
  if (!withRelays) {
    return []
  }
  const { webRTC } = await import('@libp2p/webrtc')
  return [webRTC({ rtcConfiguration: () => ice.configuration() })]
}

/** `factory`, reporting what it finds to `lan` as well when given (the auto-dialer dials those on sight). */
function observed<F extends (components: never) => PeerDiscovery>(factory: F, lan?: LanDiscoveries): F {
  return lan == null ? factory : (lan.observe(factory) as F)
}

/** mDNS, loaded only when it is on: a peer started with --no-mdns (every test, every relay client) never needs it. */
async function mdnsDiscovery(): Promise<ReturnType<typeof import('@libp2p/mdns').mdns>> {
  const { mdns } = await import('@libp2p/mdns')
  return mdns({ interval: MDNS_INTERVAL_MS })
}

/** Gossip bytes kept for one peer that does not read them (a burst to a busy peer is far less). */
export const GOSSIP_MAX_UNSENT_BYTES = 1024 * 1024

/** Gossipsub as every p2pchat node runs it, peer or relay; `overrides` tune the mesh (a relay keeps a wider one). */
export function chatGossipsub(overrides: Partial<GossipsubOpts> = {}): ReturnType<typeof gossipsub> {
  return cancelHeartbeatOnStop(
    gossipsub({
      globalSignaturePolicy: 'StrictSign',
      // We announce presence right at start, before any peer may be connected.
      allowPublishToZeroTopicPeers: true,
      emitSelf: false,
      fallbackToFloodsub: false,
      maxInboundDataLength: MAX_FRAME_BYTES,
      fastMsgIdFn: fastMessageId,
      // Peers behind one NAT, on one host or reaching us through a relay share an IP address: gossipsub's
      // default penalty for more than ten peers per IP would graylist them all, silencing presence and chat.
      scoreParams: { IPColocationFactorWeight: 0 },
      // gossipsub writes to a peer's stream without backpressure: one that stops reading would have every later message
      // kept for it. Past this its stream is dropped (GossipStreamRepair opens a new one later; catch-up fills the gap).
      maxOutboundBufferSize: GOSSIP_MAX_UNSENT_BYTES,
      ...overrides
    })
  )
}

/**
 * Gossipsub verifies a message's signature before looking for duplicates, unless it has a fast id to look
 * up first. Every peer receives each broadcast from several neighbours, so without this most of a busy
 * peer's CPU went into verifying copies it had already seen (bench: ~40% of busy time in Ed25519 verify
 * with 10 peers). Sender and sequence number are what the StrictSign message id is made of, so what counts
 * as a duplicate does not change; only validated messages enter the cache, so a forged copy cannot
 * shadow the real one.
 */
export function fastMessageId(msg: { from?: Uint8Array; seqno?: Uint8Array }): string {
  if (msg.from == null || msg.seqno == null) {
    // unsigned or malformed: never cached, so it goes on to validation and is rejected there
    return ''
  }
  // one character per byte, the sender's length first so that no other (sender, seqno) split gives the same
  // string: 3-6x cheaper than base64, and it runs for every copy a peer receives
  return `${msg.from.length}:${byteString(msg.from)}${byteString(msg.seqno)}`
}

function byteString(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) {
    out += String.fromCharCode(byte)
  }
  return out
}
