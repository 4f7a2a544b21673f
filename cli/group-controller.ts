import type { ChatNode } from '../node/chat-node.ts'
import type { OnChatEvent } from '../node/events.ts'
import type { GroupRef } from '../node/groups/events.ts'
import { resolveOffer } from '../node/offers.ts'
import type { User } from '../node/users.ts'
import { INVITE_ID_PREFIX } from '../protocols/group/index.ts'
import type { GroupCommand } from './group-commands.ts'
import type { OutputEvent } from './output.ts'

const ref = (u: User): { peerId: string; name: string } => ({ peerId: u.peerId, name: u.name })
const byRef = (u: User | undefined): { by?: { peerId: string; name: string } } => (u == null ? {} : { by: ref(u) })

/**
 * Runs group commands against ChatNode and turns its group events into OutputEvents; also keeps the current room,
 * where plain text goes. Used by the ChatController, so every mode behaves the same.
 */
export class GroupCommands {
  /** the group plain text goes to; undefined is the lobby */
  room?: GroupRef

  constructor(
    private readonly node: ChatNode,
    private readonly emit: (event: OutputEvent) => void,
    private readonly track: (op: Promise<unknown>) => void
  ) {}

  /** Forwards the node's group events. */
  attach(on: OnChatEvent): void {
    const { emit } = this
    on('group-joined', ({ detail: d }) =>
      emit({ type: 'group-joined', group: d.group, private: d.private, role: d.role, ...byRef(d.by) })
    )
    on('group-left', ({ detail: d }) => {
      if (this.room?.id === d.group.id) {
        this.room = undefined
      }
      emit({ type: 'group-left', group: d.group, reason: d.reason, ...byRef(d.by) })
    })
    on('member-added', ({ detail: d }) =>
      emit({ type: 'member-added', group: d.group, member: ref(d.member), ...byRef(d.by) })
    )
    on('member-invited', ({ detail: d }) =>
      emit({ type: 'member-invited', group: d.group, member: ref(d.member), ...byRef(d.by) })
    )
    on('member-removed', ({ detail: d }) =>
      emit({ type: 'member-removed', group: d.group, member: ref(d.member), reason: d.reason, ...byRef(d.by) })
    )
    on('member-role', ({ detail: d }) =>
      emit({ type: 'member-role', group: d.group, member: ref(d.member), role: d.role, ...byRef(d.by) })
    )
    on('group-updated', ({ detail: d }) => {
      if (this.room?.id === d.group.id) {
        this.room = d.group
      }
      emit({ type: 'group-updated', group: d.group, description: d.description, ...byRef(d.by) })
    })
    on('group-rekeyed', ({ detail: d }) =>
      emit({ type: 'group-rekeyed', group: d.group, epoch: d.epoch, ...byRef(d.by) })
    )
    on('invite', ({ detail: d }) => emit({ type: 'invite', id: d.id, group: d.group, from: ref(d.from), ts: d.ts }))
  }

  /** Sends plain text to the current room; false when that is the lobby. */
  sendToRoom(text: string): boolean {
    if (this.room == null) {
      return false
    }
    this.track(this.node.groups.send(this.room.id, text))
    return true
  }

  /**
   * Whether an /accept or /decline id is an invitation's: invitation ids start with 'i', file transfer ids are
   * hex, so the first letter decides and each kind keeps its own 'unknown id' error.
   */
  isInviteId(query: string): boolean {
    return query.trim().startsWith(INVITE_ID_PREFIX)
  }

  run(command: GroupCommand): void {
    const { node, emit, track } = this
    const groups = node.groups
    switch (command.type) {
      case 'group-create':
        track(groups.create(command.name, { private: command.private, description: command.description }))
        return
      case 'group-edit':
        track(groups.edit(command.group, { name: command.name, description: command.description }))
        return
      case 'group-rekey':
        track(groups.rekey(command.group))
        return
      case 'groups':
        emit({ type: 'groups', groups: groups.list() })
        return
      case 'join':
        track(groups.join(command.group))
        return
      case 'leave':
        track(groups.leave(command.group))
        return
      case 'members':
        track(this.listMembers(command.group))
        return
      case 'group-send':
        track(groups.send(command.group, command.text))
        return
      case 'room':
        track(this.switchRoom(command.group))
        return
      case 'invite':
        track(
          groups.invite(command.group, command.user).then(({ group, user, delivered }) => {
            emit({ type: 'invite-sent', group, to: ref(user), delivered })
          })
        )
        return
      case 'invites':
        this.listInvites()
        return
      case 'accept':
      case 'decline':
        track(this.answer(command.type, command.id))
        return
      case 'member-op':
        track(groups[command.op](command.group, command.user))
        return
    }
  }

  private async listMembers(query: string): Promise<void> {
    const { group, members, epoch, keyId } = this.node.groups.members(query)
    this.emit({
      type: 'members',
      group,
      epoch,
      keyId,
      members: members.map((m) => ({
        ...ref(m),
        displayName: m.displayName,
        role: m.role,
        online: m.online,
        self: m.self
      }))
    })
  }

  /** /room with a group switches to it (or to the lobby); without, it says which room is current. */
  private async switchRoom(query: string | undefined): Promise<void> {
    if (query != null) {
      // 'lobby' always means the lobby: a group of that name is reached by its id
      const runtime = query.toLowerCase() === 'lobby' ? undefined : this.node.groups.resolve(query)
      this.room = runtime == null ? undefined : { id: runtime.id, name: runtime.state.name }
    }
    this.emit({ type: 'room', room: this.room ?? null })
  }

  private listInvites(): void {
    this.emit({
      type: 'invites',
      invites: this.node.groups.invites().map((i) => ({
        id: i.id,
        group: { id: i.group.id, name: i.group.name, private: i.group.private },
        from: ref(i.from),
        ts: i.ts
      }))
    })
  }

  /**
   * /accept and /decline take an id of anything waiting for an answer; resolveOffer finds which kind it is, so that
   * other kinds of offers (files) can share the commands.
   */
  private async answer(verb: 'accept' | 'decline', query: string): Promise<void> {
    const groups = this.node.groups
    const { id } = resolveOffer(query, [{ kind: 'invite', ids: groups.inviteIds() }])
    if (verb === 'accept') {
      await groups.accept(id)
      return
    }
    const { group, notified } = await groups.decline(id)
    this.emit({ type: 'invite-declined', id, group, notified })
  }
}
