import type { ConnectionGater } from '@libp2p/interface'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { splitCircuit, splitPeer } from '../protocols/common/index.ts'

/** Address components whose value is only known once resolved: a relay configured so may be reached anywhere. */
const NAME_PROTOCOLS = new Set(['dns', 'dns4', 'dns6', 'dnsaddr'])

/**
 * The relays we were told to use (`--relay`, the config), and where we reach them. A relay listening on every
 * interface of its host tells us, by identify, all its addresses; other clients announce circuit addresses through
 * the relay address *they* use. Dialing our relay at any of those takes every unreachable one in turn: with a relay
 * on 50 networks, reconnecting to it after a drop failed with "Peer had more than maxPeerAddrsToDial" (libp2p joins
 * every dial of one peer into one attempt), and clients stayed off the relay for good. So we reach our relays only
 * where we were told to, and read anyone's circuit address through one of them as going through that address.
 */
export class OurRelays {
  /** relay PeerId → the address we were given (the first, when several) */
  private readonly addrs = new Map<string, Multiaddr>()
  /** relay PeerId → the transport parts we may dial it at */
  private readonly transports = new Map<string, Set<string>>()
  /** relays given by a DNS name, whose resolved addresses we cannot compare: dialed wherever they are */
  private readonly anywhere = new Set<string>()

  constructor(relayAddrs: string[]) {
    for (const text of relayAddrs) {
      let ma: Multiaddr
      try {
        ma = multiaddr(text)
      } catch {
        continue
      }
      const split = splitPeer(ma.toString())
      if (split == null) {
        continue
      }
      if (!this.addrs.has(split.peer)) {
        this.addrs.set(split.peer, ma)
      }
      if (
        multiaddr(split.transport)
          .getComponents()
          .some((c) => NAME_PROTOCOLS.has(c.name))
      ) {
        this.anywhere.add(split.peer)
      } else {
        this.transports.set(split.peer, (this.transports.get(split.peer) ?? new Set<string>()).add(split.transport))
      }
    }
  }

  /** The PeerIds of our relays. */
  peerIds(): string[] {
    return [...this.addrs.keys()]
  }

  /** Whether `peer` is one of our relays. */
  has(peer: string): boolean {
    return this.addrs.has(peer)
  }

  /** The address we reach relay `peer` at, if it is one of ours. */
  addrOf(peer: string): Multiaddr | undefined {
    return this.addrs.get(peer)
  }

  /** `addr` with a first hop through one of our relays rewritten to go through the address we reach it at. */
  localize(addr: Multiaddr): Multiaddr {
    const text = addr.toString()
    const circuit = splitCircuit(text)
    const relay = circuit == null ? undefined : splitPeer(circuit.relayAddr)
    const ours = relay == null ? undefined : this.addrOf(relay.peer)
    if (circuit == null || ours == null || ours.toString() === circuit.relayAddr) {
      return addr
    }
    return multiaddr(`${ours.toString()}${circuit.rest}`)
  }

  /** True for a way to one of our relays (its own address, or a circuit's first hop) other than where we reach it. */
  isOtherRoute(addr: Multiaddr): boolean {
    const text = addr.toString()
    const hop = splitPeer(splitCircuit(text)?.relayAddr ?? text)
    if (hop == null) {
      return false
    }
    const allowed = this.transports.get(hop.peer)
    return allowed != null && !this.anywhere.has(hop.peer) && !allowed.has(hop.transport)
  }
}

/** `gater`, also refusing to dial our relays (directly or as a first hop) anywhere but where we reach them. */
export function reachOurRelaysAsConfigured(ours: OurRelays, gater: ConnectionGater = {}): ConnectionGater {
  return {
    ...gater,
    denyDialMultiaddr: async (ma) => ours.isOtherRoute(ma) || ((await gater.denyDialMultiaddr?.(ma)) ?? false)
  }
}
