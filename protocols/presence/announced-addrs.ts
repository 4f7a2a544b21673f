import type { PeerId } from '@libp2p/interface'
import type { AddressManager, ConnectionManager } from '@libp2p/interface-internal'
import { peerIdFromString } from '@libp2p/peer-id'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { splitCircuit, splitPeer } from '../common/addrs.ts'
import { MAX_ADDR_BYTES, MAX_ANNOUNCED_ADDRS } from './constants.ts'

/** A circuit address split at its relay: `/ip4/…/tcp/…` + `/p2p/<relay>` + `/p2p-circuit/…`. */
interface Circuit {
  relay: string
  /** how the relay itself is reached, without its PeerId */
  relayAddr: string
}

function circuitOf(addr: string): Circuit | undefined {
  const relayAddr = splitCircuit(addr)?.relayAddr
  const hop = relayAddr == null ? undefined : splitPeer(relayAddr)
  return hop == null ? undefined : { relay: hop.peer, relayAddr: hop.transport }
}

/**
 * The addresses an announcement carries, at most `max` (what every receiver accepts: an announcement with more is
 * rejected as a whole, and its sender penalised). A relay listening on many interfaces gives each of its clients one
 * circuit address per relay address, which in a relay with 30 links pushed every client past the limit, so nobody
 * heard its heartbeats. Kept in this order: one circuit address per relay (the one through the address our
 * connection to it uses, `relayAddrOf`, which we know works), then our direct addresses, then the other circuit
 * addresses. Peers that share a relay reach us through its open connection whichever of its addresses they name.
 */
export function addrsToAnnounce(
  addrs: Multiaddr[],
  relayAddrOf: (relay: string) => string | undefined,
  max = MAX_ANNOUNCED_ADDRS
): Multiaddr[] {
  const firstPerRelay = new Map<string, { ma: Multiaddr; preferred: boolean }>()
  const direct: Multiaddr[] = []
  const otherCircuits: Multiaddr[] = []
  const seen = new Set<string>()
  for (const ma of addrs) {
    const text = ma.toString()
    if (seen.has(text) || ma.bytes.byteLength > MAX_ADDR_BYTES) continue
    seen.add(text)
    const circuit = circuitOf(text)
    if (circuit == null) {
      direct.push(ma)
      continue
    }
    const preferred = relayAddrOf(circuit.relay) === circuit.relayAddr
    const first = firstPerRelay.get(circuit.relay)
    if (first == null || (preferred && !first.preferred)) {
      if (first != null) otherCircuits.push(first.ma)
      firstPerRelay.set(circuit.relay, { ma, preferred })
    } else {
      otherCircuits.push(ma)
    }
  }
  return [...[...firstPerRelay.values()].map((f) => f.ma), ...direct, ...otherCircuits].slice(0, max)
}

/**
 * The relays an announcement names a circuit through (`<relay addr>/p2p/<relay>/p2p-circuit/...`): those that hold a
 * slot for its author, see its connection close and announce its departure. Addresses that do not parse are skipped.
 */
export function relaysNamedIn(addrs: readonly Uint8Array[]): Set<string> {
  const relays = new Set<string>()
  for (const bytes of addrs) {
    try {
      const circuit = circuitOf(multiaddr(bytes).toString())
      if (circuit != null) {
        relays.add(circuit.relay)
      }
    } catch {}
  }
  return relays
}

/** Whether `addrs` name a circuit through one of the relays `isRelay` accepts (ours: they vouch for us). */
export function namesOneOf(addrs: readonly Uint8Array[], isRelay: (peer: PeerId) => boolean): boolean {
  return [...relaysNamedIn(addrs)].some((relay) => {
    try {
      return isRelay(peerIdFromString(relay))
    } catch {
      return false
    }
  })
}

/** A connection's remote address without a trailing `/p2p/<id>`, as circuit addresses name the relay's transport. */
export function transportPart(addr: string): string {
  return splitPeer(addr)?.transport ?? addr
}

/** Our addresses as an announcement carries them: bounded, each relay we hold a slot on named first. */
export function ourAddrsToAnnounce(components: {
  addressManager: Pick<AddressManager, 'getAddresses'>
  connectionManager: Pick<ConnectionManager, 'getConnections'>
}): Uint8Array[] {
  const { addressManager, connectionManager } = components
  const connectedVia = new Map(
    connectionManager.getConnections().map((c) => [c.remotePeer.toString(), transportPart(c.remoteAddr.toString())])
  )
  return addrsToAnnounce(addressManager.getAddresses(), (relay) => connectedVia.get(relay)).map((ma) => ma.bytes)
}

/** The same addresses in any order give the same key: how we notice that the addresses to announce changed. */
export function addrKey(addrs: Uint8Array[]): string {
  return addrs
    .map((a) => uint8ArrayToString(a, 'base16'))
    .sort()
    .join(',')
}

/** An announcement's addresses as we dial them (`localize`: see PresenceInit.localizeAddr), unparsable ones skipped. */
export function dialableAddrs(addrs: readonly Uint8Array[], localize: (addr: Multiaddr) => Multiaddr): Multiaddr[] {
  const byText = new Map<string, Multiaddr>()
  for (const bytes of addrs) {
    try {
      const ma = localize(multiaddr(bytes))
      byText.set(ma.toString(), ma)
    } catch {}
  }
  return [...byText.values()]
}
