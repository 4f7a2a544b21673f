import type { PeerId } from '@libp2p/interface'
import { MAX_MISSED_AUTHORS, MAX_REFILL_ATTEMPTS } from './constants.ts'

/**
 * Authors whose announcement we ignored because the neighbour that forwarded it first was over its introduction
 * budget, to be looked for in another neighbour's directory. Gossipsub marks a message seen before our validator
 * ignores it, so the copies other neighbours forward are dropped as duplicates: without a second look such an author
 * is listed only after its next heartbeat (minutes apart in a LAN crowd of hundreds), or never, if the same neighbour
 * is first again. Pure bookkeeping, bounded: MAX_MISSED_AUTHORS at most, each looked for MAX_REFILL_ATTEMPTS times.
 */
export class MissedAuthors {
  /** author -> syncs it was looked for in */
  private readonly attempts = new Map<string, number>()

  constructor(private readonly limit = MAX_MISSED_AUTHORS) {}

  get size(): number {
    return this.attempts.size
  }

  /** Remembers `author`; false when full (it is then left to its next heartbeat). */
  add(author: string): boolean {
    if (this.attempts.has(author)) {
      return true
    }
    if (this.attempts.size >= this.limit) {
      return false
    }
    this.attempts.set(author, 0)
    return true
  }

  has(author: string): boolean {
    return this.attempts.has(author)
  }

  /** Forgets the authors `listed` says we have now, however they came. */
  forgetListed(listed: (author: string) => boolean): void {
    for (const author of this.attempts.keys()) {
      if (listed(author)) {
        this.attempts.delete(author)
      }
    }
  }

  /** One more sync looked for every author still missed; those looked for often enough are given up. */
  looked(): void {
    for (const [author, attempts] of this.attempts) {
      if (attempts + 1 >= MAX_REFILL_ATTEMPTS) {
        this.attempts.delete(author)
      } else {
        this.attempts.set(author, attempts + 1)
      }
    }
  }

  clear(): void {
    this.attempts.clear()
  }
}

/**
 * The peer among `peers`, not in `exclude`, with the most room (introductions it may still bring us; 0 for one we are
 * not connected to), if any has room: the neighbour to look in for missed authors.
 */
export function roomiestNeighbour(
  peers: Iterable<PeerId>,
  exclude: ReadonlySet<string>,
  room: (peer: PeerId) => number
): PeerId | undefined {
  let best: PeerId | undefined
  let bestRoom = 0
  for (const peer of peers) {
    if (exclude.has(peer.toString())) {
      continue
    }
    const r = room(peer)
    if (r > bestRoom) {
      best = peer
      bestRoom = r
    }
  }
  return best
}
