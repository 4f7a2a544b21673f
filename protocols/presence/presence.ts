import type { Message, SubscriptionChangeData } from '@libp2p/gossipsub'
import type { Logger, PeerId, Startable } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { optionalComponent } from '../common/components.ts'
import type { SenderSeq } from '../common/decode.ts'
import { type PresenceSync, type SignedAnnouncement, signedAnnouncementOf } from '../presence-sync/index.ts'
import { Admission } from './admission.ts'
import { addrKey, dialableAddrs, namesOneOf, ourAddrsToAnnounce } from './announced-addrs.ts'
import { NewcomerAnswers, needsAnswer } from './answers.ts'
import { decodeAnnouncement, encodeAnnouncement, type PresenceKind } from './codec.ts'
import {
  HEARTBEAT_INTERVAL_MS,
  LEAVE_FLUSH_MS,
  PRESENCE_TOPIC,
  PRESENCE_TTL_MS,
  RELAYED_HEARTBEAT_INTERVAL_MS
} from './constants.ts'
import { addrsChanged, Directory, type DirectoryChange, type DirectoryEntry } from './directory.ts'
import { DisconnectChecks } from './disconnect-checks.ts'
import { publishJoin, untilRelayed } from './first-join.ts'
import { heartbeatDue, type LastAnnouncement, lanHeartbeatIntervalMs, lifetimeFor } from './heartbeat.ts'
import { roomiestNeighbour } from './missed.ts'
import { type DirectorySyncer, presenceSync, type SyncedAnnouncement } from './synced.ts'
import type { PresenceComponents, PresenceEvents, PresenceInit } from './types.ts'

export type { PresenceComponents, PresenceEvents, PresenceInit } from './types.ts'

/** Tells the network who we are, and keeps the list of who else is online. */
export class PresenceService extends TypedEventEmitter<PresenceEvents> implements Startable {
  readonly directory: Directory
  private readonly admission: Admission
  private readonly trustedForwarder: (peer: PeerId) => boolean
  private readonly localizeAddr: (addr: Multiaddr) => Multiaddr
  private readonly components: PresenceComponents
  private readonly log: Logger
  private readonly name: string
  private readonly heartbeatIntervalMs: number
  private readonly relayedHeartbeatIntervalMs: number
  private readonly firstJoinRelayWaitMs: number
  private heartbeat?: ReturnType<typeof setInterval>
  private readonly answers: NewcomerAnswers
  private readonly sync?: PresenceSync
  private readonly syncer?: DirectorySyncer
  private readonly disconnectChecks: DisconnectChecks
  private readonly shutdown = new AbortController()
  /** the addresses in our last announcement, to notice when they change */
  private announcedAddrs = ''
  /** our last announcement, if it reached someone */
  private lastHeard?: LastAnnouncement
  private addrTimer?: ReturnType<typeof setTimeout>
  /** set when a relay slot came back: the next address check announces us whether or not the addresses changed */
  private announceOwed = false

  constructor(components: PresenceComponents, init: PresenceInit) {
    super()
    this.components = components
    this.log = components.logger.forComponent('p2pchat:presence')
    this.name = init.name
    this.heartbeatIntervalMs = init.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS
    this.relayedHeartbeatIntervalMs = init.relayedHeartbeatIntervalMs ?? RELAYED_HEARTBEAT_INTERVAL_MS
    this.disconnectChecks = new DisconnectChecks({
      connectionManager: components.connectionManager,
      delayMs: init.disconnectCheckDelayMs ?? 1000,
      gone: (peer) => this.unreachable(peer.toString()),
      log: this.log,
      signal: this.shutdown.signal
    })
    this.firstJoinRelayWaitMs = init.firstJoinRelayWaitMs ?? 0
    this.directory = new Directory({ ttlMs: init.ttlMs })
    this.trustedForwarder = init.trustedForwarder ?? (() => false)
    this.localizeAddr = init.localizeAddr ?? ((addr) => addr)
    const known = (author: string): boolean => this.directory.has(author)
    this.admission = new Admission({
      connectionManager: components.connectionManager,
      trusted: this.trustedForwarder,
      known,
      refused: (author) => this.syncer?.missed(author),
      log: this.log
    })
    this.answers = new NewcomerAnswers(
      () => this.announce('alive'),
      () => this.directory.size,
      init.random ?? Math.random
    )
    const registrar = optionalComponent(() => components.registrar)
    if (registrar != null) {
      ;({ sync: this.sync, syncer: this.syncer } = presenceSync(
        { registrar, connectionManager: components.connectionManager, logger: components.logger },
        {
          entries: () => this.directory.signedEntries(Date.now()),
          trusted: this.trustedForwarder,
          take: (synced, via) => this.takeSynced(synced, via),
          known,
          refillSource: (exclude) =>
            roomiestNeighbour(components.pubsub.getSubscribers(PRESENCE_TOPIC), exclude, (p) => this.admission.room(p)),
          ttlMs: init.ttlMs ?? PRESENCE_TTL_MS,
          log: this.log,
          signal: this.shutdown.signal
        }
      ))
    }
    this.onMessage = this.onMessage.bind(this)
    this.onSubscriptionChange = this.onSubscriptionChange.bind(this)
    this.onPeerDisconnect = this.onPeerDisconnect.bind(this)
    this.onSelfUpdate = this.onSelfUpdate.bind(this)
  }

  async start(): Promise<void> {
    await this.sync?.start()
    const { pubsub, events } = this.components
    pubsub.topicValidators.set(PRESENCE_TOPIC, (propagator, msg) => this.admission.gossip(propagator, msg))
    pubsub.addEventListener('message', this.onMessage)
    pubsub.addEventListener('subscription-change', this.onSubscriptionChange)
    events.addEventListener('peer:disconnect', this.onPeerDisconnect)
    events.addEventListener('self:peer:update', this.onSelfUpdate)
  }

  /** Gossipsub is running once every service has started, so only now can we announce ourselves. */
  async afterStart(): Promise<void> {
    this.components.pubsub.subscribe(PRESENCE_TOPIC)
    const joined = this.join()
    if (this.firstJoinRelayWaitMs === 0) {
      await joined
    }
  }

  /** Announces us once (after our relay slot, see first-join.ts), then every heartbeat. */
  private async join(): Promise<void> {
    const { signal } = this.shutdown
    const relayed = await untilRelayed(this.components, this.trustedForwarder, this.firstJoinRelayWaitMs, signal)
    if (signal.aborted) {
      return
    }
    const announced = publishJoin(() => this.announce('join'), this.trustedForwarder, relayed, signal)
    this.answers.afterJoin()
    await announced
    this.heartbeat = setInterval(() => this.tick(), this.heartbeatIntervalMs)
    // a slot on another relay granted while the join went out is news too (onSelfUpdate waits for the heartbeat)
    this.onSelfUpdate()
  }

  /** Every HEARTBEAT_INTERVAL_MS: drops peers past their lifetime, and announces us if it is time (heartbeat.ts). */
  private tick(): void {
    const now = Date.now()
    const due = heartbeatDue({
      now,
      intervalMs: this.intervalMs(this.lastHeard?.vouched === true),
      tickMs: this.heartbeatIntervalMs,
      lobbyTail: this.lobbyTail(),
      last: this.lastHeard
    })
    if (due) {
      void this.announce('alive')
    }
    this.applyAll(this.directory.expire(now))
  }

  /** Every few minutes when a relay vouches for us, else in proportion to the crowd we list (heartbeat.ts). */
  private intervalMs(vouched: boolean): number {
    return vouched
      ? this.relayedHeartbeatIntervalMs
      : lanHeartbeatIntervalMs(this.directory.size, this.heartbeatIntervalMs)
  }

  private lobbyTail(): SenderSeq | undefined {
    return optionalComponent(() => this.components.lobby)?.lastPosted()
  }

  /** Stops announcing without a goodbye: an account deletion notice must not be followed by an `alive`. */
  silence(): void {
    this.shutdown.abort()
    clearInterval(this.heartbeat)
    this.answers.stop()
    clearTimeout(this.addrTimer)
  }

  /** Says goodbye while connections are still open, so others see us leave at once instead of after the TTL. */
  async beforeStop(): Promise<void> {
    this.silence()
    await this.announce('leave')
    // gossipsub queues the frame; give it a moment on the wire before connections close under it
    await new Promise((resolve) => setTimeout(resolve, LEAVE_FLUSH_MS))
  }

  async stop(): Promise<void> {
    await this.sync?.stop()
    const { pubsub, events } = this.components
    pubsub.removeEventListener('message', this.onMessage)
    pubsub.removeEventListener('subscription-change', this.onSubscriptionChange)
    events.removeEventListener('peer:disconnect', this.onPeerDisconnect)
    events.removeEventListener('self:peer:update', this.onSelfUpdate)
    pubsub.topicValidators.delete(PRESENCE_TOPIC)
  }

  /** Online peers other than ourselves. */
  list(): DirectoryEntry[] {
    return this.directory.list()
  }

  /** Drops a peer a relay saw leave at `leftAt`, unless it announced itself after that (the notice came late). */
  forget(peerId: string, leftAt = Number.POSITIVE_INFINITY): void {
    const entry = this.directory.get(peerId)
    if (entry != null && entry.ts > leftAt) {
      return
    }
    this.applyAll(optionalChange(this.directory.remove(peerId, 'left')))
  }

  /**
   * A relay slot of ours came back after we lost it: the relay may have told everyone we departed meanwhile, so we
   * announce ourselves again even if our addresses are as they were (our next heartbeat may be minutes away).
   */
  relayRegained(): void {
    this.announceOwed = true
    this.onSelfUpdate()
  }

  /**
   * A peer we lost our connection to did not answer our dial. One a relay vouches for is left to that relay's notice
   * and its lifetime: the dial may have failed with the relay between us down, and it would not announce again soon.
   */
  private unreachable(peerId: string): void {
    if (this.directory.has(peerId) && this.directory.relaysOf(peerId).size === 0) {
      this.applyAll(optionalChange(this.directory.remove(peerId)))
    }
  }

  /**
   * Publishes our announcement; resolves with the peers it was handed to. Named in it, a relay of ours vouches for us,
   * so we announce a lifetime of minutes and repeat ourselves as rarely (RELAYED_HEARTBEAT_INTERVAL_MS); without
   * one, a lifetime of three of our current intervals, which grow with the crowd.
   */
  private async announce(kind: PresenceKind): Promise<Set<string>> {
    const addrs = ourAddrsToAnnounce(this.components)
    this.announcedAddrs = addrKey(addrs)
    const lobbyTail = this.lobbyTail()
    const vouched = namesOneOf(addrs, this.trustedForwarder)
    const intervalMs = this.intervalMs(vouched)
    const lifetimeMs = lifetimeFor(intervalMs, this.heartbeatIntervalMs, vouched)
    const ts = Date.now()
    const data = encodeAnnouncement({ kind, name: this.name, ts, addrs, lobbyTail, lifetimeMs })
    try {
      const { recipients } = await this.components.pubsub.publish(PRESENCE_TOPIC, data)
      const reached = new Set(recipients.map((p) => p.toString()))
      this.answers.reachedBy(reached)
      // one that reached nobody (our relay was down) does not count: the next tick announces again
      this.lastHeard = reached.size > 0 ? { at: ts, lobbyTail, vouched, intervalMs } : undefined
      return reached
    } catch (err) {
      this.log.error('could not announce %s - %e', kind, err)
      return new Set()
    }
  }

  /** A new way to reach us (a relay slot granted or lost) is announced at once, not at the next heartbeat. */
  private onSelfUpdate(): void {
    if (this.heartbeat == null || this.addrTimer != null || this.shutdown.signal.aborted) {
      return
    }
    this.addrTimer = setTimeout(() => {
      this.addrTimer = undefined
      const owed = this.announceOwed
      this.announceOwed = false
      const current = addrKey(ourAddrsToAnnounce(this.components))
      if ((owed || current !== this.announcedAddrs) && !this.shutdown.signal.aborted) {
        void this.announce('alive')
      }
    }, ADDR_CHANGE_DELAY_MS)
  }

  private onMessage(evt: CustomEvent<Message>): void {
    const msg = evt.detail
    if (msg.topic !== PRESENCE_TOPIC || msg.type !== 'signed') {
      return
    }
    const peerId = msg.from.toString()
    if (peerId === this.components.peerId.toString()) {
      return
    }
    let announcement: ReturnType<typeof decodeAnnouncement>
    try {
      announcement = decodeAnnouncement(msg.data)
    } catch (err) {
      this.log('dropping bad announcement from %s - %e', peerId, err)
      return
    }
    this.take({ author: msg.from, announcement, signed: signedAnnouncementOf(msg), heardAt: Date.now() }, true)
  }

  /**
   * An announcement a presence sync passed on, already checked (synced.ts): taken within the budget of the peer that
   * passed it on, as if that peer had forwarded it over gossip (ignored over budget, and then false).
   */
  private takeSynced(synced: SyncedAnnouncement, via: PeerId): boolean {
    if (synced.author.equals(this.components.peerId)) {
      return true
    }
    const admitted = this.admission.synced(synced.author, via)
    if (admitted) {
      this.take(synced, false)
    }
    return admitted
  }

  /**
   * Applies one authenticated announcement to the directory and tells the node what changed. `live`: it came over
   * gossip just now (a join then gets answered), rather than from a sync (what a neighbour heard a while ago).
   */
  private take(a: Omit<SyncedAnnouncement, 'signed'> & { signed?: SignedAnnouncement }, live: boolean): void {
    const { announcement } = a
    const peerId = a.author.toString()
    const known = this.directory.has(peerId)
    const addrsBefore = this.directory.get(peerId)?.addrs
    const change = this.directory.apply(peerId, announcement, a.heardAt, a.signed)
    this.applyAll(this.directory.takeEvicted())
    if (!this.directory.has(peerId)) {
      this.admission.budget.release(peerId)
    }
    const joined = change?.type === 'join' || (announcement.kind === 'join' && !known)
    if (live && joined && needsAnswer(a.author, this.connectedPeers(), this.trustedForwarder)) {
      this.answers.joined(peerId)
    }
    if (announcement.lobbyTail != null) {
      this.safeDispatchEvent('tail', { detail: { peerId: a.author, lobby: announcement.lobbyTail } })
    }
    if (change != null) {
      if (change.type !== 'leave') {
        this.rememberAddrs(a.author, announcement.addrs)
      }
      this.applyAll([change])
    } else if (addrsChanged(addrsBefore, this.directory.get(peerId)?.addrs, announcement.addrs)) {
      // new addresses of a peer we knew (it reserved a relay slot after its first announcement reached us): without
      // them we could not dial it where it is now reachable, only where it was
      this.rememberAddrs(a.author, announcement.addrs)
    }
  }

  private connectedPeers(): PeerId[] {
    return this.components.connectionManager.getConnections().map((c) => c.remotePeer)
  }

  private rememberAddrs(peer: PeerId, addrs: Uint8Array[]): void {
    const multiaddrs = dialableAddrs(addrs, this.localizeAddr)
    this.components.peerStore.merge(peer, { multiaddrs }).catch((err: unknown) => {
      this.log.error('could not store addresses of %p - %e', peer, err)
    })
  }

  private onSubscriptionChange(evt: CustomEvent<SubscriptionChangeData>): void {
    const joined = evt.detail.subscriptions.some((s) => s.topic === PRESENCE_TOPIC && s.subscribe)
    if (joined) {
      this.answers.subscribed(evt.detail.peerId.toString())
      this.syncer?.subscribed(evt.detail.peerId)
    }
  }

  /** A dropped connection may mean the peer died (disconnect-checks.ts). */
  private onPeerDisconnect(evt: CustomEvent<PeerId>): void {
    const peer = evt.detail
    const key = peer.toString()
    this.admission.budget.disconnected(key)
    this.answers.disconnected(key)
    if (this.directory.has(key)) {
      this.disconnectChecks.disconnected(peer)
    }
  }

  private applyAll(changes: DirectoryChange[]): void {
    for (const change of changes) {
      if (change.type === 'leave') {
        this.admission.budget.release(change.entry.peerId)
      }
      if (change.type === 'join') {
        this.safeDispatch('join', change.entry)
      } else if (change.type === 'leave') {
        this.safeDispatch('leave', { entry: change.entry, reason: change.reason })
      } else {
        this.safeDispatch('rename', { entry: change.entry, previousName: change.previousName })
      }
    }
  }

  private safeDispatch<K extends keyof PresenceEvents>(type: K, detail: PresenceEvents[K]['detail']): void {
    this.safeDispatchEvent(type, { detail })
  }
}

/** Address updates often come in bursts (one per relay address); announce once they settle. */
const ADDR_CHANGE_DELAY_MS = 100

function optionalChange(change: DirectoryChange | undefined): DirectoryChange[] {
  return change == null ? [] : [change]
}

/** Service factory: `services: { presence: presence({ name }) }`, after `pubsub`. */
export function presence(init: PresenceInit): (components: PresenceComponents) => PresenceService {
  return (components) => new PresenceService(components, init)
}
