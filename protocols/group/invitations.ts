import { toString as bytesToString } from 'uint8arrays/to-string'
import type { GroupLog } from './log.ts'

/** An invitation to a private (or public) group, checked against its log, waiting for /accept or /decline. */
export interface Invitation {
  /** short id the user types: 'i' and the start of the INVITE entry's id */
  id: string
  /** id of the INVITE entry */
  entryId: Uint8Array
  groupId: string
  name: string
  description: string
  private: boolean
  members: number
  /** PeerId and name of the admin who signed the invitation */
  inviter: string
  inviterName: string
  /** PeerId that delivered it (a member we can fetch the log from) */
  from: string
  at: number
  log: GroupLog
}

/** Prefix of invitation ids, so that they never collide with ids of other kinds of offers. */
export const INVITE_ID_PREFIX = 'i'

const SHORT_LENGTH = 6

/** The short id of an INVITE entry, lengthened when it would clash with another pending one. */
export function inviteIdFor(entryId: Uint8Array, taken: (id: string) => boolean): string {
  const full = bytesToString(entryId, 'base32')
  for (let n = SHORT_LENGTH; n < full.length; n++) {
    const id = `${INVITE_ID_PREFIX}${full.slice(0, n)}`
    if (!taken(id)) {
      return id
    }
  }
  return `${INVITE_ID_PREFIX}${full}`
}

/** Declined invitations remembered, so that one re-delivered before the inviter withdrew it stays declined. */
const MAX_DECLINED = 256

/** Pending invitations, at most one per group (the newest). */
export class Invitations {
  private readonly byId = new Map<string, Invitation>()
  private readonly declined = new Set<string>()

  /** Adds an invitation; returns undefined when it was already pending (re-delivered) or declined. */
  add(inv: Omit<Invitation, 'id'>): Invitation | undefined {
    if (this.declined.has(bytesToString(inv.entryId, 'base16'))) {
      return undefined
    }
    const existing = this.forGroup(inv.groupId)
    if (existing != null) {
      if (bytesToString(existing.entryId, 'base16') === bytesToString(inv.entryId, 'base16')) {
        existing.log = inv.log
        return undefined
      }
      this.byId.delete(existing.id)
    }
    const id = inviteIdFor(inv.entryId, (candidate) => this.byId.has(candidate))
    const added = { ...inv, id }
    this.byId.set(id, added)
    return added
  }

  get(id: string): Invitation | undefined {
    return this.byId.get(id)
  }

  forGroup(groupId: string): Invitation | undefined {
    return [...this.byId.values()].find((i) => i.groupId === groupId)
  }

  delete(id: string): void {
    this.byId.delete(id)
  }

  /** Removes an invitation and keeps it from coming back this session. */
  decline(id: string): void {
    const inv = this.byId.get(id)
    if (inv == null) {
      return
    }
    this.byId.delete(id)
    this.declined.add(bytesToString(inv.entryId, 'base16'))
    if (this.declined.size > MAX_DECLINED) {
      this.declined.delete(this.declined.values().next().value as string)
    }
  }

  list(): Invitation[] {
    return [...this.byId.values()]
  }

  ids(): string[] {
    return [...this.byId.keys()]
  }
}
