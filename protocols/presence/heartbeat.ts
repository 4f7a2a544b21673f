import type { SenderSeq } from '../common/decode.ts'
import { LAN_CROWD_PER_HEARTBEAT, MAX_HEARTBEAT_STRETCH, MAX_LIFETIME_MS } from './constants.ts'

/** Our last announcement, if it reached someone: what the next heartbeat compares against. */
export interface LastAnnouncement {
  /** our clock when it was handed to at least one peer */
  at: number
  /** the lobby tail it carried */
  lobbyTail?: SenderSeq
  /** whether it named a relay of ours, which then vouches for us: we repeat ourselves every few minutes */
  vouched?: boolean
  /**
   * the interval it was made with (a third of the lifetime it asked for): the next one goes out within it even when
   * the interval has grown since, or receivers would drop us before hearing from us again. Unset: the base interval.
   */
  intervalMs?: number
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
  const intervalMs = Math.min(c.intervalMs, c.last.intervalMs ?? c.intervalMs)
  return c.now - c.last.at >= intervalMs - c.tickMs / 2 || !sameTail(c.lobbyTail, c.last.lobbyTail)
}

/**
 * How often a peer without a relay slot repeats itself when `known` peers are in its directory: the base interval
 * in a crowd of up to LAN_CROWD_PER_HEARTBEAT, then growing with the crowd, so that the heartbeats each peer receives
 * stay about LAN_CROWD_PER_HEARTBEAT per base interval whatever the crowd's size (every peer hearing every peer's
 * heartbeat every 10 s made idle CPU per peer grow with the crowd). Clamped twice, since the directory's size is in
 * the hands of whoever announces themselves: at MAX_HEARTBEAT_STRETCH times the base, and so that three intervals
 * (the lifetime we then ask for) stay within MAX_LIFETIME_MS, the most receivers grant.
 */
export function lanHeartbeatIntervalMs(known: number, baseMs: number): number {
  const crowd = Number.isNaN(known) ? 0 : Math.max(0, known)
  const stretched = Math.min((baseMs * crowd) / LAN_CROWD_PER_HEARTBEAT, baseMs * MAX_HEARTBEAT_STRETCH)
  return Math.max(baseMs, Math.min(stretched, MAX_LIFETIME_MS / HEARTBEATS_PER_LIFETIME))
}

/** Heartbeats a lifetime spans, so one lost announcement does not drop anyone (as PRESENCE_TTL_MS is three of ours). */
export const HEARTBEATS_PER_LIFETIME = 3

/**
 * The lifetime to ask for with an announcement made at `intervalMs`: three intervals, but none at the base interval
 * unless a relay vouches for us (receivers then grant their own TTL, three base intervals, as they did before
 * lifetimes existed).
 */
export function lifetimeFor(intervalMs: number, baseMs: number, vouched = false): number | undefined {
  return vouched || intervalMs > baseMs ? HEARTBEATS_PER_LIFETIME * intervalMs : undefined
}

function sameTail(a: SenderSeq | undefined, b: SenderSeq | undefined): boolean {
  return a?.epoch === b?.epoch && a?.seq === b?.seq
}
