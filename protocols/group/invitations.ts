import { toString as bytesToString } from 'uint8arrays/to-string'
import { BoundedSet } from '../common/bounded-set.ts'
import { PeerBudget } from '../common/peer-budget.ts'
import {
  INVITATION_TTL_MS,
  INVITE_CHECKS_BURST,
  INVITE_CHECKS_PER_SECOND,
  MAX_INVITATIONS_PER_INVITER,
  MAX_PENDING_INVITATIONS,
  MAX_STRANGER_INVITATIONS,
  MIN_INVITE_COST
} from './constants.ts'
import { InvitationLimitError } from './errors.ts'
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

/** Delivering peers whose check budget is remembered. */
const MAX_BUDGET_KEYS = 1024

/** The budget key all strangers share. */
const STRANGERS = ''

export interface InvitationsInit {
  /** whether we know a peer (it shares a group with us): its invitations win over strangers'. @default nobody */
  known?: (peerId: string) => boolean
  /** @default Date.now */
  now?: () => number
  /** @default MAX_PENDING_INVITATIONS */
  maxPending?: number
  /** @default MAX_STRANGER_INVITATIONS */
  maxStrangers?: number
  /** @default MAX_INVITATIONS_PER_INVITER */
  maxPerInviter?: number
  /** @default INVITATION_TTL_MS */
  ttlMs?: number
}

/**
 * Pending invitations, at most one per group (the newest), bounded: in total, per inviter, and for strangers (who
 * share no group with us) together; unanswered ones expire. When full, an invitation from someone we know displaces
 * the newest stranger's; a stranger's is refused. Checking an invitation's log costs a signature check per entry,
 * so deliveries spend a budget per delivering peer and, for strangers, one they all share.
 */
export class Invitations {
  private readonly byId = new Map<string, Invitation>()
  private readonly declined = new BoundedSet<string>(MAX_DECLINED)
  /** when each pending invitation arrived, on our clock: what expiry and eviction go by */
  private readonly arrived = new Map<string, number>()
  private readonly known: (peerId: string) => boolean
  private readonly now: () => number
  private readonly limits: Required<Omit<InvitationsInit, 'known' | 'now'>>
  private readonly checks = new PeerBudget({
    capacity: INVITE_CHECKS_BURST,
    refillPerSecond: INVITE_CHECKS_PER_SECOND,
    maxKeys: MAX_BUDGET_KEYS
  })

  constructor(init: InvitationsInit = {}) {
    this.known = init.known ?? (() => false)
    this.now = init.now ?? Date.now
    this.limits = {
      maxPending: init.maxPending ?? MAX_PENDING_INVITATIONS,
      maxStrangers: init.maxStrangers ?? MAX_STRANGER_INVITATIONS,
      maxPerInviter: init.maxPerInviter ?? MAX_INVITATIONS_PER_INVITER,
      ttlMs: init.ttlMs ?? INVITATION_TTL_MS
    }
  }

  /**
   * Before any signature is checked: whether we spend the checks of a log of `entries` entries delivered by
   * `from`. Throws InvitationLimitError when its budget (or the strangers' one) is spent, or when a stranger's
   * invitation could not be kept anyway.
   */
  admitDelivery(from: string, entries: number): void {
    const now = this.now()
    this.expire(now)
    const cost = Math.max(entries, MIN_INVITE_COST)
    const known = this.known(from)
    if (!known && this.strangers().length >= this.limits.maxStrangers) {
      throw new InvitationLimitError('too many invitations from strangers are pending')
    }
    if (!known && this.checks.available(STRANGERS, now) < cost) {
      throw new InvitationLimitError('too many invitations from strangers lately: try later')
    }
    if (!this.checks.take(from, cost, now)) {
      throw new InvitationLimitError('too many invitations from you lately: try later')
    }
    if (!known) {
      this.checks.take(STRANGERS, cost, now)
    }
  }

  /**
   * Adds a checked invitation; returns undefined when it was already pending (re-delivered) or declined. Throws
   * InvitationLimitError when it does not fit the limits.
   */
  add(inv: Omit<Invitation, 'id'>): Invitation | undefined {
    this.expire(this.now())
    const entryKey = bytesToString(inv.entryId, 'base16')
    if (this.declined.has(entryKey)) {
      return undefined
    }
    const existing = this.forGroup(inv.groupId)
    if (existing != null && bytesToString(existing.entryId, 'base16') === entryKey) {
      existing.log = inv.log
      return undefined
    }
    const others = this.list().filter((i) => i !== existing)
    this.checkRoom(inv, others)
    if (existing != null) {
      this.delete(existing.id)
    }
    const id = inviteIdFor(inv.entryId, (candidate) => this.byId.has(candidate))
    const added = { ...inv, id }
    this.byId.set(id, added)
    this.arrived.set(id, this.now())
    return added
  }

  /** Throws when `inv` breaks a limit; makes room by dropping the newest stranger's invitation when it may. */
  private checkRoom(inv: Omit<Invitation, 'id'>, others: Invitation[]): void {
    if (others.filter((i) => i.inviter === inv.inviter).length >= this.limits.maxPerInviter) {
      throw new InvitationLimitError('too many invitations from this inviter are pending')
    }
    const known = this.isKnown(inv)
    const strangers = others.filter((i) => !this.isKnown(i))
    if (!known && strangers.length >= this.limits.maxStrangers) {
      throw new InvitationLimitError('too many invitations from strangers are pending')
    }
    if (others.length < this.limits.maxPending) {
      return
    }
    const arrival = (i: Invitation): number => this.arrived.get(i.id) ?? 0
    const newest = strangers.reduce<Invitation | undefined>(
      (a, b) => (a == null || arrival(b) >= arrival(a) ? b : a),
      undefined
    )
    if (!known || newest == null) {
      throw new InvitationLimitError('too many invitations are pending')
    }
    this.delete(newest.id)
  }

  private isKnown(inv: Pick<Invitation, 'inviter' | 'from'>): boolean {
    return this.known(inv.inviter) || this.known(inv.from)
  }

  private strangers(): Invitation[] {
    return this.list().filter((i) => !this.isKnown(i))
  }

  /** Drops invitations older than the TTL. */
  private expire(now: number): void {
    for (const [id, at] of this.arrived) {
      if (now - at >= this.limits.ttlMs) {
        this.delete(id)
      }
    }
  }

  get(id: string): Invitation | undefined {
    this.expire(this.now())
    return this.byId.get(id)
  }

  forGroup(groupId: string): Invitation | undefined {
    return [...this.byId.values()].find((i) => i.groupId === groupId)
  }

  delete(id: string): void {
    this.byId.delete(id)
    this.arrived.delete(id)
  }

  /** Removes an invitation and keeps it from coming back this session. */
  decline(id: string): void {
    const inv = this.byId.get(id)
    if (inv == null) {
      return
    }
    this.delete(id)
    this.declined.add(bytesToString(inv.entryId, 'base16'))
  }

  list(): Invitation[] {
    this.expire(this.now())
    return [...this.byId.values()]
  }

  ids(): string[] {
    return this.list().map((i) => i.id)
  }
}
