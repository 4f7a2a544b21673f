import type { Connection, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { ipOf } from '../protocols/common/index.ts'

/**
 * Connections one PeerId may hold at once. A client needs one (two while a reconnect overlaps the old connection);
 * PeerIds are free, so this only stops one identity from holding many slots, the per-IP limit does the rest.
 */
export const MAX_CONNECTIONS_PER_PEER = 3

export interface PeerLimitsInit {
  /** every open connection of the relay */
  connections: () => Connection[]
  /** the peers holding a relay slot now */
  reservations: () => Iterable<PeerId>
  maxConnectionsPerIp: () => number
  maxReservationsPerIp: () => number
}

/**
 * Budgets per IP address and per PeerId on top of libp2p's total and per-second limits: a host making fresh PeerIds
 * gets a bounded share of the relay's connections and relay slots, however many identities it brings.
 */
export class PeerLimits {
  constructor(private readonly init: PeerLimitsInit) {}

  /** A reason to refuse a new connection from `remote`, asked before and again after the handshake. */
  refuseConnection(remote: Multiaddr, peer?: PeerId): string | undefined {
    const ip = ipOf(remote)
    const connections = this.init.connections()
    if (ip != null && this.countFrom(ip, connections) >= this.init.maxConnectionsPerIp()) {
      return 'too many connections from this IP address'
    }
    if (peer != null && connections.filter((c) => c.remotePeer.equals(peer)).length >= MAX_CONNECTIONS_PER_PEER) {
      return 'too many connections from this peer'
    }
    return undefined
  }

  /** A reason to refuse `peer` a relay slot: the peers of its IP address hold their share already. */
  refuseReservation(peer: PeerId): string | undefined {
    const connections = this.init.connections()
    const ips = this.ipsOf(peer, connections)
    if (ips.size === 0) {
      return undefined
    }
    let held = 0
    for (const holder of this.init.reservations()) {
      if (!holder.equals(peer) && [...this.ipsOf(holder, connections)].some((ip) => ips.has(ip))) {
        held++
      }
    }
    return held >= this.init.maxReservationsPerIp() ? 'too many relay slots for this IP address' : undefined
  }

  /** The IP address `peer` is connected from (its first connection), if any. */
  ipOfPeer(peer: PeerId): string | undefined {
    const connection = this.init.connections().find((c) => c.remotePeer.equals(peer))
    return connection == null ? undefined : ipOf(connection.remoteAddr)
  }

  private countFrom(ip: string, connections: Connection[]): number {
    return connections.filter((c) => ipOf(c.remoteAddr) === ip).length
  }

  private ipsOf(peer: PeerId, connections: Connection[]): Set<string> {
    const ips = new Set<string>()
    for (const c of connections) {
      const ip = c.remotePeer.equals(peer) ? ipOf(c.remoteAddr) : undefined
      if (ip != null) {
        ips.add(ip)
      }
    }
    return ips
  }
}
