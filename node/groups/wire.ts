import type { GroupService, Invitation } from '../../protocols/group/index.ts'
import type { ChatNode } from '../chat-node.ts'
import { errorCode } from '../errors.ts'
import type { ChatMessage } from '../events.ts'
import { type User, withDisplayNames } from '../users.ts'
import type { MemberConnector } from './connector.ts'
import type { InviteInfo } from './events.ts'

/**
 * Who is online, as ChatNode.users() says, remembered until presence changes: display names are worked out over
 * all pairs of users, too much to redo for every group message.
 */
const onlineCache = new WeakMap<ChatNode, User[]>()

function onlineUsers(node: ChatNode): User[] {
  let users = onlineCache.get(node)
  if (users == null) {
    users = node.users()
    onlineCache.set(node, users)
    const forget = (): void => {
      onlineCache.delete(node)
      node.removeEventListener('join', forget)
      node.removeEventListener('leave', forget)
    }
    node.addEventListener('join', forget)
    node.addEventListener('leave', forget)
  }
  return users
}

/** The user as displayed now (with a suffix when its name is shared), falling back to the name a group knows. */
export function userFor(node: ChatNode, peerId: string, fallbackName: string): User {
  const users = onlineUsers(node)
  return (
    users.find((u) => u.peerId === peerId) ??
    withDisplayNames([...users, { peerId, name: fallbackName }]).at(-1) ?? {
      peerId,
      name: fallbackName,
      displayName: fallbackName
    }
  )
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
export function wireGroupEvents(
  node: ChatNode,
  service: GroupService,
  connector: MemberConnector,
  remember: (msg: ChatMessage) => Promise<void>
): void {
  const me = (): string => node.peerId.toString()
  const by = (peerId: string | undefined): { by?: User } =>
    peerId == null || peerId === me() ? {} : { by: userFor(node, peerId, '') }
  const nameIn = (groupId: string, peerId: string, fallback: string): string => {
    const s = service.group(groupId)?.state
    return s?.members.get(peerId)?.name ?? s?.invited.get(peerId)?.name ?? fallback
  }

  service.addEventListener('post', (evt) => {
    const { groupId, from, post } = evt.detail
    const runtime = service.group(groupId)
    const msg: ChatMessage = {
      id: post.id,
      scope: 'group',
      group: { id: groupId, name: runtime?.state.name ?? '' },
      from: userFor(node, from, nameIn(groupId, from, post.senderName)),
      text: post.text,
      ts: post.ts
    }
    void remember(msg)
    node.safeDispatchEvent('message', { detail: msg })
  })

  service.addEventListener('change', (evt) => {
    const { change: c, group: g } = evt.detail
    const group = { id: g.id, name: g.name }
    const member = (peerId: string, name: string): User => userFor(node, peerId, name)
    switch (c.type) {
      case 'joined': {
        const role = service.group(c.groupId)?.state.members.get(me())?.role ?? 'member'
        node.safeDispatchEvent('group-joined', { detail: { group, private: g.private, role, ...by(c.by) } })
        connector.groupChanged(c.groupId)
        return
      }
      case 'left':
        node.safeDispatchEvent('group-left', { detail: { group, reason: c.reason, ...by(c.by) } })
        return
      case 'member-added':
        // a member who joined by itself was added by nobody else
        node.safeDispatchEvent('member-added', {
          detail: { group, member: member(c.member, c.name), ...by(c.by === c.member ? undefined : c.by) }
        })
        connector.groupChanged(c.groupId)
        return
      case 'member-invited':
        node.safeDispatchEvent('member-invited', { detail: { group, member: member(c.member, c.name), ...by(c.by) } })
        connector.groupChanged(c.groupId)
        return
      case 'member-removed':
        node.safeDispatchEvent('member-removed', {
          detail: {
            group,
            member: member(c.member, c.name),
            reason: c.reason,
            ...by(c.by === c.member ? undefined : c.by)
          }
        })
        return
      case 'role':
        node.safeDispatchEvent('member-role', {
          detail: { group, member: member(c.member, c.name), role: c.role, ...by(c.by) }
        })
        return
      case 'meta':
        node.safeDispatchEvent('group-updated', {
          detail: { group: { id: c.groupId, name: c.name }, description: c.description, ...by(c.by) }
        })
        return
      case 'rekey':
        node.safeDispatchEvent('group-rekeyed', { detail: { group, epoch: c.epoch, ...by(c.by) } })
        return
    }
  })

  service.addEventListener('invite', (evt) => {
    const inv = evt.detail
    node.safeDispatchEvent('invite', { detail: inviteInfo(inv, userFor(node, inv.inviter, inv.inviterName)) })
  })

  service.addEventListener('rejected', (evt) => {
    const { groupId, peer, error } = evt.detail
    const where = groupId == null ? '' : ` in group ${service.group(groupId)?.state.name ?? groupId}`
    const who = userFor(node, peer, peer).displayName
    node.safeDispatchEvent('error', {
      detail: { code: errorCode(error), message: `refused from ${who}${where}: ${error.message}`, peerId: peer }
    })
  })

  service.addEventListener('failure', (evt) => {
    const { error, message } = evt.detail
    node.safeDispatchEvent('error', {
      detail: {
        code: errorCode(error),
        message: `${message}: ${error instanceof Error ? error.message : String(error)}`
      }
    })
  })

  node.addEventListener('join', (evt) => connector.userOnline(evt.detail.peerId))
}
