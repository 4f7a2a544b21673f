import { MAX_MEMBERS } from './constants.ts'
import { deriveGroupId, equalBytes, hex, isValidMemberKey, keyIdOf } from './crypto.ts'
import { peerIdOfKey, type VerifiedEntry } from './entries.ts'
import { EntryRejectedError } from './errors.ts'

export type Role = 'owner' | 'admin' | 'member'

export interface Member {
  peerId: string
  key: Uint8Array
  /** the display name the member joined with */
  name: string
  role: Role
  /** seq of the entry that made it a member: seniority decides who inherits a group its owner leaves */
  since: number
}

export interface Invitee {
  peerId: string
  key: Uint8Array
  name: string
  /** PeerId of the inviter */
  by: string
  /** id of the INVITE entry */
  entryId: Uint8Array
}

/** A group's membership as of one entry of its log. Never mutated: applyEntry returns a new state. */
export interface GroupState {
  groupId: string
  private: boolean
  owner: string
  name: string
  description: string
  /** depth of the deepest entry applied, and the id of the last one applied in resolution order */
  seq: number
  head: Uint8Array
  members: ReadonlyMap<string, Member>
  invited: ReadonlyMap<string, Invitee>
  /** PeerId -> id (hex) of its latest removal: a removed user cannot rejoin a public group by itself */
  removed: ReadonlyMap<string, string>
  /** private groups: id of the current key (empty in public groups) */
  keyId: Uint8Array
  /** private groups: PeerIds the current key was sealed for (by its rotation and the invitations that shared it) */
  keyReaders: ReadonlySet<string>
  /** keys introduced so far */
  epoch: number
  /**
   * private groups: the readers of the current key are not exactly the members and invitees (someone left, or
   * concurrent changes crossed a rotation); any member may then rotate
   */
  needsRekey: boolean
}

export type RejectReason = 'not-authorized' | 'invalid' | 'full'

/** Why an entry cannot apply; the reason lets local callers turn it into the right error. */
export class StateRejection extends EntryRejectedError {
  constructor(
    readonly reason: RejectReason,
    message: string
  ) {
    super(message)
  }
}

function invalid(message: string): never {
  throw new StateRejection('invalid', message)
}

/** The state a CREATE entry founds; throws StateRejection when it is not a valid genesis. */
export function genesisState(e: VerifiedEntry): GroupState {
  if (e.kind !== 'create' || e.seq !== 0) {
    invalid('a log starts with a CREATE entry')
  }
  if (deriveGroupId(e.author, e.nonce) !== e.groupId) {
    invalid("the group id does not derive from the owner's key")
  }
  if (e.private) {
    checkRotation(e, [e.author], true)
  } else if (e.keys != null) {
    invalid('a public group has no key')
  }
  const owner: Member = { peerId: e.authorId, key: e.author, name: e.memberName, role: 'owner', since: 0 }
  return {
    groupId: e.groupId,
    private: e.private,
    owner: e.authorId,
    name: e.name,
    description: e.description,
    seq: 0,
    head: e.id,
    members: new Map([[e.authorId, owner]]),
    invited: new Map(),
    removed: new Map(),
    keyId: e.private ? keyIdOf(e.id) : new Uint8Array(0),
    keyReaders: new Set(e.private ? [e.authorId] : []),
    epoch: e.private ? 1 : 0,
    needsRekey: false
  }
}

/** Role of a PeerId, or undefined for non-members (invitees included). */
export function roleOf(s: GroupState, peerId: string): Role | undefined {
  return s.members.get(peerId)?.role
}

function isPrivileged(s: GroupState, peerId: string): boolean {
  const role = roleOf(s, peerId)
  return role === 'owner' || role === 'admin'
}

/** Everyone who must receive the group key: members and pending invitees. */
export function keyHolders(s: GroupState): Uint8Array[] {
  return [...[...s.members.values()].map((m) => m.key), ...[...s.invited.values()].map((i) => i.key)]
}

type Refusal = [RejectReason, string] | undefined

const DENY = (message: string): Refusal => ['not-authorized', message]
const INVALID = (message: string): Refusal => ['invalid', message]

/**
 * Checks that `authorId` may perform `kind` on `subjectId` in state `s`; throws StateRejection otherwise.
 * The one place where the role rules live: both incoming entries and our own commands go through it.
 */
export function authorize(s: GroupState, kind: VerifiedEntry['kind'], authorId: string, subjectId: string): void {
  const refused = refusal(s, kind, authorId, subjectId)
  if (refused != null) {
    throw new StateRejection(refused[0], refused[1])
  }
}

function refusal(s: GroupState, kind: VerifiedEntry['kind'], authorId: string, subjectId: string): Refusal {
  const authorRole = roleOf(s, authorId)
  switch (kind) {
    case 'create':
      return INVALID('a group is created only once')
    case 'join':
      return joinRefusal(s, authorId, subjectId)
    case 'leave':
      if (authorId !== subjectId) {
        return DENY('only members themselves can leave')
      }
      return authorRole == null ? INVALID('not a member') : undefined
    case 'invite':
      return inviteRefusal(s, authorId, subjectId)
    case 'remove':
      return removeRefusal(s, authorId, subjectId)
    case 'promote':
      return promoteRefusal(s, authorId, subjectId)
    case 'demote':
      return demoteRefusal(s, authorId, subjectId)
    case 'meta':
      return authorRole === 'owner' ? undefined : DENY("only the owner can change the group's name and description")
    case 'rekey':
      return rekeyRefusal(s, authorId)
  }
}

/** Why `subjectId` may not join: only by itself, once, by invitation in a private group, and not after a removal. */
function joinRefusal(s: GroupState, authorId: string, subjectId: string): Refusal {
  if (authorId !== subjectId) {
    return DENY('only users themselves can join')
  }
  if (roleOf(s, subjectId) != null) {
    return INVALID('already a member')
  }
  if (s.invited.has(subjectId)) {
    return undefined
  }
  if (s.private) {
    return DENY('a private group is joined by invitation only')
  }
  if (s.removed.has(subjectId)) {
    return DENY('removed from this group: only an admin can bring them back')
  }
  return capacity(s)
}

/** Why `authorId` may not invite `subjectId`: owner and admins only, nobody twice, and not beyond capacity. */
function inviteRefusal(s: GroupState, authorId: string, subjectId: string): Refusal {
  if (!isPrivileged(s, authorId)) {
    return DENY('only the owner and admins can invite')
  }
  if (roleOf(s, subjectId) != null || s.invited.has(subjectId)) {
    return INVALID('already a member or invited')
  }
  return capacity(s)
}

/** Why `authorId` may not remove `subjectId`: never the owner, never oneself, and admins only by the owner. */
function removeRefusal(s: GroupState, authorId: string, subjectId: string): Refusal {
  const subjectRole = roleOf(s, subjectId)
  if (!isPrivileged(s, authorId)) {
    return DENY('only the owner and admins can remove members')
  }
  if (subjectId === authorId) {
    return INVALID('use leave to leave a group')
  }
  if (subjectRole == null && !s.invited.has(subjectId)) {
    return INVALID('not a member')
  }
  if (subjectRole === 'owner') {
    return DENY('nobody can remove the owner')
  }
  if (subjectRole === 'admin' && roleOf(s, authorId) !== 'owner') {
    return DENY('only the owner can remove an admin')
  }
  return undefined
}

/** Why `authorId` may not make `subjectId` an admin: owner and admins only, and only a plain member. */
function promoteRefusal(s: GroupState, authorId: string, subjectId: string): Refusal {
  if (!isPrivileged(s, authorId)) {
    return DENY('only the owner and admins can make admins')
  }
  const subjectRole = roleOf(s, subjectId)
  if (subjectRole !== 'member') {
    return INVALID(subjectRole == null ? 'not a member' : 'already an admin')
  }
  return undefined
}

/** Why `authorId` may not demote `subjectId`: only an admin can be demoted. */
function demoteRefusal(s: GroupState, authorId: string, subjectId: string): Refusal {
  const authorRole = roleOf(s, authorId)
  // the owner demotes admins; an admin may step down by itself
  if (authorRole !== 'owner' && !(authorId === subjectId && authorRole === 'admin')) {
    return DENY('only the owner can demote an admin')
  }
  return roleOf(s, subjectId) === 'admin' ? undefined : INVALID('not an admin')
}

/** Why `authorId` may not rotate the key: owner and admins, any member after a leave, and only in a private group. */
function rekeyRefusal(s: GroupState, authorId: string): Refusal {
  // after a member left, anyone who remains may rotate: a leaver must lose the key with no admin online
  if (!isPrivileged(s, authorId) && !(roleOf(s, authorId) != null && s.needsRekey)) {
    return DENY('only the owner and admins can rotate the key (members too, after someone left)')
  }
  return s.private ? undefined : INVALID('a public group has no key')
}

function capacity(s: GroupState): Refusal {
  return s.members.size + s.invited.size >= MAX_MEMBERS
    ? ['full', `the group has reached ${MAX_MEMBERS} members`]
    : undefined
}

/** A rotation must seal the key for exactly `recipients`, nobody left out and nobody extra. */
function checkRotation(e: VerifiedEntry, recipients: Uint8Array[], newKey: boolean): void {
  const keys = e.keys ?? invalid('a private group entry of this kind must carry the key')
  if (newKey !== (keys.keyId.byteLength === 0)) {
    invalid(newKey ? 'a rotation introduces a new key' : 'an invitation shares the current key')
  }
  const expected = new Set(recipients.map(hex))
  const got = new Set(keys.wrapped.map((w) => hex(w.recipient)))
  if (got.size !== keys.wrapped.length || got.size !== expected.size || [...got].some((r) => !expected.has(r))) {
    invalid('the key is not sealed for exactly the members')
  }
  if (keys.wrapped.some((w) => !isValidMemberKey(w.recipient))) {
    invalid('a recipient key is not a valid Ed25519 key')
  }
}

/**
 * The state after `e`; throws StateRejection when its author may not do it in `s`. `strict` is the check at the
 * entry's parents, where its author signed it: a rotation must then seal the key for exactly the members and
 * invitees, and an invitation share the current key. Applied to the resolved state (not strict), a rotation or an
 * invitation that crossed concurrent changes counts for its membership effect, and the state notes whether the
 * readers of the key still match (needsRekey).
 */
export function applyEntry(s: GroupState, e: VerifiedEntry, strict = true): GroupState {
  if (e.groupId !== s.groupId) {
    invalid('entry of another group')
  }
  authorize(s, e.kind, e.authorId, e.subjectId)
  const members = new Map(s.members)
  const invited = new Map(s.invited)
  const removed = new Map(s.removed)
  const next: GroupState = { ...s, seq: Math.max(s.seq, e.seq), head: e.id, members, invited, removed }
  const needsKey = s.private && (e.kind === 'invite' || e.kind === 'remove' || e.kind === 'rekey')
  if (!needsKey && e.keys != null) {
    invalid('unexpected key rotation')
  }
  switch (e.kind) {
    case 'invite':
      invite(s, e, next, strict)
      break
    case 'join':
      join(s, e, next)
      break
    case 'leave':
      members.delete(e.subjectId)
      if (e.subjectId === s.owner) {
        next.owner = succeed(members)
      }
      break
    case 'remove':
      members.delete(e.subjectId)
      invited.delete(e.subjectId)
      removed.set(e.subjectId, e.idHex)
      if (s.private) {
        rotate(next, e, strict)
      }
      break
    case 'promote':
      members.set(e.subjectId, { ...members.get(e.subjectId)!, role: 'admin' })
      break
    case 'demote':
      members.set(e.subjectId, { ...members.get(e.subjectId)!, role: 'member' })
      break
    case 'meta':
      next.name = e.name
      next.description = e.description
      break
    case 'rekey':
      rotate(next, e, strict)
      break
  }
  next.needsRekey = s.private && keyHolders(next).length > 0 && !readersMatch(next)
  return next
}

function invite(s: GroupState, e: VerifiedEntry, next: GroupState, strict: boolean): void {
  if (s.private) {
    if (strict) {
      checkRotation(e, [e.subject], false)
      if (!equalBytes(e.keys!.keyId, s.keyId)) {
        invalid('the invitation does not share the current key')
      }
    } else if (e.keys == null) {
      invalid('a private group entry of this kind must carry the key')
    }
    // an invitation that shared an older key (concurrent rotation) leaves its invitee without the current one
    if (equalBytes(e.keys!.keyId, s.keyId)) {
      next.keyReaders = new Set([...s.keyReaders, e.subjectId])
    }
  }
  if (!isValidMemberKey(e.subject)) {
    invalid('the invitee key is not a valid Ed25519 key')
  }
  ;(next.invited as Map<string, Invitee>).set(e.subjectId, {
    peerId: e.subjectId,
    key: e.subject,
    name: e.memberName,
    by: e.authorId,
    entryId: e.id
  })
}

function join(s: GroupState, e: VerifiedEntry, next: GroupState): void {
  ;(next.invited as Map<string, Invitee>).delete(e.subjectId)
  ;(next.removed as Map<string, string>).delete(e.subjectId)
  // a group everyone left has no owner: whoever joins next (an invitee) takes it over
  ;(next.members as Map<string, Member>).set(e.subjectId, {
    peerId: e.subjectId,
    key: e.subject,
    name: e.memberName,
    role: s.owner === '' ? 'owner' : 'member',
    since: e.seq
  })
  if (s.owner === '') {
    next.owner = e.subjectId
  }
}

/** Whether the current key was sealed for exactly the members and invitees. */
function readersMatch(s: GroupState): boolean {
  const holders = [...s.members.keys(), ...s.invited.keys()]
  return holders.length === s.keyReaders.size && holders.every((p) => s.keyReaders.has(p))
}

/** A new key: at the entry's parents sealed for exactly those who remain; later, readers as sealed. */
function rotate(next: GroupState, e: VerifiedEntry, strict: boolean): void {
  if (strict) {
    checkRotation(e, keyHolders(next), true)
  }
  const keys = e.keys ?? invalid('a private group entry of this kind must carry the key')
  if (keys.keyId.byteLength !== 0) {
    invalid('a rotation introduces a new key')
  }
  next.keyId = keyIdOf(e.id)
  next.keyReaders = new Set(keys.wrapped.map((w) => peerIdOfKey(w.recipient)))
  next.epoch += 1
}

/** When the owner leaves, the longest-standing admin inherits the group, else the longest-standing member. */
function succeed(members: Map<string, Member>): string {
  const bySeniority = [...members.values()].sort(
    (a, b) => a.since - b.since || (a.peerId < b.peerId ? -1 : a.peerId > b.peerId ? 1 : 0)
  )
  const heir = bySeniority.find((m) => m.role === 'admin') ?? bySeniority[0]
  if (heir == null) {
    return ''
  }
  members.set(heir.peerId, { ...heir, role: 'owner' })
  return heir.peerId
}
