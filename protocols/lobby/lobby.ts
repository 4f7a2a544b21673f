import { type GossipSub, type Message, TopicValidatorResult } from '@libp2p/gossipsub'
import type { ComponentLogger, Logger, PeerId, Startable } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { decodingValidator } from '../common/gossip-validator.ts'
import { PeerBudget } from '../common/peer-budget.ts'
import { decodeLobbyPost, encodeLobbyPost, type LobbyPost } from './codec.ts'
import { LOBBY_POST_BURST, LOBBY_POSTS_PER_SECOND, LOBBY_RATE_KEYS, LOBBY_TOPIC, SEEN_CACHE_SIZE } from './constants.ts'

export interface LobbyComponents {
  pubsub: Pick<
    GossipSub,
    'topicValidators' | 'addEventListener' | 'removeEventListener' | 'subscribe' | 'unsubscribe' | 'publish'
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
  post: CustomEvent<{ from: PeerId; post: LobbyPost }>
}

/** Broadcast chat: one gossipsub topic, signed messages, malformed ones rejected before they spread. */
export class LobbyService extends TypedEventEmitter<LobbyEvents> implements Startable {
  private readonly components: LobbyComponents
  private readonly log: Logger
  private readonly seen = new Set<string>()
  private readonly allowance: PeerBudget

  constructor(components: LobbyComponents, init: LobbyInit = {}) {
    super()
    this.components = components
    this.allowance = new PeerBudget({
      capacity: init.burst ?? LOBBY_POST_BURST,
      refillPerSecond: init.postsPerSecond ?? LOBBY_POSTS_PER_SECOND,
      maxKeys: LOBBY_RATE_KEYS
    })
    this.log = components.logger.forComponent('p2pchat:lobby')
    this.onMessage = this.onMessage.bind(this)
  }

  start(): void {
    const { pubsub } = this.components
    pubsub.topicValidators.set(LOBBY_TOPIC, (_peer, msg) => this.validate(msg))
    pubsub.addEventListener('message', this.onMessage)
  }

  /** libp2p starts services together; gossipsub takes subscriptions only once it runs. */
  afterStart(): void {
    this.components.pubsub.subscribe(LOBBY_TOPIC)
  }

  beforeStop(): void {
    this.components.pubsub.unsubscribe(LOBBY_TOPIC)
  }

  stop(): void {
    const { pubsub } = this.components
    pubsub.removeEventListener('message', this.onMessage)
    pubsub.topicValidators.delete(LOBBY_TOPIC)
  }

  /**
   * Gossipsub validator: malformed posts, and posts past their sender's allowance, are rejected (never delivered
   * nor forwarded, and the peer that sent them is scored down).
   */
  validate(msg: Message, now: number = Date.now()): TopicValidatorResult {
    const verdict = validate(msg)
    if (verdict !== TopicValidatorResult.Accept || msg.type !== 'signed') {
      return verdict
    }
    if (!this.allowance.take(msg.from.toString(), 1, now)) {
      this.log('rejecting a post from %p: over its rate', msg.from)
      return TopicValidatorResult.Reject
    }
    return verdict
  }

  /** Publishes a post; resolves with how many peers it was handed to directly. */
  async publish(post: LobbyPost): Promise<number> {
    const result = await this.components.pubsub.publish(LOBBY_TOPIC, encodeLobbyPost(post))
    return result.recipients.length
  }

  private onMessage(evt: CustomEvent<Message>): void {
    const msg = evt.detail
    if (msg.topic !== LOBBY_TOPIC || msg.type !== 'signed') {
      return
    }
    let post: LobbyPost
    try {
      post = decodeLobbyPost(msg.data)
    } catch (err) {
      this.log('dropping bad post from %p - %e', msg.from, err)
      return
    }
    if (!this.firstSighting(`${msg.from.toString()}/${post.id}`)) {
      return
    }
    this.safeDispatchEvent('post', { detail: { from: msg.from, post } })
  }

  /** Gossipsub dedupes by sequence number; a sender re-publishing the same id is dropped here. */
  private firstSighting(key: string): boolean {
    if (this.seen.has(key)) {
      return false
    }
    this.seen.add(key)
    if (this.seen.size > SEEN_CACHE_SIZE) {
      const oldest = this.seen.values().next().value
      if (oldest != null) {
        this.seen.delete(oldest)
      }
    }
    return true
  }
}

/** Gossipsub validator: unsigned, malformed or oversized posts are rejected and never forwarded. */
export const validate = decodingValidator(decodeLobbyPost)

/** Service factory: `services: { lobby: lobby() }`, after `pubsub`. */
export function lobby(init: LobbyInit = {}): (components: LobbyComponents) => LobbyService {
  return (components) => new LobbyService(components, init)
}
