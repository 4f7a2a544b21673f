import type { GossipSub } from '@libp2p/gossipsub'
import type {
  AbortOptions,
  ComponentLogger,
  Connection,
  Libp2pEvents,
  Logger,
  PeerId,
  PrivateKey,
  Startable,
  Stream,
  TypedEventTarget
} from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import { unsubscribeIfStarted } from '../common/components.ts'
import { SenderSeqCounter } from '../common/decode.ts'
import { validateText } from '../common/text.ts'
import { UnheardFrames } from '../common/unheard.ts'
import { Announcer } from './announcer.ts'
import { type AntiEntropy, groupAntiEntropy } from './anti-entropy.ts'
import type { GroupChange } from './changes.ts'
import { encodePost, encodePostFrame, type GroupPost } from './codec.ts'
import {
  ADMIN_REKEY_DELAY_MS,
  DIRECTORY_TOPIC,
  GROUP_PROTOCOL,
  GROUP_TIMEOUT_MS,
  MAX_INBOUND_STREAMS,
  MAX_OUTBOUND_STREAMS,
  MAX_UNHEARD_BYTES,
  MAX_UNHEARD_POSTS,
  UNHEARD_TTL_MS
} from './constants.ts'
import { signPostBody } from './crypto.ts'
import { GroupDirectory, type ListedGroup } from './directory.ts'
import { GroupEngine, type GroupPersistence, memoryPersistence } from './engine.ts'
import { keyOfPeerId, type VerifiedEntry } from './entries.ts'
import { GroupFullError, InvalidGroupOperationError, NotAuthorizedError, UnknownGroupError } from './errors.ts'
import type { EmitGroupEvent, GroupServiceEvents } from './events.ts'
import { Inbound } from './inbound.ts'
import { Invitations } from './invitations.ts'
import { acceptInvitation, declineInvitation, joinListed } from './joining.ts'
import { GroupLog } from './log.ts'
import { createGroupEntry, type Op } from './ops.ts'
import { Reactions } from './reactions.ts'
import { Reporter } from './report.ts'
import type { GroupRuntime } from './runtime.ts'
import { StateRejection } from './state.ts'
import { serveGroupStream } from './streams.ts'
import { Sync } from './sync.ts'

export interface GroupServiceComponents {
  peerId: PeerId
  privateKey: PrivateKey
  pubsub: GossipSub
  registrar: Registrar
  connectionManager: ConnectionManager
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

export interface GroupServiceInit {
  /** our display name, recorded in the entries we sign */
  name: string
  /** where logs are kept between runs. @default nothing is kept */
  persistence?: GroupPersistence
  /** @default ANNOUNCE_INTERVAL_MS */
  announceIntervalMs?: number
  /** @default LISTING_TTL_MS */
  listingTtlMs?: number
  /** @default GROUP_TIMEOUT_MS */
  timeoutMs?: number
  /** @default ADMIN_REKEY_DELAY_MS */
  adminRekeyDelayMs?: number
  /** @default ANTI_ENTROPY_INTERVAL_MS */
  antiEntropyIntervalMs?: number
}

/**
 * Groups: signed membership logs, one gossipsub topic per group (sealed with the group key when private), public
 * groups announced on a directory topic, and a direct protocol for invitations and log sync.
 */
export class GroupService extends TypedEventEmitter<GroupServiceEvents> implements Startable {
  readonly engine: GroupEngine
  readonly directory: GroupDirectory
  readonly invitations: Invitations
  readonly announcer: Announcer
  readonly inbound: Inbound
  readonly sync: Sync
  /** our posts that reached nobody, published again when a member appears */
  readonly unheard = new UnheardFrames({
    maxFrames: MAX_UNHEARD_POSTS,
    maxBytes: MAX_UNHEARD_BYTES,
    ttlMs: UNHEARD_TTL_MS
  })
  private readonly components: GroupServiceComponents
  private readonly log: Logger
  private readonly timeoutMs: number
  private readonly reporter: Reporter
  private readonly reactions: Reactions
  private readonly antiEntropy: AntiEntropy<PeerId>
  private readonly shutdown = new AbortController()
  private readonly counter = new SenderSeqCounter()
  private running = false
  name: string

  constructor(components: GroupServiceComponents, init: GroupServiceInit) {
    super()
    this.components = components
    this.log = components.logger.forComponent('p2pchat:group')
    this.name = init.name
    this.timeoutMs = init.timeoutMs ?? GROUP_TIMEOUT_MS
    this.directory = new GroupDirectory(init.listingTtlMs, undefined, (peer) => this.sharesGroupWith(peer))
    this.invitations = new Invitations({ known: (peer) => this.sharesGroupWith(peer) })
    this.reporter = new Reporter((detail) => this.emit('rejected', detail), this.log)
    this.reactions = new Reactions(this, components.pubsub, init.adminRekeyDelayMs ?? ADMIN_REKEY_DELAY_MS, this.log)
    const persistence = init.persistence ?? memoryPersistence
    this.engine = new GroupEngine(components.privateKey, persistence, this.reactions.engineHooks(), this.log)
    this.sync = new Sync(this, components.connectionManager, this.reporter, this.log)
    this.inbound = new Inbound(this, this.sync, this.reporter)
    this.announcer = new Announcer({
      intervalMs: init.announceIntervalMs,
      announcements: () => this.inbound.announcements(),
      heardSince: (groupId, since) =>
        [...(this.directory.get(groupId)?.announcers ?? new Map<string, number>())].some(
          ([peer, at]) => peer !== this.engine.me && at > since
        ),
      publish: async (data) => {
        await this.components.pubsub.publish(DIRECTORY_TOPIC, data).catch((err: unknown) => {
          this.log('could not announce - %e', err)
        })
      },
      tick: (now) => this.directory.expire(now)
    })
    this.antiEntropy = groupAntiEntropy(this.engine, components.pubsub, this.sync, init.antiEntropyIntervalMs)
    this.handle = this.handle.bind(this)
  }

  async start(): Promise<void> {
    const { registrar, pubsub, events } = this.components
    await registrar.handle(GROUP_PROTOCOL, this.handle, {
      maxInboundStreams: MAX_INBOUND_STREAMS,
      maxOutboundStreams: MAX_OUTBOUND_STREAMS,
      runOnLimitedConnection: true
    })
    pubsub.topicValidators.set(DIRECTORY_TOPIC, (_peer, msg) => this.inbound.validateAnnouncement(msg))
    pubsub.addEventListener('subscription-change', this.reactions.onSubscriptionChange)
    events.addEventListener('peer:connect', this.reactions.onPeerConnect)
    await this.engine.load()
  }

  /** gossipsub takes subscriptions once it runs */
  afterStart(): void {
    this.running = true
    this.components.pubsub.subscribe(DIRECTORY_TOPIC)
    for (const runtime of this.engine.all()) {
      this.reactions.goOnline(runtime)
    }
    this.announcer.start()
    this.antiEntropy.start()
  }

  async beforeStop(): Promise<void> {
    this.running = false
    this.shutdown.abort()
    this.announcer.stop()
    this.antiEntropy.stop()
    const { pubsub } = this.components
    for (const runtime of this.engine.all()) {
      clearTimeout(runtime.rekeyTimer)
      unsubscribeIfStarted(pubsub, runtime.topic)
    }
    unsubscribeIfStarted(pubsub, DIRECTORY_TOPIC)
    await this.engine.flush()
  }

  async stop(): Promise<void> {
    const { registrar, pubsub, events } = this.components
    await registrar.unhandle(GROUP_PROTOCOL)
    pubsub.removeEventListener('subscription-change', this.reactions.onSubscriptionChange)
    events.removeEventListener('peer:connect', this.reactions.onPeerConnect)
    pubsub.topicValidators.delete(DIRECTORY_TOPIC)
    for (const runtime of this.engine.all()) {
      pubsub.topicValidators.delete(runtime.topic)
    }
  }

  get me(): string {
    return this.engine.me
  }

  /** Whether `peer` is a member of one of our groups: such peers win over strangers when room is short. */
  sharesGroupWith(peer: string): boolean {
    return peer !== this.me && this.engine.all().some((r) => r.state.members.has(peer))
  }

  /** Our groups. */
  groups(): GroupRuntime[] {
    return this.engine.all()
  }

  group(groupId: string): GroupRuntime | undefined {
    return this.engine.get(groupId)
  }

  /** Public groups heard of on the directory topic (ours included once another member announced them). */
  listed(): ListedGroup[] {
    return this.directory.list()
  }

  /** Creates a group with us as owner. */
  async create(name: string, opts: { private?: boolean; description?: string } = {}): Promise<GroupRuntime> {
    const genesis = await createGroupEntry(this.components.privateKey, {
      name,
      description: opts.description ?? '',
      private: opts.private ?? false,
      memberName: this.name
    })
    const runtime = this.engine.adopt(GroupLog.create(genesis))
    // stored before it is reported created, like every change we make
    await this.engine.stored(runtime.id)
    this.emitChange({ type: 'joined', groupId: runtime.id }, runtime)
    return runtime
  }

  /** Joins a listed public group: fetches its log from a member, then signs our JOIN. */
  async join(groupId: string, options: AbortOptions = {}): Promise<GroupRuntime> {
    return joinListed(this, groupId, options)
  }

  /** Accepts an invitation: brings its log up to date, signs our JOIN, and starts reading the group. */
  async accept(inviteId: string, options: AbortOptions = {}): Promise<GroupRuntime> {
    return acceptInvitation(this, inviteId, options)
  }

  /** Declines an invitation and asks the inviter to withdraw it (and the key that came with it). */
  async decline(inviteId: string, options: AbortOptions = {}): Promise<{ notified: boolean }> {
    return declineInvitation(this, inviteId, options)
  }

  /** Leaves a group; in a private group an admin then rotates the key. */
  async leave(groupId: string): Promise<void> {
    await this.act(this.mine(groupId), { kind: 'leave' })
  }

  /** Invites a user (by PeerId); resolves with whether the invitation reached them now (else: when they connect). */
  async invite(
    groupId: string,
    peerId: string,
    name: string,
    options: AbortOptions = {}
  ): Promise<{ delivered: boolean }> {
    const runtime = this.mine(groupId)
    await this.act(runtime, { kind: 'invite', subject: keyOfPeerId(peerId), memberName: name })
    try {
      await this.sync.deliverInvite(runtime, peerId, this.signal(options))
      return { delivered: true }
    } catch (err) {
      this.log('invitation for %s not delivered yet - %e', peerId, err)
      return { delivered: false }
    }
  }

  async remove(groupId: string, peerId: string): Promise<void> {
    await this.act(this.mine(groupId), { kind: 'remove', subject: keyOfPeerId(peerId) })
  }

  async promote(groupId: string, peerId: string): Promise<void> {
    await this.act(this.mine(groupId), { kind: 'promote', subject: keyOfPeerId(peerId) })
  }

  async demote(groupId: string, peerId: string): Promise<void> {
    await this.act(this.mine(groupId), { kind: 'demote', subject: keyOfPeerId(peerId) })
  }

  /** Changes the name and/or description (owner only). */
  async edit(groupId: string, changes: { name?: string; description?: string }): Promise<void> {
    const runtime = this.mine(groupId)
    const { name, description } = runtime.state
    await this.act(runtime, {
      kind: 'meta',
      name: changes.name ?? name,
      description: changes.description ?? description
    })
  }

  /** Rotates the key of a private group (owner and admins). */
  async rekey(groupId: string): Promise<void> {
    await this.act(this.mine(groupId), { kind: 'rekey' })
  }

  /** Posts to a group; resolves with the post and how many peers it was handed to directly. */
  async send(groupId: string, text: string): Promise<{ post: GroupPost; recipients: number }> {
    validateText(text)
    const runtime = this.mine(groupId)
    const post: GroupPost = {
      groupId,
      id: crypto.randomUUID(),
      ts: Date.now(),
      senderName: this.name,
      text,
      ...this.counter.next(groupId)
    }
    const body = encodePost(post)
    const frame = runtime.wrap(encodePostFrame(body, await signPostBody(this.components.privateKey, body)))
    runtime.firstSighting(this.me, post.id)
    const result = await this.components.pubsub.publish(runtime.topic, frame)
    this.emit('published', { groupId, topic: runtime.topic, data: frame })
    if (result.recipients.length === 0) {
      this.unheard.note(runtime.topic, frame, Date.now())
    }
    return { post, recipients: result.recipients.length }
  }

  /** Our runtime of a group, or UnknownGroupError. */
  mine(groupId: string): GroupRuntime {
    const runtime = this.engine.get(groupId)
    if (runtime == null) {
      throw new UnknownGroupError('you are not a member of that group')
    }
    return runtime
  }

  /** Authors, applies and publishes one of our operations, with local refusals turned into user errors. */
  async act(runtime: GroupRuntime, op: Op): Promise<VerifiedEntry> {
    try {
      const { entry, frame } = await this.engine.author(runtime, op)
      await this.components.pubsub.publish(runtime.topic, frame).catch((err: unknown) => {
        // applied locally already: members that missed it catch up by sync
        this.log('could not publish %s - %e', op.kind, err)
      })
      return entry
    } catch (err) {
      if (err instanceof StateRejection) {
        const Named =
          err.reason === 'not-authorized'
            ? NotAuthorizedError
            : err.reason === 'full'
              ? GroupFullError
              : InvalidGroupOperationError
        throw new Named(err.message)
      }
      throw err
    }
  }

  /** Emits a group change. */
  emitChange(change: GroupChange, runtime: GroupRuntime): void {
    const { groupId: id, name, private: isPrivate } = runtime.state
    this.emit('change', { change, group: { id, name, private: isPrivate } })
  }

  /** safeDispatchEvent with the detail checked against the event's type. */
  readonly emit: EmitGroupEvent = (type, detail) => {
    this.safeDispatchEvent(type, { detail })
  }

  signal(options: AbortOptions = {}): AbortSignal {
    return AbortSignal.any([
      AbortSignal.timeout(this.timeoutMs),
      this.shutdown.signal,
      ...(options.signal ? [options.signal] : [])
    ])
  }

  get isRunning(): boolean {
    return this.running
  }

  private async handle(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer
    try {
      await serveGroupStream(stream, peer, this.sync, this.signal())
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err))
      this.log('group stream from %p failed - %e', peer, error)
      stream.abort(error)
      this.reporter.report(undefined, peer.toString(), error)
    }
  }
}

/** Service factory: `services: { groups: groups({ name }) }`, after `pubsub`. */
export function groups(init: GroupServiceInit): (components: GroupServiceComponents) => GroupService {
  return (components) => new GroupService(components, init)
}
