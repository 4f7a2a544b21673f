import type { Connection, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { ipOf } from '../protocols/common/index.ts'

/**
 * Connections one PeerId may hold at once. A client needs one (two while a reconnect overlaps the old connection);
 * PeerIds are free, so this only stops one identity from holding many slots, the per-IP limit does the rest.
 */
export const MAX_CONNECTIONS_PER_PEER = 3

/** The connections a relay has open, as PeerLimits needs them. */
export type LimitedConnection = Pick<Connection, 'remotePeer' | 'remoteAddr'>

export interface PeerLimitsInit {
  /** whether `peer` holds a relay slot now */
  holdsSlot: (peer: PeerId) => boolean
  maxConnectionsPerIp: () => number
  maxReservationsPerIp: () => number
}

/**
 * Budgets per IP address and per PeerId on top of libp2p's total and per-second limits: a host making fresh PeerIds
 * gets a bounded share of the relay's connections and relay slots, however many identities it brings.
 *
 * The relay asks on every connection and reservation, so the answers come from indexes kept up to date by
 * `opened`/`closed` (its connection events) and cost the same with 10 or 10,000 clients: scanning every connection
 * for each reservation made a relay with 1,000 clients take a tenth of a second per newcomer.
 */
export class PeerLimits {
  private readonly byIp = new Map<string, Set<LimitedConnection>>()
  private readonly byPeer = new Map<string, Set<LimitedConnection>>()

  constructor(private readonly init: PeerLimitsInit) {}

  /** Counts a newly opened connection. */
  opened(connection: LimitedConnection): void {
    const ip = ipOf(connection.remoteAddr)
    if (ip != null) {
      addTo(this.byIp, ip, connection)
    }
    addTo(this.byPeer, connection.remotePeer.toString(), connection)
  }

  /** Stops counting a closed connection (one never counted is ignored). */
  closed(connection: LimitedConnection): void {
    const ip = ipOf(connection.remoteAddr)
    if (ip != null) {
      deleteFrom(this.byIp, ip, connection)
    }
    deleteFrom(this.byPeer, connection.remotePeer.toString(), connection)
  }

  /** A reason to refuse a new connection from `remote`, asked before and again after the handshake. */
  refuseConnection(remote: Multiaddr, peer?: PeerId): string | undefined {
    const ip = ipOf(remote)
    if (ip != null && (this.byIp.get(ip)?.size ?? 0) >= this.init.maxConnectionsPerIp()) {
      return 'too many connections from this IP address'
    }
    if (peer != null && (this.byPeer.get(peer.toString())?.size ?? 0) >= MAX_CONNECTIONS_PER_PEER) {
      return 'too many connections from this peer'
    }
    return undefined
  }

  /** A reason to refuse `peer` a relay slot: the peers of its IP address hold their share already. */
  refuseReservation(peer: PeerId): string | undefined {
    const key = peer.toString()
    const ips = this.ipsOf(key)
    const max = this.init.maxReservationsPerIp()
    let connected = 0
    for (const ip of ips) {
      connected += this.byIp.get(ip)?.size ?? 0
    }
    if (connected <= max) {
      // the peer itself is among them: fewer others than the share, whoever holds a slot
      return undefined
    }
    const holders = new Set<string>()
    for (const ip of ips) {
      for (const c of this.byIp.get(ip) ?? []) {
        const holder = c.remotePeer.toString()
        if (holder !== key && !holders.has(holder) && this.init.holdsSlot(c.remotePeer)) {
          holders.add(holder)
        }
      }
    }
    return holders.size >= max ? 'too many relay slots for this IP address' : undefined
  }

  /** The IP address `peer` is connected from (its first connection), if any. */
  ipOfPeer(peer: PeerId): string | undefined {
    for (const c of this.byPeer.get(peer.toString()) ?? []) {
      return ipOf(c.remoteAddr)
    }
    return undefined
  }

  private ipsOf(peer: string): Set<string> {
    const ips = new Set<string>()
    for (const c of this.byPeer.get(peer) ?? []) {
      const ip = ipOf(c.remoteAddr)
      if (ip != null) {
        ips.add(ip)
      }
    }
    return ips
  }
}

function addTo(index: Map<string, Set<LimitedConnection>>, key: string, connection: LimitedConnection): void {
  let set = index.get(key)
  if (set == null) {
    set = new Set()
    index.set(key, set)
  }
  set.add(connection)
}

function deleteFrom(index: Map<string, Set<LimitedConnection>>, key: string, connection: LimitedConnection): void {
  const set = index.get(key)
  if (set?.delete(connection) === true && set.size === 0) {
    index.delete(key)
  }
}
