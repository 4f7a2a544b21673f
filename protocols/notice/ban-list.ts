import type { BanListData } from './codec.ts'

/** The version for a relay's next ban list: follows the clock, and always above the last one even if the clock stepped back. */
export function nextBanListVersion(previous: number, now: number): number {
  return Math.max(previous + 1, now)
}

/**
 * The ban lists of the relays a client uses, newest version per relay. Pure: a list only replaces an older one from
 * the same relay, so a stale list replayed from gossip cannot lift a ban.
 */
export class BanLists {
  private readonly lists = new Map<string, { version: number; peers: Set<string> }>()

  /** Applies `list` from `relay`; true when it replaced what we had. */
  update(relay: string, list: BanListData): boolean {
    const current = this.lists.get(relay)
    if (current != null && current.version >= list.version) {
      return false
    }
    this.lists.set(relay, { version: list.version, peers: new Set(list.peers) })
    return true
  }

  /** True when any of our relays bans `peer`. */
  isBanned(peer: string): boolean {
    for (const list of this.lists.values()) {
      if (list.peers.has(peer)) {
        return true
      }
    }
    return false
  }

  /** The version we hold for `relay`, or -1. */
  version(relay: string): number {
    return this.lists.get(relay)?.version ?? -1
  }

  /** Peers banned by `relay`. */
  banned(relay: string): string[] {
    return [...(this.lists.get(relay)?.peers ?? [])]
  }
}
