import { randomUUID } from 'node:crypto'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Multiaddr } from '@multiformats/multiaddr'
import { validateName } from '../protocols/common/names.ts'
import { validateText } from '../protocols/common/text.ts'
import type { DirectMessages } from '../protocols/dm/dm.ts'
import type { LobbyService } from '../protocols/lobby/lobby.ts'
import type { PresenceService } from '../protocols/presence/presence.ts'
import { AutoDialer, parseMultiaddr } from './auto-dialer.ts'
import { ensureDataDir } from './data-dir.ts'
import { errorCode, NotStartedError, SelfMessageError } from './errors.ts'
import type { ChatEvents, ChatMessage, SentInfo } from './events.ts'
import { GroupFileStore } from './groups/group-store.ts'
import { Groups } from './groups/groups.ts'
import { loadOrCreateIdentity } from './identity.ts'
import { assembleLibp2p, type ChatLibp2p } from './libp2p.ts'
import { ChatStore } from './store.ts'
import { resolveUser, type User, withDisplayNames } from './users.ts'

export interface ChatNodeInit {
  /** display name for this session (1-32 characters, no spaces or control characters) */
  name: string
  /** where the identity and history live */
  dataDir: string
  /** @default ['/ip4/0.0.0.0/tcp/0'] */
  listen?: string[]
  /** multiaddrs to dial at start and keep connected */
  bootstrap?: string[]
  /** find peers on the LAN by mDNS. @default true */
  mdns?: boolean
  /** presence timings, shortened in tests */
  presence?: { heartbeatIntervalMs?: number; ttlMs?: number }
  /** group timings, shortened in tests */
  groups?: { announceIntervalMs?: number; adminRekeyDelayMs?: number }
}

/** A p2pchat peer: the one API that the terminal client, the relay and the browser client use. */
export class ChatNode extends TypedEventEmitter<ChatEvents> {
  readonly name: string
  readonly libp2p: ChatLibp2p
  /** public and private groups */
  readonly groups: Groups
  private readonly store: ChatStore
  private readonly lobby: LobbyService
  private readonly presence: PresenceService
  private readonly dms: DirectMessages
  private readonly dialer: AutoDialer
  private running = false

  private constructor(name: string, libp2p: ChatLibp2p, store: ChatStore, bootstrap: Multiaddr[]) {
    super()
    this.name = name
    this.libp2p = libp2p
    this.store = store
    this.lobby = libp2p.services.lobby
    this.presence = libp2p.services.presence
    this.dms = libp2p.services.dm
    this.dialer = new AutoDialer(libp2p, { bootstrap })
    this.groups = new Groups(this, libp2p, store)
    this.wire()
  }

  /** Loads (or creates) the identity and store and assembles the peer; call start() to go online. */
  static async create(init: ChatNodeInit): Promise<ChatNode> {
    const name = validateName(init.name)
    const bootstrap = (init.bootstrap ?? []).map(parseMultiaddr)
    const listen = (init.listen ?? ['/ip4/0.0.0.0/tcp/0']).map((a) => parseMultiaddr(a).toString())
    await ensureDataDir(init.dataDir)
    const privateKey = await loadOrCreateIdentity(init.dataDir)
    const store = await ChatStore.open(init.dataDir)
    try {
      const libp2p = await assembleLibp2p({
        privateKey,
        listen,
        mdns: init.mdns ?? true,
        presence: { name, ...init.presence },
        groups: { name, persistence: new GroupFileStore(init.dataDir), ...init.groups }
      })
      return new ChatNode(name, libp2p, store, bootstrap)
    } catch (err) {
      await store.close()
      throw err
    }
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

  async start(_options: AbortOptions = {}): Promise<void> {
    await this.libp2p.start()
    this.dialer.start()
    this.running = true
  }

  /** Announces our leave, then closes every connection and the store. */
  async stop(_options: AbortOptions = {}): Promise<void> {
    if (!this.running) {
      return
    }
    this.running = false
    this.dialer.stop()
    this.groups.stop()
    await this.libp2p.stop()
    await this.store.close()
  }

  /** Everyone online, ourselves first, with display names that tell equal names apart. */
  users(): User[] {
    const others = this.presence
      .list()
      .map((e) => ({ peerId: e.peerId, name: e.name }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.peerId.localeCompare(b.peerId))
    return withDisplayNames([{ peerId: this.peerId.toString(), name: this.name }, ...others])
  }

  /** The online user meant by `query` (PeerId, name#suffix or unambiguous name). */
  resolve(query: string): User {
    return resolveUser(query, this.users())
  }

  /** Sends `text` to everyone in the lobby. */
  async broadcast(text: string, _options: AbortOptions = {}): Promise<SentInfo> {
    this.assertRunning()
    validateText(text)
    const post = { id: randomUUID(), ts: Date.now(), senderName: this.name, text }
    const recipients = await this.lobby.publish(post)
    const sent: SentInfo = { id: post.id, scope: 'lobby', text, ts: post.ts, recipients }
    await this.remember({ ...sent, from: this.me() }, 'lobby')
    this.safeDispatchEvent('sent', { detail: sent })
    return sent
  }

  /**
   * Sends a DM over a direct stream to the user meant by `to`, resolving once they acknowledged it.
   * Emits `sent` when it leaves and `delivered` when it is acknowledged.
   */
  async sendDirect(to: string, text: string, options: AbortOptions = {}): Promise<{ id: string; to: User }> {
    this.assertRunning()
    validateText(text)
    const user = this.resolve(to)
    if (user.peerId === this.peerId.toString()) {
      throw new SelfMessageError('that is you')
    }
    const dm = { id: randomUUID(), ts: Date.now(), senderName: this.name, text }
    this.safeDispatchEvent('sent', { detail: { id: dm.id, scope: 'dm', to: user, text, ts: dm.ts } })
    await this.dms.send(peerIdFromString(user.peerId), dm, options)
    await this.remember({ id: dm.id, scope: 'dm', from: this.me(), to: user, text, ts: dm.ts }, user.peerId)
    this.safeDispatchEvent('delivered', { detail: { id: dm.id, to: user } })
    return { id: dm.id, to: user }
  }

  /** Stored messages of the lobby or of a DM conversation (by PeerId), oldest first. */
  async history(conversation: string, limit = 50): Promise<ChatMessage[]> {
    const stored = await this.store.history(conversation, limit)
    return stored.map((m) => ({
      id: m.id,
      scope: m.scope,
      from: this.userFor(m.fromPeerId, m.fromName),
      text: m.text,
      ts: m.ts
    }))
  }

  private wire(): void {
    this.lobby.addEventListener('post', (evt) => {
      const { from, post } = evt.detail
      const msg: ChatMessage = {
        id: post.id,
        scope: 'lobby',
        from: this.userFor(from.toString(), post.senderName),
        text: post.text,
        ts: post.ts
      }
      void this.remember(msg, 'lobby')
      this.safeDispatchEvent('message', { detail: msg })
    })
    this.dms.addEventListener('message', (evt) => {
      const { from, dm } = evt.detail
      const msg: ChatMessage = {
        id: dm.id,
        scope: 'dm',
        from: this.userFor(from.toString(), dm.senderName),
        to: this.me(),
        text: dm.text,
        ts: dm.ts
      }
      void this.remember(msg, from.toString())
      this.safeDispatchEvent('message', { detail: msg })
    })
    this.dms.addEventListener('protocol-error', (evt) => {
      const { peer, error } = evt.detail
      this.emitError(error, `bad DM stream from ${peer}: ${error.message}`, peer.toString())
    })
    this.presence.addEventListener('join', (evt) => {
      const user = this.userFor(evt.detail.peerId, evt.detail.name)
      void this.store.saveContact({ peerId: user.peerId, name: user.name, lastSeen: Date.now() }).catch(() => {})
      this.safeDispatchEvent('join', { detail: user })
    })
    this.presence.addEventListener('rename', (evt) => {
      this.safeDispatchEvent('join', { detail: this.userFor(evt.detail.entry.peerId, evt.detail.entry.name) })
    })
    this.presence.addEventListener('leave', (evt) => {
      const { entry, reason } = evt.detail
      const user = withDisplayNames([...this.users(), { peerId: entry.peerId, name: entry.name }]).at(-1)
      this.safeDispatchEvent('leave', { detail: { ...(user ?? { ...entry, displayName: entry.name }), reason } })
    })
  }

  /** The user as currently displayed; falls back to the name a message carried if presence has not caught up. */
  private userFor(peerId: string, fallbackName: string): User {
    const online = this.users().find((u) => u.peerId === peerId)
    return (
      online ??
      withDisplayNames([...this.users(), { peerId, name: fallbackName }]).at(-1) ?? {
        peerId,
        name: fallbackName,
        displayName: fallbackName
      }
    )
  }

  private me(): User {
    return this.users()[0]
  }

  private async remember(msg: ChatMessage, conversation: string): Promise<void> {
    try {
      await this.store.saveMessage({
        id: msg.id,
        scope: msg.scope,
        conversation,
        fromPeerId: msg.from.peerId,
        fromName: msg.from.name,
        text: msg.text,
        ts: msg.ts
      })
    } catch (err) {
      this.emitError(err, `could not save message to history: ${err instanceof Error ? err.message : String(err)}`)
    }
  }

  private emitError(err: unknown, message: string, peerId?: string): void {
    this.safeDispatchEvent('error', { detail: { code: errorCode(err), message, ...(peerId ? { peerId } : {}) } })
  }

  private assertRunning(): void {
    if (!this.running) {
      throw new NotStartedError('the node is not running')
    }
  }
}
