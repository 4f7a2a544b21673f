import {
  type GossipSub,
  type Message,
  type SignedMessage,
  type SubscriptionChangeData,
  TopicValidatorResult
} from '@libp2p/gossipsub'
import type { ComponentLogger, Logger, PeerId, Startable } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { BoundedSet } from '../common/bounded-set.ts'
import { unsubscribeIfStarted } from '../common/components.ts'
import { type SenderSeq, SenderSeqCounter } from '../common/decode.ts'
import { decodingValidator } from '../common/gossip-validator.ts'
import { PeerBudget } from '../common/peer-budget.ts'
import { decodeLobbyPost, encodeLobbyPost, type LobbyPost } from './codec.ts'
import { LOBBY_POST_BURST, LOBBY_POSTS_PER_SECOND, LOBBY_RATE_KEYS, LOBBY_TOPIC, SEEN_CACHE_SIZE } from './constants.ts'
import { NewestSeq, UnheardLobby } from './unheard.ts'

export interface LobbyComponents {
  pubsub: Pick<
    GossipSub,
    | 'topicValidators'
    | 'addEventListener'
    | 'removeEventListener'
    | 'subscribe'
    | 'unsubscribe'
    | 'publish'
    | 'getSubscribers'
  >
  logger: ComponentLogger
}

export interface LobbyInit {
  /** @default LOBBY_POST_BURST */
  burst?: number
  /** @default LOBBY_POSTS_PER_SECOND */
  postsPerSecond?: number
}

export interface LobbyEvents {
  /** `catchUp`: it came late, by catch-up (after we missed it) or sent again by its sender after newer posts */
  post: CustomEvent<{ from: PeerId; post: LobbyPost; catchUp?: true }>
  /** one of our posts went out as `data` (what catch-up keeps to serve to peers who missed it) */
  published: CustomEvent<{ topic: string; data: Uint8Array }>
}

/** Broadcast chat: one gossipsub topic, signed messages, malformed ones rejected before they spread. */
export class LobbyService extends TypedEventEmitter<LobbyEvents> implements Startable {
  private readonly components: LobbyComponents
  private readonly log: Logger
  private readonly seen = new BoundedSet<string>(SEEN_CACHE_SIZE)
  /** posts the validator decoded, for the message event that follows it with the same object: decoded once */
  private readonly decoded = new WeakMap<Message, LobbyPost>()
  private readonly allowance: PeerBudget
  private readonly allowanceInit: { capacity: number; refillPerSecond: number }
  private readonly counter = new SenderSeqCounter()
  /** the newest post of each sender we showed, to tell one that comes late */
  private readonly newest = new NewestSeq(LOBBY_RATE_KEYS)
  /** our posts that reached nobody, published again when someone appears */
  private unheard: UnheardLobby

  constructor(components: LobbyComponents, init: LobbyInit = {}) {
    super()
    this.components = components
    this.allowanceInit = {
      capacity: init.burst ?? LOBBY_POST_BURST,
      refillPerSecond: init.postsPerSecond ?? LOBBY_POSTS_PER_SECOND
    }
    this.allowance = new PeerBudget({ ...this.allowanceInit, maxKeys: LOBBY_RATE_KEYS })
    this.log = components.logger.forComponent('p2pchat:lobby')
    this.unheard = this.newUnheard()
    this.onMessage = this.onMessage.bind(this)
    this.onSubscriptionChange = this.onSubscriptionChange.bind(this)
  }

  private newUnheard(): UnheardLobby {
    return new UnheardLobby({ pubsub: this.components.pubsub, log: this.log, allowance: this.allowanceInit })
  }

  start(): void {
    const { pubsub } = this.components
    pubsub.topicValidators.set(LOBBY_TOPIC, (_peer, msg) => this.validate(msg))
    pubsub.addEventListener('message', this.onMessage)
    pubsub.addEventListener('subscription-change', this.onSubscriptionChange)
    this.unheard = this.newUnheard()
  }

  /** libp2p starts services together; gossipsub takes subscriptions only once it runs. */
  afterStart(): void {
    this.components.pubsub.subscribe(LOBBY_TOPIC)
  }

  beforeStop(): void {
    unsubscribeIfStarted(this.components.pubsub, LOBBY_TOPIC)
  }

  stop(): void {
    const { pubsub } = this.components
    pubsub.removeEventListener('message', this.onMessage)
    pubsub.removeEventListener('subscription-change', this.onSubscriptionChange)
    pubsub.topicValidators.delete(LOBBY_TOPIC)
    this.unheard.stop()
  }

  /**
   * Gossipsub validator: malformed posts, and posts past their sender's allowance, are rejected (never delivered
   * nor forwarded, and the peer that sent them is scored down).
   */
  validate(msg: Message, now: number = Date.now()): TopicValidatorResult {
    if (msg.type !== 'signed') {
      return TopicValidatorResult.Reject
    }
    let post: LobbyPost
    try {
      post = decodeLobbyPost(msg.data, now)
    } catch {
      return TopicValidatorResult.Reject
    }
    if (!this.allowance.take(msg.from.toString(), 1, now)) {
      this.log('rejecting a post from %p: over its rate', msg.from)
      return TopicValidatorResult.Reject
    }
    this.decoded.set(msg, post)
    return TopicValidatorResult.Accept
  }

  /** Where our own posts stand in this run (announced with our presence, so that a lost last post is noticed). */
  lastPosted(): SenderSeq | undefined {
    return this.counter.last(LOBBY_TOPIC)
  }

  /**
   * Publishes a post (numbered in our sequence unless it already is); resolves with how many peers it reached. One
   * that reached nobody is kept and published again when a lobby subscriber appears (see UnheardLobby).
   */
  async publish(post: LobbyPost): Promise<number> {
    const numbered = post.seq == null ? { ...post, ...this.counter.next(LOBBY_TOPIC) } : post
    const data = encodeLobbyPost(numbered)
    const recipients = await this.unheard.publish(data)
    this.safeDispatchEvent('published', { detail: { topic: LOBBY_TOPIC, data } })
    return recipients
  }

  /** Our connection to a relay was lost: our latest posts may have been lost with it (see UnheardLobby.pathLost). */
  relayLost(): void {
    this.unheard.pathLost()
  }

  /** Our relay connection is back: our posts that reached nobody go out again to whoever is there now. */
  resendUnheard(): void {
    this.unheard.resend()
  }

  /** How many of our posts that reached nobody are kept to be published again. */
  get owedPosts(): number {
    return this.unheard.owed
  }

  /** A peer subscribed to the lobby: it may be the first to hear our posts that reached nobody. */
  private onSubscriptionChange(evt: CustomEvent<SubscriptionChangeData>): void {
    if (evt.detail.subscriptions.some((s) => s.subscribe && s.topic === LOBBY_TOPIC)) {
      this.unheard.resend()
    }
  }

  /** A fresh allowance per sender for checking one catch-up answer: the rate rule at the posts' own times. */
  catchUpAllowance(): PeerBudget {
    return new PeerBudget({ ...this.allowanceInit, maxKeys: LOBBY_RATE_KEYS })
  }

  /**
   * A post that came by catch-up, already checked to be signed by its sender: checked as the topic validator checks
   * gossip (well-formed, within its sender's allowance, measured on `allowance` at the post's own time), then
   * delivered as gossip is, marked `catchUp`. False when it was rejected or seen already.
   */
  deliverCaughtUp(msg: SignedMessage, allowance: PeerBudget): boolean {
    if (msg.topic !== LOBBY_TOPIC || validate(msg) !== TopicValidatorResult.Accept) {
      return false
    }
    const post = decodeLobbyPost(msg.data)
    if (!allowance.take(msg.from.toString(), 1, post.ts)) {
      this.log('rejecting a caught-up post from %p: over its rate', msg.from)
      return false
    }
    if (!this.firstSighting(`${msg.from.toString()}/${post.id}`)) {
      return false
    }
    this.safeDispatchEvent('post', { detail: { from: msg.from, post, catchUp: true } })
    return true
  }

  private onMessage(evt: CustomEvent<Message>): void {
    const msg = evt.detail
    if (msg.topic !== LOBBY_TOPIC || msg.type !== 'signed') {
      return
    }
    let post = this.decoded.get(msg)
    this.decoded.delete(msg)
    try {
      post ??= decodeLobbyPost(msg.data)
    } catch (err) {
      this.log('dropping bad post from %p - %e', msg.from, err)
      return
    }
    if (!this.firstSighting(`${msg.from.toString()}/${post.id}`)) {
      return
    }
    this.log('post %s (%d/%d) from %p', post.id, post.epoch, post.seq, msg.from)
    // a post older in its sender's sequence than one we showed came late (sent again after newer ones)
    const late = this.newest.isLate(msg.from.toString(), post)
    this.safeDispatchEvent('post', { detail: { from: msg.from, post, ...(late ? { catchUp: true as const } : {}) } })
  }

  /** Gossipsub dedupes by sequence number; a sender re-publishing the same id is dropped here. */
  private firstSighting(key: string): boolean {
    return this.seen.addNew(key)
  }
}

/** Gossipsub validator: unsigned, malformed or oversized posts are rejected and never forwarded. */
export const validate = decodingValidator(decodeLobbyPost)

/** Service factory: `services: { lobby: lobby() }`, after `pubsub`. */
export function lobby(init: LobbyInit = {}): (components: LobbyComponents) => LobbyService {
  return (components) => new LobbyService(components, init)
}
