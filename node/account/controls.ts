import type { ConnectionGater, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Directory } from '../../protocols/presence/index.ts'
import { type BlockedPeer, BlockList } from '../blocklist.ts'
import { UnknownUserError } from '../errors.ts'
import type { ChatEvents } from '../events.ts'
import type { MessageArchive, PurgeCounts } from '../history.ts'
import type { RetentionSettings } from '../retention.ts'
import { resolveUser, type User, withDisplayNames } from '../users.ts'
import type { Account } from './account.ts'
import { BlockedUserError, SelfBlockError } from './errors.ts'

/** What the account controls need of the node: narrow, so they are testable and the node stays small. */
export interface ControlsHost {
  peerId(): string
  /** online users as shown, ourselves first (blocked peers left out) */
  users(): User[]
  /** everyone presence knows, blocked peers included */
  directory(): Directory
  /** the user list changed other than through presence */
  invalidateUsers(): void
  hangUp(peer: PeerId): Promise<void>
  dial(peer: PeerId): Promise<void>
  emit<K extends keyof ChatEvents>(type: K, detail: ChatEvents[K]['detail']): void
}

/** A blocked peer as `/blocked` shows it. */
export interface BlockedInfo extends BlockedPeer {
  /** connections from it we refused since start */
  refused: number
}

/** Blocking, retention changes and other peers' deletion notices, on behalf of ChatNode. */
export class AccountControls {
  readonly blocks: BlockList

  constructor(
    readonly account: Account,
    private readonly archive: MessageArchive,
    private readonly host: ControlsHost
  ) {
    this.blocks = new BlockList(account.settings.blocked)
  }

  /** Refuses every connection with a blocked peer, both ways, direct or relayed. */
  gater(): ConnectionGater {
    const blocked = (peer: PeerId): boolean => this.blocks.has(peer.toString())
    const refuse = (peer: PeerId): boolean => {
      if (!blocked(peer)) {
        return false
      }
      this.blocks.noteRefused(peer.toString())
      return true
    }
    return {
      denyDialPeer: blocked,
      denyInboundEncryptedConnection: refuse,
      denyOutboundEncryptedConnection: blocked,
      denyInboundRelayedConnection: (_relay, remote) => refuse(remote),
      denyOutboundRelayedConnection: (_source, destination) => blocked(destination),
      denyInboundRelayReservation: blocked
    }
  }

  isBlocked(peerId: string): boolean {
    return this.blocks.has(peerId)
  }

  retention(): RetentionSettings {
    return { ...this.account.settings.retention }
  }

  /** Changes policies, saves them, and applies them to what is stored at once; returns what was deleted. */
  async setRetention(changes: Partial<RetentionSettings>): Promise<PurgeCounts> {
    this.account.settings.retention = { ...this.account.settings.retention, ...changes }
    await this.account.save()
    return this.archive.apply()
  }

  blocked(): BlockedInfo[] {
    return this.blocks.list().map((b) => ({ ...b, refused: this.blocks.refused(b.peerId) }))
  }

  /**
   * Blocks the user meant by `query` (online user, known contact, or a PeerId): hides it, drops its
   * connections and refuses new ones and its DMs. Blocking someone already blocked changes nothing.
   */
  async block(query: string): Promise<BlockedPeer> {
    const target = await this.findKnownUser(query)
    if (target.peerId === this.host.peerId()) {
      throw new SelfBlockError('you cannot block yourself')
    }
    const online = this.host.users().find((u) => u.peerId === target.peerId)
    const entry = { peerId: target.peerId, name: target.name, since: Date.now() }
    if (!this.blocks.add(entry)) {
      return this.blocks.find(target.peerId)
    }
    this.account.settings.blocked = this.blocks.list()
    await this.account.save()
    this.host.invalidateUsers()
    if (online != null) {
      this.host.emit('leave', { ...online, reason: 'blocked' })
    }
    await this.host.hangUp(peerIdFromString(target.peerId)).catch(() => {})
    return entry
  }

  /** Lifts a block; if the peer is online it shows up again and we reconnect to it. */
  async unblock(query: string): Promise<BlockedPeer> {
    const entry = this.blocks.find(query)
    this.blocks.remove(entry.peerId)
    this.account.settings.blocked = this.blocks.list()
    await this.account.save()
    this.host.invalidateUsers()
    const online = this.host.users().find((u) => u.peerId === entry.peerId)
    if (online != null) {
      this.host.emit('join', online)
      void this.host.dial(peerIdFromString(entry.peerId)).catch(() => {})
    }
    return entry
  }

  /** Throws BlockedUserError when `query` names a peer we blocked (who is hidden from the user list). */
  assertNotBlocked(query: string): void {
    let entry: BlockedPeer
    try {
      entry = this.blocks.find(query)
    } catch {
      return
    }
    const name = entry.name || entry.peerId
    throw new BlockedUserError(`you blocked ${name}: /unblock ${name} to message them`)
  }

  /**
   * The user meant by `query` among those online, then those seen before (contacts), then as a bare PeerId:
   * /history and /block work for people who are offline.
   */
  async findKnownUser(query: string): Promise<{ peerId: string; name: string }> {
    try {
      return resolveUser(query, this.host.users())
    } catch (err) {
      if (!(err instanceof UnknownUserError)) {
        throw err
      }
    }
    const contacts = withDisplayNames((await this.archive.contacts()).map((c) => ({ peerId: c.peerId, name: c.name })))
    try {
      return resolveUser(query, contacts)
    } catch (err) {
      if (!(err instanceof UnknownUserError)) {
        throw err
      }
    }
    try {
      return { peerId: peerIdFromString(query).toString(), name: '' }
    } catch {
      throw new UnknownUserError(`nobody called '${query}' is online or known (try /users)`)
    }
  }

  /**
   * `peerId` destroyed its account: drop it from the directory (a later announcement of its own brings it
   * back, should the identity be restored), delete what we cached of it, and tell the user.
   */
  async onDeletionNotice(peerId: string, ts: number): Promise<number> {
    const directory = this.host.directory()
    const entry = directory.get(peerId)
    directory.apply(peerId, { kind: 'leave', name: entry?.name ?? 'deleted', ts, addrs: [] }, Date.now())
    directory.remove(peerId)
    const contact = (await this.archive.contacts()).find((c) => c.peerId === peerId)
    const removed = await this.archive.forgetPeer(peerId)
    const shown = this.host.users()
    this.host.invalidateUsers()
    const knewThem = entry != null || contact != null || removed > 0
    if (knewThem && !this.blocks.has(peerId)) {
      const name = entry?.name ?? contact?.name ?? ''
      const user = shown.find((u) => u.peerId === peerId) ?? { peerId, name, displayName: name || peerId }
      this.host.emit('leave', { ...user, reason: 'deleted' })
    }
    return removed
  }
}
