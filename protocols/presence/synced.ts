import type { AbortOptions, Logger, PeerId } from '@libp2p/interface'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { MAX_CLOCK_SKEW_MS } from '../common/limits.ts'
import {
  PresenceSync,
  type PresenceSyncComponents,
  type SignedAnnouncement,
  type SyncEntry,
  verifyAnnouncement
} from '../presence-sync/index.ts'
import { type Announcement, decodeAnnouncement } from './codec.ts'
import {
  MAX_LIFETIME_MS,
  MAX_SYNC_NEIGHBOURS,
  MAX_UNTRUSTED_SYNC_ENTRIES,
  PRESENCE_TOPIC,
  REFILL_DELAY_MS,
  REFILL_INTERVAL_MS,
  SYNC_NEIGHBOURS
} from './constants.ts'
import { grantedLifetime } from './directory.ts'
import { MissedAuthors } from './missed.ts'

/** One announcement a sync passed on, checked: its author signed it, it decodes, it is recent and not a leave. */
export interface SyncedAnnouncement {
  author: PeerId
  announcement: Announcement
  signed: SignedAnnouncement
  /** when the peer that passed it on last heard from the author, on our clock */
  heardAt: number
}

/**
 * The announcement of a synced entry if it holds up: signed by its author on the presence topic, a valid presence
 * message, heard within its lifetime (`grantedLifetime`), made within it by the author's clock (give or take the
 * clock skew we allow), and saying its author is here (a leave is not passed on: there is nothing to add).
 * Undefined otherwise; never throws. The author's own timestamp bounds replays: whoever passes an announcement on
 * says how old it is, and a liar could otherwise bring back anyone who was ever online.
 */
export async function checkSynced(
  entry: SyncEntry,
  now: number,
  ttlMs: number
): Promise<SyncedAnnouncement | undefined> {
  // the longest lifetime anyone may ask for bounds the age before the signature is checked; its own bounds it after
  if (entry.ageMs > grantedLifetime({ lifetimeMs: MAX_LIFETIME_MS }, ttlMs)) {
    return undefined
  }
  try {
    const author = await verifyAnnouncement(entry.announcement, PRESENCE_TOPIC)
    const announcement = decodeAnnouncement(entry.announcement.data, now)
    const lifetimeMs = grantedLifetime(announcement, ttlMs)
    if (
      announcement.kind === 'leave' ||
      entry.ageMs > lifetimeMs ||
      announcement.ts < now - lifetimeMs - MAX_CLOCK_SKEW_MS
    ) {
      return undefined
    }
    return { author, announcement, signed: entry.announcement, heardAt: now - entry.ageMs }
  } catch {
    return undefined
  }
}

export interface DirectorySyncerInit {
  /** the announcements `peer` holds, unchecked */
  fetch: (peer: PeerId, options: AbortOptions) => Promise<SyncEntry[]>
  /** a peer whose answers we take whatever their number (our relays) */
  trusted: (peer: PeerId) => boolean
  /** takes one checked announcement that `via` passed on, within `via`'s budget; false when over it */
  take: (synced: SyncedAnnouncement, via: PeerId) => boolean
  ttlMs: number
  log: Logger
  /** aborted at shutdown */
  signal: AbortSignal
  /** whether an author is in our directory (missed authors listed since are not looked for) */
  known?: (author: string) => boolean
  /**
   * The neighbour to look in for authors we missed (see `missed`): subscribed to presence, connected, with room in
   * its introduction budget, and not in `exclude` (the neighbours looked in already); undefined if there is none.
   */
  refillSource?: (exclude: ReadonlySet<string>) => PeerId | undefined
}

/**
 * Asks neighbours for the directory when they appear, so that a newcomer lists everyone online at once instead of
 * one heartbeat at a time: every relay we use (each time it comes back), and the first SYNC_NEIGHBOURS others; one
 * more each time a neighbour's answer was cut short by its introduction budget, up to MAX_SYNC_NEIGHBOURS. A crowd
 * larger than one neighbour may introduce is then listed at once too, rather than as its heartbeats come, which
 * on a LAN grow rarer as the crowd grows.
 */
export class DirectorySyncer {
  /** neighbours other than relays already asked: only the first few, more only while their answers fall short */
  private readonly askedNeighbours = new Set<string>()
  /** subscribed neighbours not asked (yet), in the order they came; MAX_SYNC_NEIGHBOURS at most */
  private readonly waiting = new Map<string, PeerId>()
  private neighbourLimit = SYNC_NEIGHBOURS
  private readonly inProgress = new Set<string>()
  private readonly missedAuthors = new MissedAuthors()
  /** neighbours looked in for missed authors since none were left */
  private readonly refillAsked = new Set<string>()
  private refillTimer?: ReturnType<typeof setTimeout>
  private refilling = false
  private lastRefill = 0

  constructor(private readonly init: DirectorySyncerInit) {
    init.signal.addEventListener('abort', () => clearTimeout(this.refillTimer), { once: true })
  }

  /**
   * An announcement by `author` was ignored because the neighbour that forwarded it first was over its introduction
   * budget, and gossipsub will drop other neighbours' copies as duplicates: look for it, soon, in the directory of a
   * neighbour with room in its budget. One such sync per REFILL_INTERVAL_MS at most, taking only missed authors.
   */
  missed(author: string): void {
    if (!this.init.signal.aborted && this.missedAuthors.add(author)) {
      this.scheduleRefill()
    }
  }

  private scheduleRefill(): void {
    if (this.refillTimer != null || this.refilling || this.init.signal.aborted) {
      return
    }
    const wait = Math.max(REFILL_DELAY_MS, this.lastRefill + REFILL_INTERVAL_MS - Date.now())
    this.refillTimer = setTimeout(() => {
      this.refillTimer = undefined
      void this.refill()
    }, wait)
    this.refillTimer.unref?.()
  }

  private async refill(): Promise<void> {
    const listed = this.init.known ?? (() => false)
    this.missedAuthors.forgetListed(listed)
    const source = this.missedAuthors.size === 0 ? undefined : this.init.refillSource?.(this.refillAsked)
    if (source == null) {
      this.missedAuthors.clear()
      this.refillAsked.clear()
      return
    }
    this.refillAsked.add(source.toString())
    this.refilling = true
    this.lastRefill = Date.now()
    try {
      await this.syncFrom(source, (author) => this.missedAuthors.has(author))
    } finally {
      this.refilling = false
    }
    this.missedAuthors.forgetListed(listed)
    this.missedAuthors.looked()
    if (this.missedAuthors.size > 0) {
      this.scheduleRefill()
    } else {
      this.refillAsked.clear()
    }
  }

  /** `peer` subscribed to presence: ask it, if it is one of the peers worth asking. */
  subscribed(peer: PeerId): void {
    const key = peer.toString()
    if (this.init.signal.aborted || this.inProgress.has(key)) {
      return
    }
    const trusted = this.init.trusted(peer)
    if (!trusted) {
      if (this.askedNeighbours.has(key)) {
        return
      }
      if (this.askedNeighbours.size >= this.neighbourLimit) {
        if (this.waiting.size < MAX_SYNC_NEIGHBOURS) {
          this.waiting.set(key, peer)
        }
        return
      }
      this.askedNeighbours.add(key)
      this.waiting.delete(key)
    }
    this.inProgress.add(key)
    void this.syncFrom(peer)
      .then((cut) => {
        if (cut && !trusted && this.neighbourLimit < MAX_SYNC_NEIGHBOURS) {
          this.neighbourLimit++
          this.askNext()
        }
      })
      .finally(() => this.inProgress.delete(key))
  }

  /** Asks the next waiting neighbour, if any (one that has gone since fails its fetch and counts as asked). */
  private askNext(): void {
    const next = this.waiting.values().next()
    if (!next.done) {
      this.waiting.delete(next.value.toString())
      this.subscribed(next.value)
    }
  }

  /**
   * Takes what `peer` holds (only the authors `wanted` says, if given, judged by the author each entry claims before
   * its signature is checked); true when its answer was cut short (more than we check, or over its budget).
   */
  private async syncFrom(peer: PeerId, wanted?: (author: string) => boolean): Promise<boolean> {
    let entries: SyncEntry[]
    try {
      entries = await this.init.fetch(peer, { signal: this.init.signal })
    } catch (err) {
      this.init.log('no presence sync from %p - %e', peer, err)
      return false
    }
    const now = Date.now()
    let taken = 0
    let refused = 0
    // a neighbour we do not trust can bring few new identities (its introduction budget): checking thousands of
    // signatures for it would cost more than anything it may add
    const sought = wanted == null ? entries : entries.filter((e) => wanted(claimedAuthor(e)))
    const considered = this.init.trusted(peer) ? sought : sought.slice(0, MAX_UNTRUSTED_SYNC_ENTRIES)
    for (const [i, entry] of considered.entries()) {
      if (this.init.signal.aborted) {
        return false
      }
      if (i % YIELD_EVERY === YIELD_EVERY - 1) {
        // a full directory is thousands of signature checks: let other work in between
        await new Promise((resolve) => setTimeout(resolve, 0))
      }
      const synced = await checkSynced(entry, now, this.init.ttlMs)
      if (synced != null && this.init.take(synced, peer)) {
        taken++
      } else if (synced != null) {
        refused++
      }
    }
    this.init.log('presence sync from %p: %d of %d announcements taken', peer, taken, entries.length)
    return refused > 0 || considered.length < sought.length
  }
}

/** The PeerId string an entry says its author has, unchecked (base58btc of the multihash, as PeerIds print). */
function claimedAuthor(entry: SyncEntry): string {
  return uint8ArrayToString(entry.announcement.from, 'base58btc')
}

/** Signature checks between two turns of the event loop. */
const YIELD_EVERY = 128

/** The presence sync service (answering others) and the syncer (asking them) of a presence service. */
export function presenceSync(
  components: PresenceSyncComponents,
  init: Omit<DirectorySyncerInit, 'fetch'> & { entries: () => Iterable<SyncEntry> }
): { sync: PresenceSync; syncer: DirectorySyncer } {
  const sync = new PresenceSync(components, { entries: init.entries })
  const syncer = new DirectorySyncer({ ...init, fetch: (peer, options) => sync.fetch(peer, options) })
  return { sync, syncer }
}
