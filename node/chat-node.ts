import type { AbortOptions, PeerId } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import type { AdminReply } from '../protocols/admin/index.ts'
import { validateText } from '../protocols/common/index.ts'
import type { DeletionService } from '../protocols/deletion/index.ts'
import type { DirectMessages } from '../protocols/dm/index.ts'
import type { LobbyService } from '../protocols/lobby/index.ts'
import type { PresenceService } from '../protocols/presence/index.ts'
import type { Account } from './account/account.ts'
import type { AccountControls, BlockedInfo } from './account/controls.ts'
import type { WipeResult } from './account/wipe.ts'
import { AutoDialer } from './auto-dialer.ts'
import type { BlockedPeer } from './blocklist.ts'
import { CatchUpNode } from './catchup/catch-up.ts'
import { assembleChatNode, type ChatNodeInit, type ChatNodeParts } from './chat-node-create.ts'
import { remember, wireChatNodeEvents } from './chat-node-events.ts'
import type { Direct } from './direct/assemble.ts'
import { resolveContact } from './direct/contacts.ts'
import type { SendOutcome } from './direct/secure-dms.ts'
import { wireDirect } from './direct/wire.ts'
import type { Route } from './direct-upgrade.ts'
import { ErrorEventLimiter } from './error-limit.ts'
import { NotStartedError, UnknownUserError } from './errors.ts'
import type { ChatEvents, ChatMessage, EmitChatEvent, PurgeCounts, QueuedDm, RelayStatus, SentInfo } from './events.ts'
import { Groups } from './groups/groups.ts'
import type { MessageArchive } from './history.ts'
import type { ChatLibp2p } from './libp2p.ts'
import type { RelayClient } from './relay-client.ts'
import type { RetentionSettings } from './retention.ts'
import type { TransferInfo } from './transfers/events.ts'
import { TransferManager } from './transfers/manager.ts'
import { resolveRecipient, resolveUser, type User, userFor, withDisplayNames } from './users.ts'

export type { ChatNodeInit } from './chat-node-create.ts'

/** A p2pchat peer: the core API the terminal client drives (the relay assembles its own node in relay/). */
export class ChatNode extends TypedEventEmitter<ChatEvents> {
  readonly name: string
  readonly libp2p: ChatLibp2p
  readonly account: Account
  private readonly archive: MessageArchive
  private readonly controls: AccountControls
  private readonly deletion: DeletionService
  /** public and private groups */
  readonly groups: Groups
  private readonly lobby: LobbyService
  /** asks peers for the lobby and group messages we missed */
  private readonly catchUp: CatchUpNode
  private readonly presence: PresenceService
  private readonly dms: DirectMessages
  private readonly relayClient: RelayClient
  private readonly dialer: AutoDialer
  /** end-to-end sessions, the outbox and relay mail */
  private readonly direct: Direct
  /** file transfers: offers, downloads, uploads */
  readonly transfers: TransferManager
  private running = false
  private destroying?: Promise<WipeResult & { notified: number }>
  private userCache?: User[]
  /** every `error` event passes here, whichever part raised it: a hostile peer cannot flood the front end */
  private readonly errorLimiter = new ErrorEventLimiter((event) => this.dispatchUnlimited(event))
  /** safeDispatchEvent in the shape the event wiring and the account controls call */
  private readonly emit: EmitChatEvent = (type, detail) => {
    this.safeDispatchEvent(type, { detail })
  }

  private constructor({
    name,
    libp2p,
    archive,
    controls,
    bootstrap,
    transfers,
    direct,
    lanDiscoveries
  }: ChatNodeParts) {
    super()
    this.name = name
    this.libp2p = libp2p
    this.account = controls.account
    this.archive = archive
    this.controls = controls
    this.deletion = libp2p.services.deletion
    this.lobby = libp2p.services.lobby
    this.presence = libp2p.services.presence
    this.dms = libp2p.services.dm
    this.relayClient = libp2p.services.relayClient
    this.direct = direct
    this.dialer = new AutoDialer(libp2p, { bootstrap, discoveries: lanDiscoveries })
    this.transfers = new TransferManager(transfers, {
      service: libp2p.services.file,
      events: libp2p,
      peers: {
        onlineName: (peerId) => this.users().find((u) => u.peerId === peerId)?.displayName,
        // someone we share a group with is no stranger: its offers win over a flood of new PeerIds
        isKnown: (peerId) => libp2p.services.groups.sharesGroupWith(peerId)
      },
      log: libp2p.logger.forComponent('p2pchat:transfers')
    })
    this.groups = new Groups({
      service: libp2p.services.groups,
      libp2p,
      store: archive,
      users: () => this.users(),
      isBlocked: (peerId) => this.isBlocked(peerId),
      emit: this.emit,
      logger: libp2p.logger
    })
    this.addEventListener('join', (evt) => this.groups.userOnline(evt.detail.peerId))
    this.catchUp = new CatchUpNode({
      me: libp2p.peerId.toString(),
      service: libp2p.services.catchUp,
      pubsub: libp2p.services.pubsub,
      lobby: this.lobby,
      presence: libp2p.services.presence,
      groups: libp2p.services.groups,
      history: archive,
      relays: () => this.relayClient.relayPeers,
      emit: this.emit,
      logger: libp2p.logger
    })
    wireChatNodeEvents({
      lobby: this.lobby,
      dms: this.dms,
      presence: this.presence,
      deletion: this.deletion,
      relayClient: this.relayClient,
      catchUp: this.catchUp,
      directUpgrade: libp2p.services.directUpgrade,
      file: libp2p.services.file,
      transfers: this.transfers.book,
      controls,
      archive,
      contactRelays: direct.contactRelays,
      users: () => this.users(),
      invalidateUsers: () => this.invalidateUsers(),
      emit: this.emit
    })
    wireDirect(direct, { relayClient: this.relayClient, node: this })
  }

  /** Loads (or creates) the account and store and assembles the peer; call start() to go online. */
  static async create(init: ChatNodeInit): Promise<ChatNode> {
    let node: ChatNode | undefined
    return assembleChatNode(
      init,
      {
        users: () => node?.users() ?? [],
        invalidateUsers: () => node?.invalidateUsers(),
        emit: (type, detail) => node?.emit(type, detail)
      },
      async (parts) => {
        node = new ChatNode(parts)
        await node.transfers.load()
        return node
      }
    )
  }

  override dispatchEvent(event: Event): boolean {
    return this.errorLimiter.admit(event) ? super.dispatchEvent(event) : false
  }

  private dispatchUnlimited(event: Event): void {
    super.dispatchEvent(event)
  }

  get peerId(): PeerId {
    return this.libp2p.peerId
  }

  /** Addresses other peers can dial, each ending in /p2p/<our PeerId>. */
  get addrs(): string[] {
    return this.libp2p.getMultiaddrs().map(String)
  }

  get isRunning(): boolean {
    return this.running
  }

  async start(): Promise<void> {
    // retention first: what expired while we were away is gone before anything can show it
    await this.archive.start()
    this.catchUp.start()
    this.dialer.start()
    await this.libp2p.start()
    this.catchUp.ready()
    this.running = true
    this.direct.courier.start()
    await this.transfers.start()
  }

  /** Announces our leave, then closes every connection and the store. */
  async stop(): Promise<void> {
    // a destroy under way stops the node itself: let it finish wiping before the caller moves on (and exits)
    await this.destroying?.catch(() => undefined)
    await this.goOffline()
  }

  private async goOffline(): Promise<void> {
    if (!this.running) {
      return
    }
    this.running = false
    this.dialer.stop()
    this.catchUp.stop()
    this.transfers.stop()
    this.groups.stop()
    await this.direct.courier.stop()
    await this.libp2p.stop()
    await this.archive.close()
    this.errorLimiter.flush()
  }

  /** Everyone online, ourselves first, with display names that tell equal names apart. */
  users(): User[] {
    // Recomputed only when presence changes: messages look users up on every arrival.
    this.userCache ??= withDisplayNames([
      { peerId: this.peerId.toString(), name: this.name },
      ...this.presence
        .list()
        .filter((e) => !this.controls.isBlocked(e.peerId))
        .map((e) => ({ peerId: e.peerId, name: e.name }))
        .sort((a, b) => a.name.localeCompare(b.name) || a.peerId.localeCompare(b.peerId))
    ])
    return this.userCache
  }

  /** How `peerId` is reached now (directly or only through a relay), undefined when no connection is open to it. */
  routeTo(peerId: string): Route | undefined {
    return this.libp2p.services.directUpgrade.route(peerId)
  }

  /** The online user meant by `query` (PeerId, name#suffix or unambiguous name). */
  resolve(query: string): User {
    return resolveUser(query, this.users())
  }

  /** Sends `text` to everyone in the lobby. */
  async broadcast(text: string): Promise<SentInfo> {
    this.assertRunning()
    validateText(text)
    const post = { id: crypto.randomUUID(), ts: Date.now(), senderName: this.name, text }
    const recipients = await this.lobby.publish(post)
    const sent: SentInfo = { id: post.id, scope: 'lobby', text, ts: post.ts, recipients }
    await remember(this.archive, this.emit, { ...sent, from: this.me() }, 'lobby')
    this.emit('sent', sent)
    return sent
  }

  /**
   * Sends a DM, sealed end to end, to the user meant by `to` (online, or a contact who is away). Emits `sent` when
   * it leaves, then `delivered` once acknowledged, or `queued` when it waits in the outbox for the recipient.
   */
  async sendDirect(to: string, text: string, options: AbortOptions = {}): Promise<SendOutcome> {
    this.assertRunning()
    validateText(text)
    let user: User
    let online = true
    try {
      user = resolveRecipient(to, this.users())
    } catch (err) {
      if (!(err instanceof UnknownUserError)) {
        throw err
      }
      this.controls.assertNotBlocked(to)
      user = resolveContact(to, await this.knownContacts(), this.peerId.toString())
      online = false
    }
    return this.direct.secure.send(user, text, online, options)
  }

  /** DMs waiting in the outbox for their recipients, oldest first. */
  outbox(): QueuedDm[] {
    return this.direct.courier.list()
  }

  /** Contacts we could message while they are away: not blocked. */
  private async knownContacts(): Promise<Array<{ peerId: string; name: string }>> {
    return (await this.archive.contacts()).filter((c) => !this.controls.isBlocked(c.peerId))
  }

  /** How each relay we use is doing. */
  relays(): RelayStatus[] {
    return this.relayClient.status()
  }

  /** Runs an admin command on our first relay (or the one named); refusals throw AdminRefusedError with the relay's code. */
  async admin(
    command: string,
    args: string[],
    options: AbortOptions & { relay?: string } = {}
  ): Promise<AdminReply & { relay: string }> {
    this.assertRunning()
    return this.relayClient.admin(command, args, options)
  }

  /** Stored messages of the lobby or of a DM conversation (by PeerId), oldest first. */
  async history(conversation: string, limit = 50): Promise<ChatMessage[]> {
    const stored = await this.archive.history(conversation, limit)
    return stored.map((m) => ({
      id: m.id,
      scope: m.scope,
      from: userFor(this.users(), m.fromPeerId, m.fromName),
      text: m.text,
      ts: m.ts
    }))
  }

  /** The user (online, a contact, or a bare PeerId) meant by `query`, for /history and /block. */
  async findKnownUser(query: string): Promise<{ peerId: string; name: string }> {
    return this.controls.findKnownUser(query)
  }

  /** The retention policy of each scope. */
  retention(): RetentionSettings {
    return this.controls.retention()
  }

  /** Changes retention policies and applies them at once; resolves with how many stored messages it deleted. */
  async setRetention(changes: Partial<RetentionSettings>): Promise<PurgeCounts> {
    return this.controls.setRetention(changes)
  }

  /** Blocks a user by PeerId: hidden, its messages dropped, its connections and DMs refused. Persists. */
  async block(query: string): Promise<BlockedPeer> {
    return this.controls.block(query)
  }

  async unblock(query: string): Promise<BlockedPeer> {
    return this.controls.unblock(query)
  }

  blocked(): BlockedInfo[] {
    return this.controls.blocked()
  }

  /** Whether we blocked `peerId`: what it sends through others (group posts) is dropped too. */
  isBlocked(peerId: string): boolean {
    return this.controls.isBlocked(peerId)
  }

  /**
   * Destroys the account: publishes a signed deletion notice (waiting up to `waitForPeersMs` for someone to
   * hear it), goes offline, and deletes every file of the account. Resolves with how many peers got the notice.
   */
  destroy(options: { waitForPeersMs?: number } = {}): Promise<WipeResult & { notified: number }> {
    this.destroying ??= (async () => {
      // the notice is our last word: no heartbeat may follow it and bring us back on others' lists
      this.presence.silence()
      const notified = this.running ? await this.deletion.announce(options).catch(() => 0) : 0
      await this.goOffline()
      await this.archive.close()
      return { ...(await this.account.wipe()), notified }
    })()
    return this.destroying
  }

  private invalidateUsers(): void {
    this.userCache = undefined
  }

  /**
   * Offers the file at `path` to the user meant by `to`. Throws if the user or the file is not there;
   * what happens after that (hashing, offer, refusal) arrives as `transfer` events.
   */
  async sendFile(to: string, path: string, options: AbortOptions = {}): Promise<TransferInfo> {
    this.assertRunning()
    const user = resolveRecipient(to, this.users())
    return this.transfers.send(user.peerId, user.name, path, options)
  }

  /** Accepts an offer by id prefix, into `dir` or the download folder. */
  async acceptTransfer(id: string, dir?: string): Promise<TransferInfo> {
    this.assertRunning()
    return this.transfers.accept(id, dir)
  }

  /** Declines an offer by id prefix. */
  async declineTransfer(id: string): Promise<TransferInfo> {
    this.assertRunning()
    return this.transfers.decline(id)
  }

  /** Cancels a transfer by id prefix, whichever side we are on. */
  async cancelTransfer(id: string): Promise<TransferInfo> {
    this.assertRunning()
    return this.transfers.cancel(id)
  }

  /** Every transfer we know of, newest first. */
  listTransfers(): TransferInfo[] {
    return this.transfers.list()
  }

  private me(): User {
    return this.users()[0]
  }

  private assertRunning(): void {
    if (!this.running) {
      throw new NotStartedError('the node is not running')
    }
  }
}
