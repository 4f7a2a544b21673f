import type { GossipSub } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type {
  AbortOptions,
  ComponentLogger,
  Libp2pEvents,
  Listener,
  Logger,
  PeerId,
  PrivateKey,
  Startable,
  TypedEventTarget
} from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import type { AddressManager, ConnectionManager, TransportManager } from '@libp2p/interface-internal'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Ping } from '@libp2p/ping'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { type AdminReply, sendAdminCommand } from '../protocols/admin/index.ts'
import { errorMessage, optionalComponent } from '../protocols/common/index.ts'
import { LOBBY_TOPIC } from '../protocols/lobby/index.ts'
import { BanLists, isDepartureNotice, type NoticeService, type RelayNotice } from '../protocols/notice/index.ts'
import type { PresenceService } from '../protocols/presence/index.ts'
import { backoffDelay } from './backoff.ts'
import { RELAY_CONNECT_TIMEOUT_MS } from './constants.ts'
import { confirmDeparture, RecentNotices } from './departures.ts'
import type { RelayNoticeEvent, RelayStatus } from './events.ts'
import { authorOf, guardTopic } from './gossip-guard.ts'
import { pickRelay, settingText } from './relay-target.ts'

export type { RelayNoticeEvent, RelayStatus } from './events.ts'

export interface RelayClientEvents {
  status: CustomEvent<RelayStatus>
  notice: CustomEvent<RelayNoticeEvent>
}

export interface RelayClientComponents {
  peerId: PeerId
  privateKey: PrivateKey
  pubsub: GossipSub
  notices: NoticeService
  presence: PresenceService
  transportManager: TransportManager
  addressManager: AddressManager
  connectionManager: ConnectionManager
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
  /** to check that a peer our relay saw leave is really still reachable over our own connection */
  ping?: Ping
}

export interface RelayClientInit {
  /** relay multiaddrs, each ending in /p2p/<relay PeerId> */
  relays?: string[]
  /** longest wait between two attempts to reach a relay. @default 30000 */
  maxRetryDelayMs?: number
  /** how often to check that our relay slots still exist. @default 15000 */
  checkIntervalMs?: number
}

/** No relay was configured, or the one named is not among them. */
export class NoRelayError extends Error {
  static override readonly name = 'NoRelayError'
  override readonly name = 'NoRelayError'
}

interface RelayLink {
  addr: Multiaddr
  peer: PeerId
  attempts: number
  reserved: boolean
  /** whether we held a slot on it before: a slot regained is announced (see PresenceService.relayRegained) */
  everReserved: boolean
  /** an outage was already reported, so retries stay quiet */
  reported: boolean
  busy: boolean
  timer?: ReturnType<typeof setTimeout>
  /** the circuit listener made for this relay, re-used on every reconnect */
  listener?: Listener
}

/**
 * Uses relays: keeps a connection and a reservation on each, so peers on other networks can reach us through
 * `/p2p-circuit`; runs admin commands on them; takes their notices (announcements, ban lists) and applies their ban
 * lists to the lobby. Notices from anyone but our relays are ignored.
 */
export class RelayClient extends TypedEventEmitter<RelayClientEvents> implements Startable {
  private readonly components: RelayClientComponents
  private readonly log: Logger
  private readonly links: RelayLink[]
  private readonly maxRetryDelayMs: number
  private readonly checkIntervalMs: number
  private readonly banLists = new BanLists()
  /** a kicked user hears of it directly and through gossip: shown once */
  private readonly recentNotices = new RecentNotices()
  private readonly shutdown = new AbortController()
  private checkTimer?: ReturnType<typeof setInterval>
  private unguard?: () => void
  private firstListens: Promise<void> = Promise.resolve()

  constructor(components: RelayClientComponents, init: RelayClientInit = {}) {
    super()
    this.components = components
    this.log = components.logger.forComponent('p2pchat:relay-client')
    this.maxRetryDelayMs = init.maxRetryDelayMs ?? 30_000
    this.checkIntervalMs = init.checkIntervalMs ?? 15_000
    this.links = (init.relays ?? []).map((text) => {
      const addr = multiaddr(text)
      const id = addr.getComponents().findLast((c) => c.name === 'p2p')?.value
      if (id == null) {
        throw new NoRelayError(`relay address ${text} must end in /p2p/<relay PeerId>`)
      }
      return {
        addr,
        peer: peerIdFromString(id),
        attempts: 0,
        reserved: false,
        everReserved: false,
        reported: false,
        busy: false
      }
    })
    this.onDisconnect = this.onDisconnect.bind(this)
    this.onNotice = this.onNotice.bind(this)
  }

  /** Multiaddrs of our relays, each ending in /p2p/<relay PeerId>, in the order given. */
  get relayAddrs(): string[] {
    return this.links.map((l) => l.addr.toString())
  }

  /** PeerIds of our relays, in the order given. */
  get relays(): string[] {
    return this.links.map((l) => l.peer.toString())
  }

  /** Our relays as PeerIds, in the order given. */
  get relayPeers(): PeerId[] {
    return this.links.map((l) => l.peer)
  }

  start(): void {
    this.components.events.addEventListener('peer:disconnect', this.onDisconnect)
    this.components.notices.addEventListener('notice', this.onNotice)
  }

  afterStart(): void {
    // every service has set its validators by now, so ours can go in front of the lobby's
    this.unguard = guardTopic(this.components.pubsub, LOBBY_TOPIC, (msg) => {
      const author = authorOf(msg)
      return author != null && this.banLists.isBanned(author) ? TopicValidatorResult.Ignore : undefined
    })
    for (const link of this.links) {
      void this.ensure(link)
    }
    if (this.links.length > 0) {
      this.checkTimer = setInterval(() => this.check(), this.checkIntervalMs)
    }
  }

  stop(): void {
    this.shutdown.abort()
    clearInterval(this.checkTimer)
    for (const link of this.links) {
      clearTimeout(link.timer)
    }
    this.unguard?.()
    this.components.events.removeEventListener('peer:disconnect', this.onDisconnect)
    this.components.notices.removeEventListener('notice', this.onNotice)
  }

  /** Current state of every relay we use. */
  status(): RelayStatus[] {
    return this.links.map((l) => ({
      relay: l.peer.toString(),
      state: l.reserved ? 'reserved' : l.reported ? 'unreachable' : 'lost',
      addrs: this.circuitAddrs(l)
    }))
  }

  /** True when one of our relays bans `peer`. */
  isBanned(peer: string): boolean {
    return this.banLists.isBanned(peer)
  }

  /** Runs an admin command on our first relay, or on the one whose PeerId is `relay`. */
  async admin(
    command: string,
    args: string[],
    options: AbortOptions & { relay?: string } = {}
  ): Promise<AdminReply & { relay: string }> {
    if (this.links.length === 0) {
      throw new NoRelayError('no relay configured: start with --relay <multiaddr> to use admin commands')
    }
    const relay = options.relay == null ? this.links[0].peer : await this.relayNamed(options.relay, options)
    const { connectionManager, privateKey } = this.components
    const openStream: Parameters<typeof sendAdminCommand>[0]['openStream'] = (peer, protocol, opts) =>
      connectionManager.openStream(peer, protocol, opts)
    const reply = await sendAdminCommand({ privateKey, openStream }, relay, command, args, options)
    return { ...reply, relay: relay.toString() }
  }

  /** The relay of ours that `selector` (a PeerId, its start or end, or the relay's name) names. */
  private async relayNamed(selector: string, options: AbortOptions): Promise<PeerId> {
    const ids = this.links.map((l) => l.peer.toString())
    const pick = await pickRelay(selector, ids, async (id) => {
      const reply = await this.admin('get', ['name'], { ...options, relay: id })
      return settingText(reply.settings.find((s) => s.key === 'name')?.value)
    })
    if (pick.kind === 'one') {
      return peerIdFromString(pick.id)
    }
    throw new NoRelayError(
      pick.kind === 'many'
        ? `'@${selector}' names several of your relays (${pick.ids.join(', ')}): give more of the PeerId`
        : `'@${selector}' is none of your relays (${ids.join(', ')})`
    )
  }

  /** Connects to the relay and reserves a slot on it, unless that is done or under way; retries with backoff. */
  private async ensure(link: RelayLink): Promise<void> {
    if (link.busy || this.shutdown.signal.aborted) {
      return
    }
    link.busy = true
    clearTimeout(link.timer)
    link.timer = undefined
    try {
      const signal = AbortSignal.any([AbortSignal.timeout(RELAY_CONNECT_TIMEOUT_MS), this.shutdown.signal])
      await this.components.connectionManager.openConnection(link.addr, { signal })
      if (this.circuitAddrs(link).length === 0) {
        // resolves once the relay granted the reservation
        await this.listen(link)
      }
      const addrs = this.circuitAddrs(link)
      if (addrs.length === 0) {
        throw new Error('the relay granted no relay addresses')
      }
      link.attempts = 0
      link.reported = false
      if (!link.reserved) {
        link.reserved = true
        this.log('reserved a slot on %p', link.peer)
        this.emitStatus({ relay: link.peer.toString(), state: 'reserved', addrs })
        if (link.everReserved) {
          this.components.presence.relayRegained()
        }
        link.everReserved = true
      }
    } catch (err) {
      if (this.shutdown.signal.aborted) {
        return
      }
      this.log('could not use relay %p - %e', link.peer, err)
      if (!link.reported) {
        link.reported = true
        link.reserved = false
        const message = `cannot use relay ${link.addr}: ${errorMessage(err)}; retrying`
        this.emitStatus({ relay: link.peer.toString(), state: 'unreachable', addrs: [], message })
      }
      this.retryLater(link)
    } finally {
      link.busy = false
    }
  }

  /**
   * Reserves a slot through the circuit listener of this relay. The transport manager adds a new listener on
   * every `listen` and keeps it until the node stops (closing one would cancel the reservations on every
   * relay), so a flapping relay connection would leak one per reconnect: the first one made is used again.
   */
  private async listen(link: RelayLink): Promise<void> {
    const circuit = link.addr.encapsulate('/p2p-circuit')
    if (link.listener != null) {
      await link.listener.listen(circuit)
      return
    }
    // one first listen at a time, so the listener that appears is this relay's
    const first = this.firstListens.then(async () => {
      const { transportManager } = this.components
      const before = new Set(transportManager.getListeners())
      try {
        await transportManager.listen([circuit])
      } finally {
        // also when the reservation failed: the transport manager keeps the listener all the same
        link.listener = transportManager.getListeners().find((l) => !before.has(l))
      }
    })
    this.firstListens = first.catch(() => {})
    await first
  }

  private retryLater(link: RelayLink): void {
    if (this.shutdown.signal.aborted || link.timer != null) {
      return
    }
    const delay = Math.min(backoffDelay(link.attempts++), this.maxRetryDelayMs)
    link.timer = setTimeout(() => {
      link.timer = undefined
      void this.ensure(link)
    }, delay)
  }

  private onDisconnect(evt: CustomEvent<PeerId>): void {
    const link = this.links.find((l) => l.peer.equals(evt.detail))
    if (link == null || this.shutdown.signal.aborted) {
      return
    }
    if (link.reserved) {
      link.reserved = false
      this.emitStatus({
        relay: link.peer.toString(),
        state: 'lost',
        addrs: [],
        message: 'connection to the relay lost'
      })
    }
    this.retryLater(link)
  }

  /** Catches reservations that ended without the connection closing (expired, refused on refresh). */
  private check(): void {
    for (const link of this.links) {
      if (link.reserved && this.circuitAddrs(link).length === 0) {
        link.reserved = false
        this.emitStatus({ relay: link.peer.toString(), state: 'lost', addrs: [], message: 'relay slot expired' })
      }
      if (!link.reserved && link.timer == null) {
        void this.ensure(link)
      }
    }
  }

  private onNotice(evt: CustomEvent<{ from: PeerId; notice: RelayNotice }>): void {
    const { from, notice } = evt.detail
    const relay = from.toString()
    if (!this.links.some((l) => l.peer.equals(from))) {
      this.takeVouchedDeparture(from, notice)
      return
    }
    if (notice.kind === 'bans') {
      this.banLists.update(relay, notice.bans)
      return
    }
    if (notice.kind !== 'departed' && this.recentNotices.isRepeat(notice)) {
      return
    }
    if (notice.kind !== 'departed') {
      // before the presence change below, so that listeners can still name the user concerned
      this.safeDispatchEvent('notice', { detail: { relay, notice } })
    }
    if (isDepartureNotice(notice)) {
      this.departed(notice.peer, notice.ts)
    }
  }

  /**
   * A relay we do not use (one federated with ours) saw a user go. Its word counts for users whose announcement names
   * a circuit through it: it holds their slot, and they announce themselves rarely, relying on it to tell (presence's
   * RELAYED_HEARTBEAT_INTERVAL_MS). Anyone else's departure is not its to announce.
   */
  private takeVouchedDeparture(from: PeerId, notice: RelayNotice): void {
    if (isDepartureNotice(notice) && this.components.presence.directory.relaysOf(notice.peer).has(from.toString())) {
      this.departed(notice.peer, notice.ts)
      return
    }
    this.log('ignoring a %s notice from %p, which is not one of our relays', notice.kind, from)
  }

  /** A relay saw `peerId` go at `leftAt`; unless we still reach it some other way, it is gone for us too. */
  private departed(peerId: string, leftAt: number): void {
    const peer = peerIdFromString(peerId)
    if (peer.equals(this.components.peerId)) {
      return
    }
    const { connectionManager, presence } = this.components
    const check = { connectionManager, presence, ping: optionalComponent(() => this.components.ping), log: this.log }
    void confirmDeparture(peer, leftAt, check, this.shutdown.signal)
  }

  private circuitAddrs(link: RelayLink): string[] {
    const marker = `/p2p/${link.peer}/p2p-circuit`
    return this.components.addressManager
      .getAddresses()
      .map(String)
      .filter((a) => a.includes(marker))
  }

  private emitStatus(status: RelayStatus): void {
    this.safeDispatchEvent('status', { detail: status })
  }
}

/** Service factory: `services: { relayClient: relayClient({ relays }) }`, after `pubsub`, `presence` and `notices`. */
export function relayClient(init: RelayClientInit = {}): (components: RelayClientComponents) => RelayClient {
  return (components) => new RelayClient(components, init)
}
