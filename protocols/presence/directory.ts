import type { Announcement } from './codec.ts'
import { MAX_DIRECTORY_SIZE, PRESENCE_TTL_MS } from './constants.ts'

/** One online peer as the directory knows it. */
export interface DirectoryEntry {
  peerId: string
  name: string
  addrs: Uint8Array[]
  /** sender's timestamp of the newest announcement applied */
  ts: number
  /** our clock when we last heard from it */
  lastSeen: number
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
}

/**
 * Who is online, driven only by announcements and the clock (no I/O), so every rule about joins,
 * leaves, reordering and expiry is testable without a network.
 */
export class Directory {
  private readonly entries = new Map<string, DirectoryEntry>()
  /** newest timestamp of a LEAVE per peer, so a late ALIVE from before it cannot bring the peer back */
  private readonly departed = new Map<string, number>()
  private readonly ttlMs: number
  private readonly maxSize: number

  constructor(init: DirectoryInit = {}) {
    this.ttlMs = init.ttlMs ?? PRESENCE_TTL_MS
    this.maxSize = init.maxSize ?? MAX_DIRECTORY_SIZE
  }

  /** Applies an announcement from `peerId` (already authenticated by its signature). */
  apply(peerId: string, a: Announcement, now: number): DirectoryChange | undefined {
    const current = this.entries.get(peerId)
    const newestKnown = Math.max(current?.ts ?? -1, this.departed.get(peerId) ?? -1)
    if (a.ts <= newestKnown) {
      return undefined
    }
    if (a.kind === 'leave') {
      this.departed.set(peerId, a.ts)
      this.trimDeparted()
      if (current == null) {
        return undefined
      }
      this.entries.delete(peerId)
      return { type: 'leave', entry: current, reason: 'left' }
    }
    this.departed.delete(peerId)
    if (current == null) {
      if (this.entries.size >= this.maxSize) {
        return undefined
      }
      const entry: DirectoryEntry = { peerId, name: a.name, addrs: a.addrs, ts: a.ts, lastSeen: now }
      this.entries.set(peerId, entry)
      return { type: 'join', entry }
    }
    const previousName = current.name
    Object.assign(current, { name: a.name, addrs: a.addrs, ts: a.ts, lastSeen: now })
    return previousName === a.name ? undefined : { type: 'rename', entry: current, previousName }
  }

  /** Removes peers not heard from within the TTL. */
  expire(now: number): DirectoryChange[] {
    const gone: DirectoryChange[] = []
    for (const [peerId, entry] of this.entries) {
      if (now - entry.lastSeen > this.ttlMs) {
        this.entries.delete(peerId)
        gone.push({ type: 'leave', entry, reason: 'timeout' })
      }
    }
    return gone
  }

  /** Removes a peer we found to be unreachable; its next announcement brings it back. */
  remove(peerId: string): DirectoryChange | undefined {
    const entry = this.entries.get(peerId)
    if (entry == null) {
      return undefined
    }
    this.entries.delete(peerId)
    return { type: 'leave', entry, reason: 'unreachable' }
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

  get size(): number {
    return this.entries.size
  }

  private trimDeparted(): void {
    // Oldest first: Map keeps insertion order.
    while (this.departed.size > this.maxSize) {
      const oldest = this.departed.keys().next().value
      if (oldest == null) {
        break
      }
      this.departed.delete(oldest)
    }
  }
}
