import { NotBlockedError } from './account/errors.ts'
import { UnknownUserError } from './errors.ts'
import { resolveUser, withDisplayNames } from './users.ts'

/** Someone we blocked. The PeerId is what is blocked; the name is only how we knew them. */
export interface BlockedPeer {
  peerId: string
  name: string
  /** when we blocked them, ms since the epoch */
  since: number
}

/** Most entries a block list holds: far beyond any person's use, and it bounds the account file. */
export const MAX_BLOCKED = 10_000

/** The peers we refuse, by PeerId (so a new name does not get anyone past it). No I/O: the account persists it. */
export class BlockList {
  private readonly entries = new Map<string, BlockedPeer>()
  /** connections refused per blocked peer this session, so the user (and tests) can see the block working */
  private readonly refusals = new Map<string, number>()

  constructor(initial: Iterable<BlockedPeer> = []) {
    for (const peer of initial) {
      this.entries.set(peer.peerId, { ...peer })
    }
  }

  has(peerId: string): boolean {
    return this.entries.has(peerId)
  }

  get size(): number {
    return this.entries.size
  }

  /** Adds a peer; false when it was already blocked (its entry is kept as it was). */
  add(peer: BlockedPeer): boolean {
    if (this.entries.has(peer.peerId)) {
      return false
    }
    if (this.entries.size >= MAX_BLOCKED) {
      throw new RangeError(`the block list is full (${MAX_BLOCKED} peers)`)
    }
    this.entries.set(peer.peerId, { ...peer })
    return true
  }

  remove(peerId: string): BlockedPeer | undefined {
    const entry = this.entries.get(peerId)
    this.entries.delete(peerId)
    this.refusals.delete(peerId)
    return entry
  }

  /** Oldest block first. */
  list(): BlockedPeer[] {
    return [...this.entries.values()].sort((a, b) => a.since - b.since || a.peerId.localeCompare(b.peerId))
  }

  /** The blocked peer meant by `query` (PeerId, name#suffix or a name only one of them has). */
  find(query: string): BlockedPeer {
    const users = withDisplayNames(this.list())
    try {
      const user = resolveUser(query, users)
      return this.entries.get(user.peerId) as BlockedPeer
    } catch (err) {
      if (err instanceof UnknownUserError) {
        throw new NotBlockedError(`'${query}' is not blocked (see /blocked)`)
      }
      throw err
    }
  }

  /** Counts a connection we refused from `peerId`. */
  noteRefused(peerId: string): void {
    if (this.entries.has(peerId)) {
      this.refusals.set(peerId, (this.refusals.get(peerId) ?? 0) + 1)
    }
  }

  /** Connections refused from `peerId` since we started. */
  refused(peerId: string): number {
    return this.refusals.get(peerId) ?? 0
  }
}
