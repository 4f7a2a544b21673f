import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { splitCircuit, splitPeer } from '../common/addrs.ts'
import type { SenderSeq } from '../common/decode.ts'

/** Our last announcement, if it reached someone: what the next heartbeat compares against. */
export interface LastAnnouncement {
  /** our clock when it was handed to at least one peer */
  at: number
  /** the lobby tail it carried */
  lobbyTail?: SenderSeq
  /** whether it named a relay of ours, which then vouches for us: we repeat ourselves every few minutes */
  vouched?: boolean
}

export interface HeartbeatCheck {
  now: number
  /** how often we repeat ourselves now: HEARTBEAT_INTERVAL_MS, or RELAYED_HEARTBEAT_INTERVAL_MS with a relay slot */
  intervalMs: number
  /** how often the check runs; an announcement due within half of it goes out now rather than one tick late */
  tickMs: number
  /** where our lobby posts stand now */
  lobbyTail?: SenderSeq
  /** undefined until an announcement reached someone, and again after one reached nobody */
  last?: LastAnnouncement
}

/**
 * Whether a heartbeat goes out at this tick: when the interval is over, and also when our lobby tail moved since the
 * last announcement anyone heard (it is how others learn that they missed our last posts, which no later post would
 * reveal), and when our last one reached nobody (made while our relay was down: peers with a relay slot repeat
 * themselves only every few minutes, and those who missed it would wait that long).
 */
export function heartbeatDue(c: HeartbeatCheck): boolean {
  if (c.last == null) {
    return true
  }
  return c.now - c.last.at >= c.intervalMs - c.tickMs / 2 || !sameTail(c.lobbyTail, c.last.lobbyTail)
}

function sameTail(a: SenderSeq | undefined, b: SenderSeq | undefined): boolean {
  return a?.epoch === b?.epoch && a?.seq === b?.seq
}

/**
 * The relays an announcement names a circuit through (`<relay addr>/p2p/<relay>/p2p-circuit/...`): those that hold a
 * slot for its author, see its connection close and announce its departure. Addresses that do not parse are skipped.
 */
export function relaysNamedIn(addrs: readonly Uint8Array[]): Set<string> {
  const relays = new Set<string>()
  for (const bytes of addrs) {
    try {
      const relayAddr = splitCircuit(multiaddr(bytes).toString())?.relayAddr
      const relay = relayAddr == null ? undefined : splitPeer(relayAddr)?.peer
      if (relay != null) {
        relays.add(relay)
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
