import type {
  ComponentLogger,
  Connection,
  ConnectionGater,
  Libp2pEvents,
  Logger,
  PeerId,
  Startable,
  TypedEventTarget
} from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { errorMessage } from '../protocols/common/index.ts'
import { fetchStunPort, STUN_INFO_TIMEOUT_MS } from '../protocols/stun/index.ts'
import { backoffDelay } from './backoff.ts'
import type { Route } from './events.ts'
import type { IceServers } from './ice-servers.ts'

export type { Route } from './events.ts'

/** Upgrades to direct connections run at once at most this many: each holds a WebRTC peer connection while ICE works. */
export const MAX_CONCURRENT_UPGRADES = 4
/** One upgrade (signalling over the relay, ICE, DTLS, Noise) may take this long: ~1 s through NAT when it works. */
export const UPGRADE_TIMEOUT_MS = 20_000
/** First wait after a failed upgrade; it doubles with each failure up to UPGRADE_MAX_BACKOFF_MS. */
export const UPGRADE_BACKOFF_MS = 10_000
/** Longest wait between two upgrade attempts for one peer behind a NAT that will not open. */
export const UPGRADE_MAX_BACKOFF_MS = 10 * 60_000
/** A dial to the peer still running (the one that made the relayed connection): look again after this long. */
export const UPGRADE_SETTLE_MS = 500
/** Peers whose upgrade state (failures, backoff) is remembered; the least recently touched is forgotten first. */
export const MAX_UPGRADE_PEERS = 1_000

export interface DirectUpgradeEvents {
  /** the route to a connected peer changed, or it was first connected through a relay */
  route: CustomEvent<{ peerId: string; via: Route }>
}

export interface DirectUpgradeComponents {
  connectionManager: Pick<ConnectionManager, 'getConnections' | 'openConnection' | 'getDialQueue'>
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

export interface DirectUpgradeInit {
  /** PeerIds of our relays: their STUN responders become our ICE servers, and they get no upgrade themselves */
  relays: string[]
  /** where the learned ICE servers go; the WebRTC transport reads them at every dial and answer */
  ice: IceServers
}

interface PeerState {
  failures: number
  busy: boolean
  timer?: ReturnType<typeof setTimeout>
}

/** How `peer` is reached over its open connections, if it is connected at all. */
export function routeOf(connections: Array<Pick<Connection, 'status' | 'direct'>>): Route | undefined {
  const open = connections.filter((c) => c.status === 'open')
  if (open.length === 0) {
    return undefined
  }
  return open.some((c) => c.direct) ? 'direct' : 'relay'
}

/** The WebRTC address that reaches `peer` through the relay a circuit address goes through, or undefined. */
export function webrtcAddrVia(circuit: Multiaddr, peer: PeerId): Multiaddr | undefined {
  const text = circuit.toString()
  const at = text.lastIndexOf('/p2p-circuit')
  if (at < 0) {
    return undefined
  }
  return multiaddr(`${text.slice(0, at)}/p2p-circuit/webrtc/p2p/${peer.toString()}`)
}

/**
 * Turns relayed connections into direct ones: when we dial a peer and reach it only through a relay, we dial it again
 * over WebRTC, signalled through that relay, with our relays' STUN responders as ICE servers (UDP hole punching).
 * Bounded: one attempt per peer at a time, backoff after failures, MAX_CONCURRENT_UPGRADES at once. Only the side that
 * dialed the relayed connection tries, so two peers never race each other. Also reports each peer's route.
 * An attempt is a dial to the peer in libp2p's queue, and any other dial to that peer joins it until ICE is done:
 * protocols that run over relays open their streams with openStreamReusing (protocols/common/streams.ts), never wait.
 */
export class DirectUpgrade extends TypedEventEmitter<DirectUpgradeEvents> implements Startable {
  private readonly log: Logger
  private readonly relays: Set<string>
  private readonly ice: IceServers
  private readonly peers = new Map<string, PeerState>()
  private readonly routes = new Map<string, Route>()
  private readonly waiting = new Set<string>()
  private readonly stunFetches = new Set<Promise<void>>()
  private active = 0
  private shutdown = new AbortController()

  constructor(
    private readonly components: DirectUpgradeComponents,
    init: DirectUpgradeInit
  ) {
    super()
    this.log = components.logger.forComponent('p2pchat:direct-upgrade')
    this.relays = new Set(init.relays)
    this.ice = init.ice
    this.onOpen = this.onOpen.bind(this)
    this.onClose = this.onClose.bind(this)
  }

  start(): void {
    this.shutdown = new AbortController()
    this.components.events.addEventListener('connection:open', this.onOpen)
    this.components.events.addEventListener('connection:close', this.onClose)
  }

  stop(): void {
    this.shutdown.abort()
    this.components.events.removeEventListener('connection:open', this.onOpen)
    this.components.events.removeEventListener('connection:close', this.onClose)
    for (const state of this.peers.values()) {
      clearTimeout(state.timer)
    }
    this.peers.clear()
    this.routes.clear()
    this.waiting.clear()
  }

  /** How `peer` is reached now, undefined when it is not connected. */
  route(peer: string): Route | undefined {
    return this.routes.get(peer)
  }

  private onOpen(evt: CustomEvent<Connection>): void {
    const connection = evt.detail
    const peer = connection.remotePeer.toString()
    if (this.relays.has(peer)) {
      if (connection.direct) {
        this.learnStun(connection)
      }
      return
    }
    this.updateRoute(connection.remotePeer)
    this.considerUpgrade(connection.remotePeer)
  }

  private onClose(evt: CustomEvent<Connection>): void {
    const peer = evt.detail.remotePeer
    if (this.relays.has(peer.toString())) {
      this.ice.forget(peer.toString())
      return
    }
    this.updateRoute(peer)
    this.considerUpgrade(peer)
  }

  private updateRoute(peer: PeerId): void {
    const key = peer.toString()
    const via = routeOf(this.components.connectionManager.getConnections(peer))
    if (via == null) {
      this.routes.delete(key)
      return
    }
    const before = this.routes.get(key)
    if (before !== via) {
      this.routes.set(key, via)
      // a peer first met directly (on the LAN) is the usual case and not news; a relayed one, and any change, is
      if (before != null || via === 'relay') {
        this.safeDispatchEvent('route', { detail: { peerId: key, via } })
      }
    }
  }

  /** Asks a relay we just connected to for its STUN port; its host is the address we reached it at. */
  private learnStun(connection: Connection): void {
    const relay = connection.remotePeer.toString()
    const fetch = fetchStunPort(connection, {
      signal: AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(STUN_INFO_TIMEOUT_MS)])
    })
      .then((port) => {
        this.ice.learn(relay, connection.remoteAddr, port)
        this.log('relay %s offers STUN on port %d', relay, port)
      })
      .catch((err: unknown) => this.log('relay %s offers no STUN - %s', relay, errorMessage(err)))
      .finally(() => this.stunFetches.delete(fetch))
    this.stunFetches.add(fetch)
  }

  /** The relayed connection we dialed to `peer`, when that is all we have. */
  private relayedOnly(peer: PeerId): Connection | undefined {
    const open = this.components.connectionManager.getConnections(peer).filter((c) => c.status === 'open')
    if (open.some((c) => c.direct)) {
      return undefined
    }
    return open.find((c) => !c.direct && c.direction === 'outbound')
  }

  private considerUpgrade(peer: PeerId): void {
    // without relays of our own we run no WebRTC (see libp2p.ts) and know no STUN server: nothing to try with
    if (this.relays.size === 0 || this.shutdown.signal.aborted || this.relayedOnly(peer) == null) {
      return
    }
    const key = peer.toString()
    const state = this.stateOf(key)
    if (state.busy || state.timer != null) {
      return
    }
    if (this.components.connectionManager.getDialQueue().some((d) => d.peerId?.equals(peer) === true)) {
      // joining that dial would make our WebRTC address one more address of it, and its failure the dial's
      state.timer = setTimeout(() => {
        state.timer = undefined
        this.considerUpgrade(peer)
      }, UPGRADE_SETTLE_MS)
      return
    }
    if (this.active >= MAX_CONCURRENT_UPGRADES) {
      if (this.waiting.size < MAX_UPGRADE_PEERS) {
        this.waiting.add(key)
      }
      return
    }
    void this.upgrade(peer, state)
  }

  private stateOf(key: string): PeerState {
    let state = this.peers.get(key)
    if (state == null) {
      state = { failures: 0, busy: false }
      this.peers.set(key, state)
      for (const [oldest, old] of this.peers) {
        if (this.peers.size <= MAX_UPGRADE_PEERS) {
          break
        }
        if (!old.busy) {
          clearTimeout(old.timer)
          this.peers.delete(oldest)
        }
      }
    }
    return state
  }

  private async upgrade(peer: PeerId, state: PeerState): Promise<void> {
    state.busy = true
    this.active++
    const signal = AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(UPGRADE_TIMEOUT_MS)])
    try {
      // ICE without our relays' STUN responders would only offer private addresses: wait for them first
      await Promise.allSettled([...this.stunFetches])
      const relayed = this.relayedOnly(peer)
      const target = relayed == null ? undefined : webrtcAddrVia(relayed.remoteAddr, peer)
      if (target != null) {
        this.log('upgrading %p over %a', peer, target)
        await this.components.connectionManager.openConnection(target, { signal })
        state.failures = 0
      }
    } catch (err) {
      state.failures++
      this.log('upgrade to %p failed (%d in a row) - %s', peer, state.failures, errorMessage(err))
    } finally {
      state.busy = false
      this.active--
      this.afterAttempt(peer, state)
    }
  }

  private afterAttempt(peer: PeerId, state: PeerState): void {
    if (this.shutdown.signal.aborted) {
      return
    }
    if (state.failures > 0) {
      state.timer = setTimeout(
        () => {
          state.timer = undefined
          this.considerUpgrade(peer)
        },
        backoffDelay(state.failures - 1, UPGRADE_BACKOFF_MS, UPGRADE_MAX_BACKOFF_MS)
      )
      state.timer.unref?.()
    }
    const next = this.waiting.values().next()
    if (!next.done) {
      this.waiting.delete(next.value)
      const connections = this.components.connectionManager.getConnections()
      const waiting = connections.find((c) => c.remotePeer.toString() === next.value)
      if (waiting != null) {
        this.considerUpgrade(waiting.remotePeer)
      }
    }
  }
}

/**
 * Refuses an inbound WebRTC connection whose peer connection ICE never connected. When a dialer gives up in the middle
 * of signalling (UDP blocked, say), @libp2p/webrtc still hands its recipient such a connection; unrefused, it would
 * look direct and take the streams that should go through the relay until it timed out.
 */
export function refuseUnconnectedWebRtc(gater: ConnectionGater = {}): ConnectionGater {
  return {
    ...gater,
    denyInboundConnection: async (maConn) => {
      if ('peerConnection' in maConn) {
        const pc = maConn.peerConnection
        const state = pc != null && typeof pc === 'object' && 'connectionState' in pc ? pc.connectionState : undefined
        if (state !== 'connected') {
          return true
        }
      }
      return (await gater.denyInboundConnection?.(maConn)) ?? false
    }
  }
}

/** The libp2p service factory. */
export function directUpgrade(init: DirectUpgradeInit): (components: DirectUpgradeComponents) => DirectUpgrade {
  return (components) => new DirectUpgrade(components, init)
}
