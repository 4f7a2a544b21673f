import type { AbortOptions, ComponentLogger } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { toString as bytesToString } from 'uint8arrays/to-string'
import { isValidName } from '../../protocols/common/index.ts'
import {
  type GroupRuntime,
  type GroupService,
  GroupSyncError,
  InvalidGroupOperationError,
  type Role,
  UnknownInviteError
} from '../../protocols/group/index.ts'
import { remember } from '../chat-node-events.ts'
import { JOIN_PRESENCE_WAIT_MS } from '../constants.ts'
import { UnknownUserError } from '../errors.ts'
import type { ChatMessage, EmitChatEvent, SentInfo } from '../events.ts'
import type { MessageArchive } from '../history.ts'
import { resolveUser, type User, userFor, withDisplayNames } from '../users.ts'
import { type ConnectorLibp2p, MemberConnector } from './connector.ts'
import type { GroupRef, InviteInfo } from './events.ts'
import { OnlineWaiters } from './online-waiters.ts'
import { type GroupCandidate, resolveGroup } from './resolve.ts'
import { inviteInfo, wireGroupEvents } from './wire.ts'

/** What groups need of the message history: it applies the account's `groups` retention policy. */
export type GroupHistory = Pick<MessageArchive, 'save' | 'history' | 'contacts'>

/** What Groups need of the node: the group service, the history, who is online, and a way to emit events. */
export interface GroupsComponents {
  service: GroupService
  /** what the member connector dials with */
  libp2p: ConnectorLibp2p
  store: GroupHistory
  /** online users as shown, ourselves first (the node caches them until presence changes) */
  users(): User[]
  /** true for peers the account blocked: their group posts are dropped */
  isBlocked(peerId: string): boolean
  emit: EmitChatEvent
  logger: ComponentLogger
}

/** A group as /groups lists it. */
export interface GroupSummary extends GroupRef {
  description: string
  private: boolean
  members: number
  /** our role; absent for a listed public group we are not in */
  role?: Role
}

/** A member (or invitee) of a group. */
export interface GroupMember extends User {
  role: Role | 'invited'
  online: boolean
  self: boolean
}

/**
 * Groups as ChatNode offers them: groups and users named the way people type them, group messages in the history,
 * and group events on the node. The protocol lives in protocols/group.
 */
export class Groups {
  readonly connector: MemberConnector
  private readonly onlineWaiters = new OnlineWaiters()
  private readonly service: GroupService
  private readonly store: GroupHistory
  private readonly emit: EmitChatEvent
  private readonly users: () => User[]
  /** our PeerId as a string */
  private readonly me: string

  constructor(components: GroupsComponents) {
    const { service, libp2p, store, emit, users } = components
    this.service = service
    this.store = store
    this.emit = emit
    this.users = users
    this.me = libp2p.peerId.toString()
    this.connector = new MemberConnector(
      libp2p,
      service,
      () => users().map((u) => u.peerId),
      components.logger.forComponent('p2pchat:group-connector')
    )
    wireGroupEvents({
      service,
      connector: this.connector,
      me: this.me,
      users,
      isBlocked: (peerId) => components.isBlocked(peerId),
      emit,
      remember: (msg) => this.remember(msg)
    })
  }

  /** A user came online: connect to it if we share a group. */
  userOnline(peerId: string): void {
    this.connector.userOnline(peerId)
    this.onlineWaiters.online(peerId)
  }

  /** Creates a group with us as owner. */
  async create(name: string, opts: { private?: boolean; description?: string } = {}): Promise<GroupSummary> {
    return this.summary(await this.service.create(name, opts))
  }

  /** Our groups, then the public groups we know of and are not in. */
  list(): GroupSummary[] {
    const mine = this.service.groups().map((r) => this.summary(r))
    const listed = this.service
      .listed()
      .filter((g) => this.service.group(g.groupId) == null)
      .map((g) => ({
        id: g.groupId,
        name: g.name,
        description: g.description,
        private: false,
        members: g.members
      }))
    const byName = (a: GroupSummary, b: GroupSummary): number =>
      a.name.localeCompare(b.name) || a.id.localeCompare(b.id)
    return [...mine.sort(byName), ...listed.sort(byName)]
  }

  /** Joins a public group by id, name or id prefix, among those listed. */
  async join(query: string, options: AbortOptions = {}): Promise<GroupSummary> {
    const candidates = this.service.listed().map((g) => ({ id: g.groupId, name: g.name }))
    const mine = this.service.groups().map((r) => ({ id: r.id, name: r.state.name }))
    let target: GroupCandidate
    try {
      target = resolveGroup(query, candidates, 'public group')
    } catch (err) {
      if (mine.some((g) => g.id === query || g.name === query)) {
        throw new InvalidGroupOperationError('you are already a member of that group')
      }
      throw err
    }
    try {
      return this.summary(await this.service.join(target.id, options))
    } catch (err) {
      if (!(err instanceof GroupSyncError) || !(await this.announcerComesOnline(target.id, options))) {
        throw err
      }
      return this.summary(await this.service.join(target.id, options))
    }
  }

  /**
   * True when one of a listed group's announcers, none of whom is online now, comes online within
   * JOIN_PRESENCE_WAIT_MS: its listing arrived before its presence, and the join may be tried again.
   */
  private async announcerComesOnline(groupId: string, options: AbortOptions): Promise<boolean> {
    const listing = this.service.listed().find((g) => g.groupId === groupId)
    const announcers = new Set(listing?.announcers.keys() ?? [])
    const online = new Set(this.users().map((u) => u.peerId))
    if (announcers.size === 0 || [...announcers].some((peer) => online.has(peer))) {
      return false
    }
    return this.onlineWaiters.any(announcers, JOIN_PRESENCE_WAIT_MS, options.signal)
  }

  async leave(query: string): Promise<GroupRef> {
    const runtime = this.resolve(query)
    const ref = this.ref(runtime)
    await this.service.leave(runtime.id)
    return ref
  }

  /**
   * Members and pending invitees of one of our groups: owner first, then admins, members, invitees; with the key
   * generation (`epoch`, keys introduced so far) and the current key's id (hex; empty in public groups), so that
   * members can tell whether they agree on the group's state.
   */
  members(query: string): { group: GroupRef; members: GroupMember[]; epoch: number; keyId: string } {
    const runtime = this.resolve(query)
    const online = new Map(this.users().map((u) => [u.peerId, u.name]))
    const me = this.me
    const s = runtime.state
    const all = [
      ...[...s.members.values()].map((m) => ({ peerId: m.peerId, name: online.get(m.peerId) ?? m.name, role: m.role })),
      ...[...s.invited.values()].map((i) => ({
        peerId: i.peerId,
        name: online.get(i.peerId) ?? i.name,
        role: 'invited' as const
      }))
    ]
    const order = { owner: 0, admin: 1, member: 2, invited: 3 }
    const named = withDisplayNames(all)
    const members = all
      .map((m, i) => ({ ...named[i], role: m.role, online: online.has(m.peerId), self: m.peerId === me }))
      .sort((a, b) => order[a.role] - order[b.role] || a.displayName.localeCompare(b.displayName))
    return { group: this.ref(runtime), members, epoch: s.epoch, keyId: bytesToString(s.keyId, 'base16') }
  }

  /** Posts `text` to a group. Emits `sent`. */
  async send(query: string, text: string): Promise<SentInfo> {
    const runtime = this.resolve(query)
    const { post, recipients } = await this.service.send(runtime.id, text)
    const group = this.ref(runtime)
    const sent: SentInfo = { id: post.id, scope: 'group', group, text, ts: post.ts, recipients }
    await this.remember({ id: post.id, scope: 'group', group, from: this.users()[0], text, ts: post.ts })
    this.emit('sent', sent)
    return sent
  }

  /** Invites an online user (or anyone, by PeerId). The invitation reaches them now, or when they next connect. */
  async invite(
    query: string,
    userQuery: string,
    options: AbortOptions = {}
  ): Promise<{ group: GroupRef; user: User; delivered: boolean }> {
    const runtime = this.resolve(query)
    const user = await this.invitee(userQuery)
    if (user.peerId === this.me) {
      throw new InvalidGroupOperationError('you are already in your group')
    }
    const { delivered } = await this.service.invite(runtime.id, user.peerId, user.name, options)
    return { group: this.ref(runtime), user, delivered }
  }

  /** Pending invitations for us. */
  invites(): InviteInfo[] {
    return this.service.invitations.list().map((inv) => this.inviteInfo(inv.id)!)
  }

  /** Ids that /accept and /decline take for invitations. */
  inviteIds(): string[] {
    return this.service.invitations.ids()
  }

  async accept(inviteId: string, options: AbortOptions = {}): Promise<GroupSummary> {
    return this.summary(await this.service.accept(inviteId, options))
  }

  async decline(inviteId: string, options: AbortOptions = {}): Promise<{ group: GroupRef; notified: boolean }> {
    const info = this.inviteInfo(inviteId)
    if (info == null) {
      throw new UnknownInviteError(`no pending invitation ${inviteId} (see /invites)`)
    }
    const { notified } = await this.service.decline(inviteId, options)
    return { group: { id: info.group.id, name: info.group.name }, notified }
  }

  async remove(query: string, userQuery: string): Promise<{ group: GroupRef; user: User }> {
    return this.onMember(query, userQuery, (id, peerId) => this.service.remove(id, peerId))
  }

  async promote(query: string, userQuery: string): Promise<{ group: GroupRef; user: User }> {
    return this.onMember(query, userQuery, (id, peerId) => this.service.promote(id, peerId))
  }

  async demote(query: string, userQuery: string): Promise<{ group: GroupRef; user: User }> {
    return this.onMember(query, userQuery, (id, peerId) => this.service.demote(id, peerId))
  }

  /** Renames a group and/or changes its description (owner only). */
  async edit(query: string, changes: { name?: string; description?: string }): Promise<GroupSummary> {
    const runtime = this.resolve(query)
    await this.service.edit(runtime.id, changes)
    return this.summary(runtime)
  }

  /** Rotates the key of a private group (owner and admins). */
  async rekey(query: string): Promise<GroupRef> {
    const runtime = this.resolve(query)
    await this.service.rekey(runtime.id)
    return this.ref(runtime)
  }

  /** Stored messages of one of our groups, oldest first. */
  async history(query: string, limit = 50): Promise<ChatMessage[]> {
    const runtime = this.resolve(query)
    const group = this.ref(runtime)
    const stored = await this.store.history(runtime.id, limit)
    return stored.map((m) => ({
      id: m.id,
      scope: 'group',
      group,
      from: this.userFor(m.fromPeerId, m.fromName),
      text: m.text,
      ts: m.ts
    }))
  }

  /** One of our groups by id, name#idprefix, name or id prefix. */
  resolve(query: string): GroupRuntime {
    const candidates = this.service.groups().map((r) => ({ id: r.id, name: r.state.name, runtime: r }))
    return resolveGroup(query, candidates).runtime
  }

  stop(): void {
    this.connector.stop()
  }

  private async onMember(
    query: string,
    userQuery: string,
    fn: (groupId: string, peerId: string) => Promise<void>
  ): Promise<{ group: GroupRef; user: User }> {
    const runtime = this.resolve(query)
    const user = this.member(runtime, userQuery)
    await fn(runtime.id, user.peerId)
    return { group: this.ref(runtime), user }
  }

  /** A member or invitee of the group, by name (online or not), name#suffix or PeerId. */
  private member(runtime: GroupRuntime, query: string): User {
    return resolveUser(query, this.members(runtime.id).members)
  }

  /** An online user, or anyone by full PeerId (named as in our contacts when we met them before). */
  private async invitee(query: string): Promise<User> {
    try {
      return resolveUser(query, this.users())
    } catch (err) {
      if (!(err instanceof UnknownUserError) || !isEd25519PeerId(query)) {
        throw err
      }
    }
    const contact = (await this.store.contacts()).find((c) => c.peerId === query)
    const name = contact != null && isValidName(contact.name) ? contact.name : `peer-${query.slice(-6)}`
    return { peerId: query, name, displayName: name }
  }

  private inviteInfo(id: string): InviteInfo | undefined {
    const inv = this.service.invitations.get(id)
    if (inv == null) {
      return undefined
    }
    return inviteInfo(inv, this.userFor(inv.inviter, inv.inviterName))
  }

  private summary(runtime: GroupRuntime): GroupSummary {
    const s = runtime.state
    return {
      id: s.groupId,
      name: s.name,
      description: s.description,
      private: s.private,
      members: s.members.size,
      role: s.members.get(this.me)?.role ?? 'member'
    }
  }

  private ref(runtime: GroupRuntime): GroupRef {
    return { id: runtime.id, name: runtime.state.name }
  }

  private userFor(peerId: string, fallbackName: string): User {
    return userFor(this.users(), peerId, fallbackName)
  }

  private async remember(msg: ChatMessage): Promise<void> {
    await remember(this.store, this.emit, msg, msg.group!.id)
  }
}

function isEd25519PeerId(text: string): boolean {
  try {
    return peerIdFromString(text).type === 'Ed25519'
  } catch {
    return false
  }
}
