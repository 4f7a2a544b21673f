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
