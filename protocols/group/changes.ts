import type { VerifiedEntry } from './entries.ts'
import type { GroupState, Role } from './state.ts'

/** A change to a group, as members see it. `by` is the PeerId of whoever made it, when known. */
export type GroupChange =
  | { type: 'joined'; groupId: string; by?: string }
  | { type: 'left'; groupId: string; reason: 'left' | 'removed'; by?: string }
  | { type: 'member-added'; groupId: string; member: string; name: string; by?: string }
  | { type: 'member-invited'; groupId: string; member: string; name: string; by?: string }
  | {
      type: 'member-removed'
      groupId: string
      member: string
      name: string
      reason: 'removed' | 'left' | 'uninvited'
      by?: string
    }
  | { type: 'role'; groupId: string; member: string; name: string; role: Role; by?: string }
  | { type: 'meta'; groupId: string; name: string; description: string; by?: string }
  | { type: 'rekey'; groupId: string; epoch: number; by?: string }

function nameIn(s: GroupState, peerId: string): string {
  return s.members.get(peerId)?.name ?? s.invited.get(peerId)?.name ?? ''
}

/** The changes one applied entry made, seen by `me`. */
export function changesOf(before: GroupState, e: VerifiedEntry, after: GroupState, me: string): GroupChange[] {
  const groupId = after.groupId
  const by = e.authorId
  const out: GroupChange[] = []
  const change = entryChange(before, e, after, me)
  if (change != null) {
    out.push(change)
  }
  if (after.owner !== before.owner && after.owner !== '') {
    out.push(roleChange(after, after.owner, by))
  }
  // a removed member hears of its removal, not of the key it no longer gets (one signing its JOIN again does)
  if (after.epoch > before.epoch && e.kind !== 'create' && (after.members.has(me) || after.invited.has(me))) {
    out.push({ type: 'rekey', groupId, epoch: after.epoch, by })
  }
  return out
}

/** The change an entry's kind describes, if any: create and rekey have none of their own. */
function entryChange(before: GroupState, e: VerifiedEntry, after: GroupState, me: string): GroupChange | undefined {
  const groupId = after.groupId
  const by = e.authorId
  switch (e.kind) {
    case 'invite':
      return { type: 'member-invited', groupId, member: e.subjectId, name: e.memberName, by }
    case 'join':
      return e.subjectId === me
        ? { type: 'joined', groupId, by }
        : { type: 'member-added', groupId, member: e.subjectId, name: e.memberName, by }
    case 'leave':
      return departure(before, e, groupId, me, 'left', 'left')
    case 'remove':
      return departure(before, e, groupId, me, 'removed', before.invited.has(e.subjectId) ? 'uninvited' : 'removed')
    case 'promote':
    case 'demote':
      return roleChange(after, e.subjectId, by)
    case 'meta':
      return { type: 'meta', groupId, name: e.name, description: e.description, by }
    case 'create':
    case 'rekey':
      return undefined
  }
}

/** A member or invitee going away: `left` for ourselves, `member-removed` as the others see it. */
function departure(
  before: GroupState,
  e: VerifiedEntry,
  groupId: string,
  me: string,
  ownReason: 'left' | 'removed',
  othersReason: 'removed' | 'left' | 'uninvited'
): GroupChange {
  const by = e.authorId
  return e.subjectId === me
    ? { type: 'left', groupId, reason: ownReason, by }
    : {
        type: 'member-removed',
        groupId,
        member: e.subjectId,
        name: nameIn(before, e.subjectId),
        reason: othersReason,
        by
      }
}

function roleChange(s: GroupState, peerId: string, by: string | undefined): GroupChange {
  const m = s.members.get(peerId)
  return { type: 'role', groupId: s.groupId, member: peerId, name: m?.name ?? '', role: m?.role ?? 'member', by }
}

/**
 * The changes between two states of a group, for when concurrent branches met and the resolved state moved by more
 * than the new entries. `appended` (the new entries) names who made each change where one of them explains it.
 */
export function diffStates(
  before: GroupState,
  after: GroupState,
  me: string,
  appended: readonly VerifiedEntry[] = []
): GroupChange[] {
  const groupId = after.groupId
  const out: GroupChange[] = []
  const last = (kinds: VerifiedEntry['kind'][], subject?: string): string | undefined =>
    appended.findLast((e) => kinds.includes(e.kind) && (subject == null || e.subjectId === subject))?.authorId
  // an invitee whose JOIN is on its way is still in the group
  const stillIn = after.members.has(me) || after.invited.has(me)
  for (const [peerId, m] of after.members) {
    const old = before.members.get(peerId)
    if (old == null) {
      const by = last(['join'], peerId)
      out.push(
        peerId === me
          ? { type: 'joined', groupId, by }
          : { type: 'member-added', groupId, member: peerId, name: m.name, by }
      )
    } else if (old.role !== m.role) {
      out.push(roleChange(after, peerId, last(['promote', 'demote', 'leave'], m.role === 'owner' ? undefined : peerId)))
    }
  }
  for (const [peerId, i] of after.invited) {
    if (!before.invited.has(peerId) && peerId !== me) {
      out.push({ type: 'member-invited', groupId, member: peerId, name: i.name, by: last(['invite'], peerId) })
    }
  }
  for (const [peerId, m] of before.members) {
    if (after.members.has(peerId) || (peerId === me && stillIn)) {
      continue
    }
    const reason = after.removed.has(peerId) ? 'removed' : 'left'
    const by = last(['remove', 'leave'], peerId)
    out.push(
      peerId === me
        ? { type: 'left', groupId, reason, by }
        : { type: 'member-removed', groupId, member: peerId, name: m.name, reason, by }
    )
  }
  for (const [peerId, i] of before.invited) {
    if (!after.invited.has(peerId) && !after.members.has(peerId)) {
      const by = last(['remove'], peerId)
      out.push({ type: 'member-removed', groupId, member: peerId, name: i.name, reason: 'uninvited', by })
    }
  }
  if (before.name !== after.name || before.description !== after.description) {
    out.push({ type: 'meta', groupId, name: after.name, description: after.description, by: last(['meta']) })
  }
  if (after.epoch !== before.epoch && stillIn) {
    out.push({ type: 'rekey', groupId, epoch: after.epoch, by: last(['create', 'remove', 'rekey']) })
  }
  return out
}
