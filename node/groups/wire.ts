import type { GroupService, GroupServiceEvents, Invitation } from '../../protocols/group/index.ts'
import { errorCode } from '../errors.ts'
import type { ChatMessage, EmitChatEvent } from '../events.ts'
import { type User, userFor } from '../users.ts'
import type { MemberConnector } from './connector.ts'
import type { InviteInfo } from './events.ts'

/** What the group event wiring needs: the service it listens to and narrow views of the node. */
export interface GroupEventsComponents {
  /** the group service's events, and its groups to name them by */
  service: Pick<GroupService, 'addEventListener' | 'group'>
  connector: Pick<MemberConnector, 'groupChanged'>
  /** our PeerId as a string */
  me: string
  /** online users as shown, ourselves first (the node caches them until presence changes) */
  users(): User[]
  isBlocked(peerId: string): boolean
  emit: EmitChatEvent
  /** stores a group message in the history; never rejects */
  remember(msg: ChatMessage): Promise<void>
}

/** An invitation as ChatNode events and /invites show it; `from` is its signer as currently displayed. */
export function inviteInfo(inv: Invitation, from: User): InviteInfo {
  return {
    id: inv.id,
    group: {
      id: inv.groupId,
      name: inv.name,
      description: inv.description,
      private: inv.private,
      members: inv.members
    },
    from,
    ts: inv.at
  }
}

/** Turns the group service's events into ChatNode events, and keeps members connected. */
export function wireGroupEvents(components: GroupEventsComponents): void {
  const { service, emit } = components
  const user = (peerId: string, fallbackName: string): User => userFor(components.users(), peerId, fallbackName)
  const nameIn = (groupId: string, peerId: string, fallback: string): string => {
    const s = service.group(groupId)?.state
    return s?.members.get(peerId)?.name ?? s?.invited.get(peerId)?.name ?? fallback
  }

  service.addEventListener('post', (evt) => {
    const { groupId, from, post, catchUp } = evt.detail
    // a blocked member cannot connect to us, but its posts still arrive through the other members
    if (components.isBlocked(from)) {
      return
    }
    const runtime = service.group(groupId)
    const msg: ChatMessage = {
      id: post.id,
      scope: 'group',
      group: { id: groupId, name: runtime?.state.name ?? '' },
      from: user(from, nameIn(groupId, from, post.senderName)),
      text: post.text,
      ts: post.ts,
      ...(catchUp ? { catchUp } : {})
    }
    void components.remember(msg)
    emit('message', msg)
  })

  service.addEventListener('change', (evt) => emitChange(components, evt.detail))

  service.addEventListener('invite', (evt) => {
    const inv = evt.detail
    emit('invite', inviteInfo(inv, user(inv.inviter, inv.inviterName)))
  })

  service.addEventListener('rejected', (evt) => {
    const { groupId, peer, error } = evt.detail
    const where = groupId == null ? '' : ` in group ${service.group(groupId)?.state.name ?? groupId}`
    const who = user(peer, peer).displayName
    emit('error', { code: errorCode(error), message: `refused from ${who}${where}: ${error.message}`, peerId: peer })
  })

  service.addEventListener('failure', (evt) => {
    const { error, message } = evt.detail
    emit('error', {
      code: errorCode(error),
      message: `${message}: ${error instanceof Error ? error.message : String(error)}`
    })
  })
}

/** One membership or metadata change of a group as the ChatNode event that front ends render. */
function emitChange(components: GroupEventsComponents, detail: GroupServiceEvents['change']['detail']): void {
  const { service, connector, me, emit } = components
  const user = (peerId: string, fallbackName: string): User => userFor(components.users(), peerId, fallbackName)
  const by = (peerId: string | undefined): { by?: User } =>
    peerId == null || peerId === me ? {} : { by: user(peerId, '') }
  const { change: c, group: g } = detail
  const group = { id: g.id, name: g.name }
  switch (c.type) {
    case 'joined': {
      const role = service.group(c.groupId)?.state.members.get(me)?.role ?? 'member'
      emit('group-joined', { group, private: g.private, role, ...by(c.by) })
      connector.groupChanged(c.groupId)
      return
    }
    case 'left':
      emit('group-left', { group, reason: c.reason, ...by(c.by) })
      return
    case 'member-added':
      // a member who joined by itself was added by nobody else
      emit('member-added', { group, member: user(c.member, c.name), ...by(c.by === c.member ? undefined : c.by) })
      connector.groupChanged(c.groupId)
      return
    case 'member-invited':
      emit('member-invited', { group, member: user(c.member, c.name), ...by(c.by) })
      connector.groupChanged(c.groupId)
      return
    case 'member-removed':
      emit('member-removed', {
        group,
        member: user(c.member, c.name),
        reason: c.reason,
        ...by(c.by === c.member ? undefined : c.by)
      })
      return
    case 'role':
      emit('member-role', { group, member: user(c.member, c.name), role: c.role, ...by(c.by) })
      return
    case 'meta':
      emit('group-updated', { group: { id: c.groupId, name: c.name }, description: c.description, ...by(c.by) })
      return
    case 'rekey':
      emit('group-rekeyed', { group, epoch: c.epoch, ...by(c.by) })
      return
  }
}
