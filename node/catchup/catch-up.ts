import type { GossipSub, SignedMessage, SubscriptionChangeData } from '@libp2p/gossipsub'
import type { ComponentLogger, Logger, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import {
  CatchUpRateLimitedError,
  CatchUpRefusedError,
  type CatchUpService,
  type Fetched,
  ForgedMessageError
} from '../../protocols/catchup/index.ts'
import { BoundedMap, endedEarly, errorMessage, MAX_CLOCK_SKEW_MS } from '../../protocols/common/index.ts'
import { type GroupRuntime, type GroupService, groupIdOfTopic, groupTopic } from '../../protocols/group/index.ts'
import { decodeLobbyPost, LOBBY_TOPIC, type LobbyService } from '../../protocols/lobby/index.ts'
import type { PresenceService } from '../../protocols/presence/index.ts'
import { errorCode } from '../errors.ts'
import type { EmitChatEvent } from '../events.ts'
import type { MessageArchive } from '../history.ts'
import { GapTracker, type Placed, SeenIds, showOrder } from './gaps.ts'
import { TailWatch } from './tails.ts'

export { TAIL_GRACE_MS } from './tails.ts'

/**
 * How far before the last message we heard in a conversation a request reaches back: senders' clocks and the
 * responder's differ a little, and what arrives twice is dropped by id anyway.
 */
export const CATCH_UP_SLACK_MS = 2 * 60 * 1000

/** The same peer is not asked for the same conversation again within this. */
export const ASK_COOLDOWN_MS = 10_000

/** How long after a refusal or a failed request a conversation is asked for once more (see retryOnce), plus jitter. */
export const RETRY_AFTER_MS = 2000
const RETRY_JITTER_MS = 2000

/** Requests under way at once, and waiting: more triggers than that in a burst are dropped (the next one asks). */
const MAX_ACTIVE = 2
const MAX_QUEUED = 64
/** (peer, conversation) pairs whose last request is remembered for the cooldown. */
const MAX_ASKED_KEYS = 4096
/** Messages of a conversation read from history at start, to know what was shown already. */
const HISTORY_SEED = 1000

export interface CatchUpNodeComponents {
  me: string
  service: Pick<CatchUpService, 'fetch' | 'keepOwn'>
  pubsub: Pick<GossipSub, 'addEventListener' | 'removeEventListener'>
  lobby: Pick<LobbyService, 'addEventListener' | 'catchUpAllowance' | 'deliverCaughtUp'>
  presence: Pick<PresenceService, 'addEventListener'>
  groups: Pick<GroupService, 'addEventListener' | 'group' | 'groups'> & {
    inbound: Pick<GroupService['inbound'], 'validateFrame'>
  }
  history: Pick<MessageArchive, 'history'>
  /** PeerIds of the relays we use: they keep the lobby for their clients */
  relays: () => PeerId[]
  emit: EmitChatEvent
  logger: ComponentLogger
}

interface Item extends Placed {
  msg: SignedMessage
  id: string
}

/**
 * The receiving side of catch-up: asks a peer for a conversation when it (re)appears on that conversation's topic
 * (we came online, or a partition healed) and when a sender's numbering skips; shows what comes back once, in order.
 */
export class CatchUpNode {
  private readonly seen = new SeenIds()
  private readonly gaps = new GapTracker()
  /** local time of the newest message of each conversation, and the earliest a request may reach back to */
  private readonly lastHeard = new Map<string, number>()
  private readonly floor = new Map<string, number>()
  private readonly asked = new BoundedMap<string, number>(MAX_ASKED_KEYS)
  private readonly retried = new Set<string>()
  private readonly tails: TailWatch
  /** requests waiting; `back`: how far back to reach, when further than usual (posts a sender skipped) */
  private readonly queue: Array<{ peer: PeerId; topic: string; back?: number }> = []
  private active = 0
  private running = false
  private seeded: Promise<void> = Promise.resolve()
  private markReady: () => void = () => {}
  private readonly log: Logger
  private readonly startedAt = Date.now()

  constructor(private readonly c: CatchUpNodeComponents) {
    this.log = c.logger.forComponent('p2pchat:catchup-node')
    this.tails = new TailWatch({
      me: c.me,
      behind: (sender, tail) => this.gaps.behind(LOBBY_TOPIC, sender, tail),
      hole: (sender) => this.gaps.hole(LOBBY_TOPIC, sender),
      earliestHole: () => this.gaps.earliestHole(LOBBY_TOPIC),
      ask: (peer, back) => this.enqueue(peer, LOBBY_TOPIC, back),
      relays: c.relays,
      log: this.log
    })
    this.onSubscriptions = this.onSubscriptions.bind(this)
    c.lobby.addEventListener('post', (evt) => {
      const { from, post, catchUp } = evt.detail
      this.heard(LOBBY_TOPIC, from, post, catchUp === true)
    })
    c.lobby.addEventListener('published', (evt) => c.service.keepOwn(evt.detail.topic, evt.detail.data))
    c.presence.addEventListener('tail', (evt) => this.tails.announced(evt.detail.peerId, evt.detail.lobby))
    c.groups.addEventListener('post', (evt) => {
      const { groupId, from, post, catchUp } = evt.detail
      const runtime = c.groups.group(groupId)
      if (runtime != null) {
        this.heard(runtime.topic, from, post, catchUp === true)
      }
    })
    c.groups.addEventListener('published', (evt) => c.service.keepOwn(evt.detail.topic, evt.detail.data))
    c.groups.addEventListener('change', (evt) => {
      const topic = groupTopic(evt.detail.group.id)
      if (evt.detail.change.type === 'joined' && !this.floor.has(topic)) {
        // a group joined in this run: nothing from before we were in it
        this.floor.set(topic, Date.now())
      }
    })
  }

  /** Listens from now on; requests wait for ready(). */
  start(): void {
    this.running = true
    this.c.pubsub.addEventListener('subscription-change', this.onSubscriptions)
    this.seeded = new Promise<void>((resolve) => {
      this.markReady = resolve
    }).then(() => this.seed().catch((err: unknown) => this.log('could not read history - %e', err)))
  }

  /** The services have started (our groups are loaded): read what history says was shown already. */
  ready(): void {
    this.markReady()
  }

  stop(): void {
    this.running = false
    this.queue.length = 0
    this.tails.stop()
    this.c.pubsub.removeEventListener('subscription-change', this.onSubscriptions)
  }

  /** What history says was shown already, and how far back each conversation should be asked for. */
  private async seed(): Promise<void> {
    const topics = [LOBBY_TOPIC, ...this.c.groups.groups().map((r) => r.topic)]
    for (const topic of topics) {
      const conversation = topic === LOBBY_TOPIC ? 'lobby' : (groupIdOfTopic(topic) ?? '')
      const stored = await this.c.history.history(conversation, HISTORY_SEED)
      for (const m of stored) {
        this.seen.add(topic, m.fromPeerId, m.id)
      }
      const newest = stored.at(-1)
      this.floor.set(topic, newest == null ? this.startedAt : newest.ts - CATCH_UP_SLACK_MS)
      if (newest != null) {
        this.lastHeard.set(topic, Math.max(this.lastHeard.get(topic) ?? 0, newest.ts))
      }
    }
  }

  private heard(topic: string, from: string | PeerId, post: Partial<Placed> & { id: string }, catchUp: boolean): void {
    const sender = from.toString()
    this.seen.add(topic, sender, post.id)
    this.lastHeard.set(topic, Math.max(this.lastHeard.get(topic) ?? 0, Date.now()))
    if (post.epoch == null || post.seq == null) {
      return
    }
    const gap = this.gaps.observe(topic, sender, { epoch: post.epoch, seq: post.seq })
    if (gap && !catchUp) {
      this.log('posts of %s in %s are missing: asking it', sender, topic)
      const back = this.gaps.hole(topic, sender)?.since
      this.enqueue(typeof from === 'string' ? peerIdFromString(from) : from, topic, back)
    }
  }

  /**
   * `peer` is reachable again without gossipsub saying so (our relay connection is back): ask it for every
   * conversation, as if its subscriptions had just arrived. The cooldown keeps this from asking twice.
   */
  peerBack(peer: PeerId): void {
    this.enqueue(peer, LOBBY_TOPIC)
    for (const runtime of this.c.groups.groups()) {
      this.enqueue(peer, runtime.topic)
    }
  }

  /** A peer's subscriptions reached us: it is (back) on some of our conversations' topics. */
  private onSubscriptions(evt: CustomEvent<SubscriptionChangeData>): void {
    const { peerId, subscriptions } = evt.detail
    for (const { topic, subscribe } of subscriptions) {
      if (subscribe && this.wanted(topic)) {
        this.enqueue(peerId, topic)
      }
    }
  }

  private wanted(topic: string): boolean {
    if (topic === LOBBY_TOPIC) {
      return true
    }
    const groupId = groupIdOfTopic(topic)
    return groupId != null && this.c.groups.group(groupId) != null
  }

  /** Queues a request of `topic` from `peer`; false if not (stopped, asked within the cooldown, queue full). */
  private enqueue(peer: PeerId, topic: string, back?: number): boolean {
    const key = `${peer.toString()} ${topic}`
    const now = Date.now()
    if (!this.running || now - (this.asked.get(key) ?? Number.NEGATIVE_INFINITY) < ASK_COOLDOWN_MS) {
      return false
    }
    if (this.queue.length >= MAX_QUEUED) {
      return false
    }
    this.asked.set(key, now)
    this.queue.push({ peer, topic, back })
    this.pump()
    return true
  }

  private pump(): void {
    while (this.running && this.active < MAX_ACTIVE && this.queue.length > 0) {
      const next = this.queue.shift()
      if (next == null) {
        return
      }
      this.active++
      void this.ask(next.peer, next.topic, next.back).finally(() => {
        this.active--
        this.pump()
      })
    }
  }

  /** How far back to ask: from a little before the newest message heard, or from `back` (a skip) if that is earlier. */
  private since(topic: string, back?: number): number {
    const floor = this.floor.get(topic) ?? this.startedAt
    const heard = this.lastHeard.get(topic)
    const usual = heard == null ? floor : Math.max(floor, heard - CATCH_UP_SLACK_MS)
    return back == null ? usual : Math.min(usual, Math.max(floor, back - CATCH_UP_SLACK_MS))
  }

  private async ask(peer: PeerId, topic: string, back?: number): Promise<void> {
    try {
      await this.seeded
      const fetched = await this.c.service.fetch(peer, topic, this.since(topic, back))
      this.log('%p had %d messages of %s for us', peer, fetched.messages.length, topic)
      await this.apply(fetched)
    } catch (err) {
      // a peer that is not a member, keeps nothing, or is gone again: others may answer
      this.log('catch-up of %s from %p failed - %e', topic, peer, err)
      if (worthRetrying(err, topic)) {
        this.retryOnce(peer, topic, back)
      }
    }
  }

  /**
   * Ask once more a little later (once per cooldown, so a peer that keeps refusing is not asked again): a relay
   * serves a group only to peers it knows are subscribed, and our subscriptions may reach it just after our request
   * did; a busy responder (many peers back at once after a relay restart) answers RATE_LIMITED or too late. The
   * jitter spreads those many peers' second tries.
   */
  private retryOnce(peer: PeerId, topic: string, back?: number): void {
    const key = `${peer.toString()} ${topic}`
    if (this.retried.has(key) || this.retried.size >= MAX_ASKED_KEYS) {
      return
    }
    this.retried.add(key)
    const timer = setTimeout(
      () => {
        this.asked.delete(key)
        this.enqueue(peer, topic, back)
        setTimeout(() => this.retried.delete(key), ASK_COOLDOWN_MS).unref?.()
      },
      RETRY_AFTER_MS + Math.random() * RETRY_JITTER_MS
    )
    timer.unref?.()
  }

  /** Shows what an answer brought that we had not shown yet, checked as gossip is, in order. */
  async apply(fetched: Fetched): Promise<void> {
    if (fetched.forged.length > 0) {
      this.report(
        fetched.from,
        new ForgedMessageError(
          `${fetched.forged.length} caught-up message(s) from ${fetched.from} failed their signature check: ${fetched.forged[0].message}`
        )
      )
    }
    if (!this.running) {
      return
    }
    if (fetched.topic === LOBBY_TOPIC) {
      this.applyLobby(fetched)
      return
    }
    const groupId = groupIdOfTopic(fetched.topic)
    const runtime = groupId == null ? undefined : this.c.groups.group(groupId)
    if (runtime != null) {
      await this.applyGroup(runtime, fetched)
    }
  }

  private applyLobby(fetched: Fetched): void {
    const items: Item[] = []
    for (const msg of fetched.messages) {
      try {
        const post = decodeLobbyPost(msg.data)
        if (post.ts < fetched.since - MAX_CLOCK_SKEW_MS) {
          // older than we asked for: a responder may not fill the screen with backdated posts
          continue
        }
        items.push({ msg, id: post.id, sender: msg.from.toString(), ts: post.ts, epoch: post.epoch, seq: post.seq })
      } catch (err) {
        this.report(msg.from, err)
      }
    }
    const allowance = this.c.lobby.catchUpAllowance()
    for (const item of showOrder(this.fresh(LOBBY_TOPIC, items))) {
      this.c.lobby.deliverCaughtUp(item.msg, allowance)
    }
  }

  private async applyGroup(runtime: GroupRuntime, fetched: Fetched): Promise<void> {
    const posts: Item[] = []
    for (const msg of fetched.messages) {
      const post = runtime.peekPost(msg.data)
      if (post == null) {
        // an entry, a frame under a key we do not hold (yet), or junk: the gossip path decides
        await this.c.groups.inbound.validateFrame(runtime, msg, true)
      } else {
        posts.push({ msg, id: post.id, sender: msg.from.toString(), ts: post.ts, epoch: post.epoch, seq: post.seq })
      }
    }
    for (const item of showOrder(this.fresh(runtime.topic, posts))) {
      await this.c.groups.inbound.validateFrame(runtime, item.msg, true)
    }
  }

  /** Items not ours and not shown before. */
  private fresh(topic: string, items: Item[]): Item[] {
    return items.filter((i) => i.sender !== this.c.me && !this.seen.has(topic, i.sender, i.id))
  }

  private report(peer: PeerId, err: unknown): void {
    this.c.emit('error', { code: errorCode(err), message: errorMessage(err), peerId: peer.toString() })
  }
}

/**
 * Whether a failed request is worth one more try: a refusal of a group (the responder may not have seen our
 * subscription yet), a rate limit, no answer at all (the stream ended first), or a stream or dial that failed. Not a
 * lobby refusal (the peer keeps no lobby) nor an answer that failed our checks.
 */
export function worthRetrying(err: unknown, topic: string): boolean {
  if (err instanceof CatchUpRefusedError) {
    return topic !== LOBBY_TOPIC
  }
  if (err instanceof CatchUpRateLimitedError || endedEarly(err)) {
    return true
  }
  const name = err instanceof Error ? err.name : ''
  return !['InvalidMessageError', 'MessageTooLargeError', 'ForgedMessageError'].includes(name)
}
