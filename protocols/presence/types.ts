import type { GossipSub } from '@libp2p/gossipsub'
import type { ComponentLogger, Libp2pEvents, PeerId, PeerStore, TypedEventTarget } from '@libp2p/interface'
import type { AddressManager, ConnectionManager, Registrar } from '@libp2p/interface-internal'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { SenderSeq } from '../common/decode.ts'
import type { DirectoryEntry } from './directory.ts'

export interface PresenceComponents {
  peerId: PeerId
  pubsub: GossipSub
  addressManager: AddressManager
  connectionManager: ConnectionManager
  peerStore: PeerStore
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
  /** to answer and ask presence syncs (without it, a newcomer lists others as their announcements come) */
  registrar?: Pick<Registrar, 'handle' | 'unhandle'>
  /** where our own lobby posts stand, announced with us (the lobby service, when the node runs one) */
  lobby?: { lastPosted: () => SenderSeq | undefined }
}

export interface PresenceInit {
  /** this session's display name */
  name: string
  /** @default HEARTBEAT_INTERVAL_MS */
  heartbeatIntervalMs?: number
  /** with a slot on one of our relays, which vouches for us; we announce a lifetime of three. @default RELAYED_HEARTBEAT_INTERVAL_MS */
  relayedHeartbeatIntervalMs?: number
  /** @default PRESENCE_TTL_MS */
  ttlMs?: number
  /** wait after a disconnect before checking whether the peer is really gone */
  disconnectCheckDelayMs?: number
  /**
   * Peers that may vouch for any number of identities (the relays we use, which accept presence only from their
   * own clients' connections). Everyone else forwards new identities within a budget.
   * @default nobody
   */
  trustedForwarder?: (peer: PeerId) => boolean
  /** decides who answers a newcomer in a crowd (tests pin it). @default Math.random */
  random?: () => number
  /**
   * How we reach an announced address: a circuit through one of our relays goes through the address we reach that
   * relay at, not the one its announcer uses (which may be on a network we are not on). @default as announced
   */
  localizeAddr?: (addr: Multiaddr) => Multiaddr
  /** how long our first announcement waits for a relay slot (first-join.ts); 0 for a peer without relays. @default 0 */
  firstJoinRelayWaitMs?: number
}

export interface PresenceEvents {
  join: CustomEvent<DirectoryEntry>
  leave: CustomEvent<{ entry: DirectoryEntry; reason: 'left' | 'timeout' | 'unreachable' }>
  rename: CustomEvent<{ entry: DirectoryEntry; previousName: string }>
  /** an announcement said where its sender's lobby posts stand (signed by the sender, like the posts) */
  tail: CustomEvent<{ peerId: PeerId; lobby: SenderSeq }>
}
