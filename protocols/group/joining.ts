import type { AbortOptions } from '@libp2p/interface'
import type { GroupDirectory } from './directory.ts'
import type { GroupEngine } from './engine.ts'
import type { VerifiedEntry } from './entries.ts'
import { InvalidGroupOperationError, NotAuthorizedError, UnknownGroupError, UnknownInviteError } from './errors.ts'
import type { Invitations } from './invitations.ts'
import type { GroupLog } from './log.ts'
import type { Op } from './ops.ts'
import type { GroupRuntime } from './runtime.ts'
import type { Sync } from './sync.ts'

/** What joining a group needs of the group service. */
export interface JoiningComponents {
  readonly engine: GroupEngine
  readonly directory: GroupDirectory
  readonly invitations: Invitations
  readonly sync: Sync
  readonly me: string
  /** our display name, recorded in our JOIN */
  readonly name: string
  signal(options?: AbortOptions): AbortSignal
  act(runtime: GroupRuntime, op: Op): Promise<VerifiedEntry>
}

/** Joins a listed public group: fetches its log from a member, then signs our JOIN. */
export async function joinListed(
  c: JoiningComponents,
  groupId: string,
  options: AbortOptions = {}
): Promise<GroupRuntime> {
  if (c.engine.get(groupId) != null) {
    throw new InvalidGroupOperationError('you are already a member of this group')
  }
  const listing = c.directory.get(groupId)
  if (listing == null) {
    throw new UnknownGroupError('no public group with that id is listed (try /groups)')
  }
  const log = await c.sync.fetchFromAny([...listing.announcers.keys()].reverse(), groupId, c.signal(options))
  if (log.state.private) {
    throw new NotAuthorizedError('that group is private: it is joined by invitation')
  }
  return joinWith(c, log)
}

/** Accepts an invitation: brings its log up to date, signs our JOIN, and starts reading the group. */
export async function acceptInvitation(
  c: JoiningComponents,
  inviteId: string,
  options: AbortOptions = {}
): Promise<GroupRuntime> {
  const inv = c.invitations.get(inviteId)
  if (inv == null) {
    throw new UnknownInviteError(`no pending invitation ${inviteId} (see /invites)`)
  }
  if (c.engine.get(inv.groupId) != null) {
    c.invitations.delete(inv.id)
    throw new InvalidGroupOperationError('you are already a member of this group')
  }
  await c.sync.refresh(inv.log, [inv.from, inv.inviter], c.signal(options))
  if (!inv.log.state.invited.has(c.me)) {
    c.invitations.delete(inv.id)
    throw new InvalidGroupOperationError('this invitation was withdrawn')
  }
  c.invitations.delete(inv.id)
  return joinWith(c, inv.log)
}

/** Declines an invitation and asks the inviter to withdraw it (and the key that came with it). */
export async function declineInvitation(
  c: JoiningComponents,
  inviteId: string,
  options: AbortOptions = {}
): Promise<{ notified: boolean }> {
  const inv = c.invitations.get(inviteId)
  if (inv == null) {
    throw new UnknownInviteError(`no pending invitation ${inviteId} (see /invites)`)
  }
  c.invitations.decline(inv.id)
  return { notified: await c.sync.sendDecline(inv, c.signal(options)) }
}

/** Adopts `log` and signs our JOIN; drops the group again when the JOIN is refused. */
async function joinWith(c: JoiningComponents, log: GroupLog): Promise<GroupRuntime> {
  const runtime = c.engine.adopt(log)
  try {
    await c.act(runtime, { kind: 'join', memberName: c.name })
  } catch (err) {
    c.engine.drop(runtime)
    throw err
  }
  return runtime
}
