import { BoundedMap } from '../common/bounded-map.ts'
import { LISTING_TTL_MS, MAX_LISTED_GROUPS, MAX_LISTED_PER_OWNER } from './constants.ts'
import type { VerifiedEntry } from './entries.ts'

/** Announcers remembered per listed group: the newest few are the ones likely still online. */
const MAX_ANNOUNCERS = 8

/** A public group as announced on the directory topic. */
export interface ListedGroup {
  groupId: string
  name: string
  description: string
  /** PeerId of the owner that created it */
  owner: string
  /** as the latest announcer counted (a hint: announcers are not checked against the log) */
  members: number
  /** seq of the metadata entry shown */
  metaSeq: number
  /** PeerId -> when it last announced the group (members we can fetch the log from) */
  announcers: Map<string, number>
  /** our clock at the latest announcement */
  lastSeen: number
  /** our clock when the group was first listed */
  firstSeen: number
}

/**
 * Public groups heard of, driven only by verified announcements and the clock (no I/O). Name and description come
 * from the newest metadata entry signed by the creating owner. Bounded in total and per creating owner; when full,
 * a group announced by (or created by) peers we know displaces the listing with the fewest known announcers, the
 * newest first, and any other newcomer is dropped: a flood of free PeerIds cannot push out what is listed.
 */
export class GroupDirectory {
  private readonly groups = new Map<string, ListedGroup>()

  constructor(
    private readonly ttlMs: number = LISTING_TTL_MS,
    private readonly maxSize: number = MAX_LISTED_GROUPS,
    /** whether we know a peer (it shares a group with us). @default nobody */
    private readonly known: (peerId: string) => boolean = () => false,
    private readonly maxPerOwner: number = MAX_LISTED_PER_OWNER
  ) {}

  /** Records an announcement whose entries were verified; returns true when the group is new to us. */
  apply(announcer: string, genesis: VerifiedEntry, meta: VerifiedEntry, members: number, now: number): boolean {
    let g = this.groups.get(genesis.groupId)
    const isNew = g == null
    if (g == null) {
      if (!this.makeRoom(genesis.authorId, announcer)) {
        return false
      }
      g = {
        groupId: genesis.groupId,
        name: genesis.name,
        description: genesis.description,
        owner: genesis.authorId,
        members,
        metaSeq: 0,
        announcers: new BoundedMap(MAX_ANNOUNCERS),
        lastSeen: now,
        firstSeen: now
      }
      this.groups.set(g.groupId, g)
    }
    if (meta.seq > g.metaSeq) {
      g.name = meta.name
      g.description = meta.description
      g.metaSeq = meta.seq
    }
    g.members = members
    g.lastSeen = now
    g.announcers.set(announcer, now)
    return isNew
  }

  /** Whether a new group of `owner`, announced by `announcer`, may be listed; evicts a listing to make room. */
  private makeRoom(owner: string, announcer: string): boolean {
    let ofOwner = 0
    for (const g of this.groups.values()) {
      ofOwner += g.owner === owner ? 1 : 0
    }
    if (ofOwner >= this.maxPerOwner) {
      return false
    }
    if (this.groups.size < this.maxSize) {
      return true
    }
    const standing = (peers: Iterable<string>): number => {
      let n = 0
      for (const p of peers) {
        n += this.known(p) ? 1 : 0
      }
      return n
    }
    const newcomer = standing(new Set([owner, announcer]))
    if (newcomer === 0) {
      // nobody we know: it could displace nothing, so a flood of such groups costs no scan of the list
      return false
    }
    let victim: ListedGroup | undefined
    let victimStanding = Number.POSITIVE_INFINITY
    for (const g of this.groups.values()) {
      const s = standing([g.owner, ...g.announcers.keys()])
      if (s < victimStanding || (s === victimStanding && victim != null && g.firstSeen >= victim.firstSeen)) {
        victim = g
        victimStanding = s
      }
    }
    if (victim == null || newcomer <= victimStanding) {
      return false
    }
    this.groups.delete(victim.groupId)
    return true
  }

  /** Forgets groups nobody announced within the TTL. */
  expire(now: number): void {
    for (const [id, g] of this.groups) {
      if (now - g.lastSeen > this.ttlMs) {
        this.groups.delete(id)
      }
    }
  }

  /** Drops a group that turned out not to exist any more (its announcers know nothing of it). */
  forget(groupId: string): void {
    this.groups.delete(groupId)
  }

  get(groupId: string): ListedGroup | undefined {
    return this.groups.get(groupId)
  }

  list(): ListedGroup[] {
    return [...this.groups.values()]
  }
}
