import type {
  ComponentLogger,
  Connection,
  Libp2pEvents,
  Logger,
  PeerId,
  Startable,
  TypedEventTarget
} from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import { gossipAnomalies, isGossipView } from './gossip-health.ts'

/** After a connection closes, how long to wait before looking: gossipsub drops the closed stream on its own event. */
export const GOSSIP_REPAIR_DELAY_MS = 1_000
/** Every connected gossip peer is looked at this often, for outbound streams that ended on an open connection. */
export const GOSSIP_REPAIR_SWEEP_MS = 30_000

/**
 * What is used of gossipsub's implementation: its peers, their outbound streams, and its own (private) reaction to a
 * new connection, which queues an outbound stream on that connection and sends our subscriptions over it (the remote
 * answers a new inbound stream by opening its own outbound one, so both directions come back). None of it is in
 * gossipsub's typed interface: it is looked up at run time, and a test fails if it goes.
 */
export interface GossipInternals {
  peers: Map<string, PeerId>
  streamsOutbound: Map<string, unknown>
  onPeerConnected: (peerId: PeerId, connection: Connection) => void
}

/** How gossipsub opens the outbound stream it queued (also private): watched, to catch one that died meanwhile. */
type CreateOutboundStream = (peerId: PeerId, connection: Connection) => Promise<void>

export function gossipInternalsOf(pubsub: object): GossipInternals | undefined {
  const found = pubsub as Partial<GossipInternals>
  const { peers, streamsOutbound, onPeerConnected } = found
  if (!(peers instanceof Map) || !(streamsOutbound instanceof Map) || typeof onPeerConnected !== 'function') {
    return undefined
  }
  return { peers, streamsOutbound, onPeerConnected: onPeerConnected.bind(pubsub) }
}

/**
 * Whether gossipsub's outbound stream can still carry anything. Gossipsub forgets a stream on its `close` event, which
 * it listens for only once the stream is open: one the remote reset while the protocol was being negotiated (a peer
 * that closed its connection, or refused the stream, under load) has closed already, and stays in its table for as
 * long as the peer is connected, every message to the peer failing on it.
 */
export function outboundStreamWritable(stream: unknown): boolean {
  const raw = (stream as { rawStream?: { writeStatus?: unknown } } | undefined)?.rawStream
  // a shape we do not know: gossipsub's word stands
  return raw?.writeStatus == null || raw.writeStatus === 'writable' || raw.writeStatus === 'paused'
}

export interface GossipStreamRepairComponents {
  pubsub: object
  connectionManager: Pick<ConnectionManager, 'getConnections'>
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

/**
 * Keeps gossip flowing to peers that are still connected when the connection gossipsub used has closed.
 *
 * Gossipsub opens its one outbound stream to a peer when libp2p first reports the peer connected, and drops it when
 * that stream closes. If a second connection to the peer opened before the first closed (a client that redialled a
 * relay which had not yet noticed the old connection die; two peers dialling each other at once), libp2p reports no
 * new connection, gossipsub opens no new stream, and from then on sends the peer nothing, in either direction, while
 * both still list each other as subscribed: lobby lines, presence and group posts silently stop. Here, when a
 * connection closes (and on a slow sweep), a gossip peer with an open connection but no outbound stream gets one.
 */
export class GossipStreamRepair implements Startable {
  private readonly log: Logger
  private readonly pending = new Set<string>()
  private readonly gossip: GossipInternals | undefined
  private sweep?: ReturnType<typeof setInterval>
  private running = false
  /** peers whose new stream was found dead and repaired at once since the last sweep (then they wait for it) */
  private readonly quicklyRepaired = new Set<string>()
  private ownCreateOutboundStream?: CreateOutboundStream

  constructor(private readonly components: GossipStreamRepairComponents) {
    this.log = components.logger.forComponent('p2pchat:gossip-streams')
    this.gossip = gossipInternalsOf(components.pubsub)
    this.onClose = this.onClose.bind(this)
    if (this.gossip == null) {
      this.log.error('gossipsub internals not found: broken gossip streams will not be repaired')
    }
  }

  readonly [Symbol.toStringTag] = 'p2pchat/gossip-stream-repair'

  start(): void {
    this.running = true
    this.components.events.addEventListener('connection:close', this.onClose)
    this.watchNewStreams()
    this.sweep = setInterval(() => {
      this.quicklyRepaired.clear()
      this.repairAll()
      this.reportAnomalies()
    }, GOSSIP_REPAIR_SWEEP_MS)
    this.sweep.unref?.()
  }

  stop(): void {
    this.running = false
    this.components.events.removeEventListener('connection:close', this.onClose)
    clearInterval(this.sweep)
    this.pending.clear()
    this.quicklyRepaired.clear()
    if (this.ownCreateOutboundStream != null) {
      ;(this.components.pubsub as { createOutboundStream?: CreateOutboundStream }).createOutboundStream =
        this.ownCreateOutboundStream
      this.ownCreateOutboundStream = undefined
    }
  }

  /**
   * Looks at each outbound stream gossipsub opens once it is open: one that died meanwhile is repaired a second later
   * (once per peer per sweep; after that, at the sweep), rather than leave the peer without gossip until the sweep.
   */
  private watchNewStreams(): void {
    const pubsub = this.components.pubsub as { createOutboundStream?: CreateOutboundStream }
    const own = pubsub.createOutboundStream
    if (typeof own !== 'function' || this.gossip == null) {
      return
    }
    this.ownCreateOutboundStream = own
    pubsub.createOutboundStream = async (peerId, connection) => {
      await own.call(pubsub, peerId, connection)
      const id = peerId.toString()
      const stream = this.gossip?.streamsOutbound.get(id)
      if (stream != null && !outboundStreamWritable(stream) && !this.quicklyRepaired.has(id)) {
        this.quicklyRepaired.add(id)
        this.repairSoon(peerId)
      }
    }
  }

  /** Looks at every gossip peer now; returns how many got a new outbound stream. */
  repairAll(): number {
    let repaired = 0
    for (const peer of this.gossip?.peers.values() ?? []) {
      if (this.repair(peer)) {
        repaired++
      }
    }
    return repaired
  }

  /**
   * Gives `peer` a new outbound gossip stream if it is a gossip peer, connected, and has none or only one that can no
   * longer be written to (outboundStreamWritable); true if it did.
   */
  repair(peer: PeerId): boolean {
    const id = peer.toString()
    const gossip = this.gossip
    if (!this.running || gossip == null || !gossip.peers.has(id)) {
      return false
    }
    const current = gossip.streamsOutbound.get(id)
    if (current != null && outboundStreamWritable(current)) {
      return false
    }
    // gossipsub does not run over limited (relayed) connections: only a full one will do
    const connection = this.components.connectionManager
      .getConnections(peer)
      .find((c) => c.status === 'open' && c.limits == null)
    if (connection == null) {
      return false
    }
    if (current != null) {
      // gossipsub opens no stream while it holds one, dead or not
      gossip.streamsOutbound.delete(id)
    }
    this.log('%p is connected but has no outbound gossip stream that works: opening one', peer)
    gossip.onPeerConnected(peer, connection)
    return true
  }

  /** With debug logging on: what looks wrong with gossip now (see gossipAnomalies). */
  private reportAnomalies(): void {
    const { pubsub } = this.components
    if (!this.log.enabled || !isGossipView(pubsub)) {
      return
    }
    for (const line of gossipAnomalies(pubsub, this.gossip?.streamsOutbound)) {
      this.log('gossip: %s', line)
    }
  }

  private onClose(evt: CustomEvent<Connection>): void {
    this.repairSoon(evt.detail.remotePeer)
  }

  private repairSoon(peer: PeerId): void {
    const id = peer.toString()
    if (this.pending.has(id)) {
      return
    }
    this.pending.add(id)
    setTimeout(() => {
      this.pending.delete(id)
      this.repair(peer)
    }, GOSSIP_REPAIR_DELAY_MS).unref?.()
  }
}

/** Service factory, after `pubsub` in a libp2p node's services: `gossipStreams: gossipStreamRepair()`. */
export function gossipStreamRepair(): (components: GossipStreamRepairComponents) => GossipStreamRepair {
  return (components) => new GossipStreamRepair(components)
}
