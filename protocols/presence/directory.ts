import { BoundedMap } from '../common/bounded-map.ts'
import type { SignedAnnouncement, SyncEntry } from '../presence-sync/index.ts'
import { relaysNamedIn } from './announced-addrs.ts'
import type { Announcement } from './codec.ts'
import { HEARTBEAT_INTERVAL_MS, MAX_DIRECTORY_SIZE, MAX_LIFETIME_MS, PRESENCE_TTL_MS } from './constants.ts'

/** A peer that missed a heartbeat (plus slack) may make room for a newcomer in a full directory. */
export const STALE_AFTER_MS = HEARTBEAT_INTERVAL_MS * 1.5

/**
 * How long we list a peer after hearing `announcement` without hearing from it again: what it asked for, never less
 * than our own TTL (what older versions, which ask nothing, were always granted) nor more than MAX_LIFETIME_MS.
 */
export function grantedLifetime(announcement: Pick<Announcement, 'lifetimeMs'>, ttlMs: number): number {
  return Math.min(Math.max(announcement.lifetimeMs ?? 0, ttlMs), Math.max(MAX_LIFETIME_MS, ttlMs))
}

/** Evictions kept for a caller that does not take them. */
const MAX_PENDING_EVICTIONS = 64

/** One online peer as the directory knows it. */
export interface DirectoryEntry {
  peerId: string
  name: string
  addrs: Uint8Array[]
  /** sender's timestamp of the newest announcement applied */
  ts: number
  /** our clock when we last heard from it */
  lastSeen: number
  /** how long after lastSeen it stays listed without another announcement (grantedLifetime) */
  lifetimeMs: number
  /** the newest announcement applied, as its author signed it: what a presence sync passes on */
  signed?: SignedAnnouncement
}

export type DirectoryChange =
  | { type: 'join'; entry: DirectoryEntry }
  | { type: 'rename'; entry: DirectoryEntry; previousName: string }
  | { type: 'leave'; entry: DirectoryEntry; reason: 'left' | 'timeout' | 'unreachable' }

export interface DirectoryInit {
  /** @default PRESENCE_TTL_MS */
  ttlMs?: number
  /** @default MAX_DIRECTORY_SIZE */
  maxSize?: number
  /** when full, a newcomer may take the place of a peer silent this long. @default STALE_AFTER_MS */
  staleAfterMs?: number
}

/**
 * Who is online, driven only by announcements and the clock (no I/O), so every rule about joins,
 * leaves, reordering and expiry is testable without a network.
 */
export class Directory {
  private readonly entries = new Map<string, DirectoryEntry>()
  /** newest timestamp of a LEAVE per peer, so a late ALIVE from before it cannot bring the peer back */
  private readonly departed: BoundedMap<string, number>
  private readonly ttlMs: number
  private readonly maxSize: number
  private readonly staleAfterMs: number
  /** peers pushed out for a newcomer, until the caller takes them (bounded: one per newcomer, drained often) */
  private evicted: DirectoryChange[] = []

  constructor(init: DirectoryInit = {}) {
    this.ttlMs = init.ttlMs ?? PRESENCE_TTL_MS
    this.maxSize = init.maxSize ?? MAX_DIRECTORY_SIZE
    this.departed = new BoundedMap(this.maxSize)
    this.staleAfterMs = init.staleAfterMs ?? STALE_AFTER_MS
  }

  /**
   * Applies an announcement from `peerId` (already authenticated by its signature), heard at `now` (earlier for one
   * a sync passed on), with the signed original to pass on in turn.
   */
  apply(peerId: string, a: Announcement, now: number, signed?: SignedAnnouncement): DirectoryChange | undefined {
    const current = this.entries.get(peerId)
    const newestKnown = Math.max(current?.ts ?? -1, this.departed.get(peerId) ?? -1)
    if (a.ts <= newestKnown) {
      return undefined
    }
    if (a.kind === 'leave') {
      this.departed.set(peerId, a.ts)
      if (current == null) {
        return undefined
      }
      this.entries.delete(peerId)
      return { type: 'leave', entry: current, reason: 'left' }
    }
    this.departed.delete(peerId)
    if (current == null) {
      if (this.entries.size >= this.maxSize && !this.evictStale(now)) {
        return undefined
      }
      const lifetimeMs = grantedLifetime(a, this.ttlMs)
      const entry: DirectoryEntry = {
        peerId,
        name: a.name,
        addrs: a.addrs,
        ts: a.ts,
        lastSeen: now,
        lifetimeMs,
        signed
      }
      this.entries.set(peerId, entry)
      return { type: 'join', entry }
    }
    const previousName = current.name
    Object.assign(current, {
      name: a.name,
      addrs: a.addrs,
      ts: a.ts,
      lastSeen: Math.max(current.lastSeen, now),
      lifetimeMs: grantedLifetime(a, this.ttlMs),
      signed
    })
    return previousName === a.name ? undefined : { type: 'rename', entry: current, previousName }
  }

  /** Peers that were pushed out to make room for newcomers since the last call (as `timeout` leaves). */
  takeEvicted(): DirectoryChange[] {
    const out = this.evicted
    this.evicted = []
    return out
  }

  /**
   * Full: the peer silent longest for its lifetime makes room, if it missed a heartbeat. Peers that keep announcing
   * are never pushed out by newcomers, so a flood cannot evict them, and a full directory still takes newcomers in
   * as stale entries age.
   */
  private evictStale(now: number): boolean {
    let oldest: DirectoryEntry | undefined
    for (const entry of this.entries.values()) {
      if (oldest == null || this.staleness(entry, now) > this.staleness(oldest, now)) {
        oldest = entry
      }
    }
    if (oldest == null || this.staleness(oldest, now) < this.staleAfterMs) {
      return false
    }
    this.entries.delete(oldest.peerId)
    this.evicted.push({ type: 'leave', entry: oldest, reason: 'timeout' })
    if (this.evicted.length > MAX_PENDING_EVICTIONS) {
      this.evicted.shift()
    }
    return true
  }

  /** How long `entry` has been silent, scaled to our TTL: a peer that asked for a longer lifetime goes stale later. */
  private staleness(entry: DirectoryEntry, now: number): number {
    return ((now - entry.lastSeen) * this.ttlMs) / entry.lifetimeMs
  }

  /** Removes peers not heard from within their lifetime. */
  expire(now: number): DirectoryChange[] {
    const gone: DirectoryChange[] = []
    for (const [peerId, entry] of this.entries) {
      if (now - entry.lastSeen > entry.lifetimeMs) {
        this.entries.delete(peerId)
        gone.push({ type: 'leave', entry, reason: 'timeout' })
      }
    }
    return gone
  }

  /**
   * Removes a peer we found to be unreachable, or (`left`) that someone we trust saw leave; its next announcement
   * brings it back.
   */
  remove(peerId: string, reason: 'left' | 'unreachable' = 'unreachable'): DirectoryChange | undefined {
    const entry = this.entries.get(peerId)
    if (entry == null) {
      return undefined
    }
    this.entries.delete(peerId)
    return { type: 'leave', entry, reason }
  }

  /**
   * The relays that vouch for `peerId`: those its announcement names a circuit through, which hold its slot and
   * announce its departure (none for a peer we do not list).
   */
  relaysOf(peerId: string): Set<string> {
    const entry = this.entries.get(peerId)
    return entry == null ? new Set() : relaysNamedIn(entry.addrs)
  }

  get(peerId: string): DirectoryEntry | undefined {
    return this.entries.get(peerId)
  }

  has(peerId: string): boolean {
    return this.entries.has(peerId)
  }

  list(): DirectoryEntry[] {
    return [...this.entries.values()]
  }

  /** What a presence sync hands out: every entry's signed announcement, and how long ago we heard from its author. */
  *signedEntries(now: number): Generator<SyncEntry> {
    for (const entry of this.entries.values()) {
      if (entry.signed != null) {
        yield { announcement: entry.signed, ageMs: Math.min(Math.max(0, now - entry.lastSeen), 0xffffffff) }
      }
    }
  }

  get size(): number {
    return this.entries.size
  }
}

/**
 * Whether an announcement the directory just took (`held` is then the very array it carried, `announced`) moved a
 * known peer to other addresses than `before`; false for an announcement it passed over (stale) and a new peer.
 */
export function addrsChanged(
  before: readonly Uint8Array[] | undefined,
  held: readonly Uint8Array[] | undefined,
  announced: readonly Uint8Array[]
): boolean {
  if (before == null || held !== announced) {
    return false
  }
  return before.length !== announced.length || before.some((a, i) => !equalBytes(a, announced[i]))
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i])
}
