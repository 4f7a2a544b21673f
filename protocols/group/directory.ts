import { LISTING_TTL_MS, MAX_LISTED_GROUPS } from './constants.ts'
import type { VerifiedEntry } from './entries.ts'

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
}

/**
 * Public groups heard of, driven only by verified announcements and the clock (no I/O). Name and description come
 * from the newest metadata entry signed by the creating owner.
 */
export class GroupDirectory {
  private readonly groups = new Map<string, ListedGroup>()

  constructor(
    private readonly ttlMs: number = LISTING_TTL_MS,
    private readonly maxSize: number = MAX_LISTED_GROUPS
  ) {}

  /** Records an announcement whose entries were verified; returns true when the group is new to us. */
  apply(announcer: string, genesis: VerifiedEntry, meta: VerifiedEntry, members: number, now: number): boolean {
    let g = this.groups.get(genesis.groupId)
    const isNew = g == null
    if (g == null) {
      if (this.groups.size >= this.maxSize) {
        return false
      }
      g = {
        groupId: genesis.groupId,
        name: genesis.name,
        description: genesis.description,
        owner: genesis.authorId,
        members,
        metaSeq: 0,
        announcers: new Map(),
        lastSeen: now
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
    g.announcers.delete(announcer)
    g.announcers.set(announcer, now)
    // the newest few announcers are the ones likely still online
    while (g.announcers.size > 8) {
      g.announcers.delete(g.announcers.keys().next().value as string)
    }
    return isNew
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
