import type { GossipSub, Message } from '@libp2p/gossipsub'
import type { ComponentLogger, Logger, PeerId, Startable } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { BoundedSet } from '../common/bounded-set.ts'
import { unsubscribeIfStarted } from '../common/components.ts'
import { abortableDelay } from '../common/delay.ts'
import { decodingValidator } from '../common/gossip-validator.ts'
import { decodeNotice, encodeNotice, type Notice } from './codec.ts'
import { ANNOUNCE_SLACK_MS, DELETION_TOPIC, NOTICE_FLUSH_MS, PEER_POLL_INTERVAL_MS, SEEN_NOTICES } from './constants.ts'

export interface DeletionComponents {
  peerId: PeerId
  pubsub: GossipSub
  logger: ComponentLogger
}

export interface DeletionEvents {
  /** `from` destroyed its account: forget it and everything cached of it */
  notice: CustomEvent<{ from: PeerId; notice: Notice }>
}

/**
 * Account deletion notices on their own gossipsub topic. Signed by the sender's key (StrictSign) and checked
 * by a topic validator, so a malformed, unsigned or stale notice is neither acted on nor forwarded.
 */
export class DeletionService extends TypedEventEmitter<DeletionEvents> implements Startable {
  private readonly components: DeletionComponents
  private readonly log: Logger
  private readonly seen = new BoundedSet<string>(SEEN_NOTICES)

  constructor(components: DeletionComponents) {
    super()
    this.components = components
    this.log = components.logger.forComponent('p2pchat:deletion')
    this.onMessage = this.onMessage.bind(this)
  }

  start(): void {
    const { pubsub } = this.components
    pubsub.topicValidators.set(DELETION_TOPIC, (_peer, msg) => validate(msg))
    pubsub.addEventListener('message', this.onMessage)
  }

  afterStart(): void {
    this.components.pubsub.subscribe(DELETION_TOPIC)
  }

  beforeStop(): void {
    unsubscribeIfStarted(this.components.pubsub, DELETION_TOPIC)
  }

  stop(): void {
    const { pubsub } = this.components
    pubsub.removeEventListener('message', this.onMessage)
    pubsub.topicValidators.delete(DELETION_TOPIC)
  }

  /** Peers that would hear a notice published now. */
  subscribers(): PeerId[] {
    return this.components.pubsub.getSubscribers(DELETION_TOPIC)
  }

  /**
   * Tells the network that our account is gone, first waiting up to `waitForPeersMs` for a peer to tell, then
   * giving the frame a moment on the wire before the caller closes connections. Resolves with how many peers it
   * was handed to directly.
   */
  async announce(options: { waitForPeersMs?: number; signal?: AbortSignal } = {}): Promise<number> {
    const signal = options.signal ?? AbortSignal.timeout((options.waitForPeersMs ?? 0) + ANNOUNCE_SLACK_MS)
    const deadline = Date.now() + (options.waitForPeersMs ?? 0)
    while (this.subscribers().length === 0 && Date.now() < deadline && !signal.aborted) {
      await abortableDelay(PEER_POLL_INTERVAL_MS, signal)
    }
    const result = await this.components.pubsub.publish(DELETION_TOPIC, encodeNotice({ ts: Date.now() }))
    await abortableDelay(NOTICE_FLUSH_MS, signal)
    return result.recipients.length
  }

  private onMessage(evt: CustomEvent<Message>): void {
    const msg = evt.detail
    if (msg.topic !== DELETION_TOPIC || msg.type !== 'signed') {
      return
    }
    const from = msg.from.toString()
    if (from === this.components.peerId.toString()) {
      return
    }
    let notice: Notice
    try {
      notice = decodeNotice(msg.data)
    } catch (err) {
      this.log('dropping bad deletion notice from %p - %e', msg.from, err)
      return
    }
    const key = `${from}/${notice.ts}`
    if (!this.seen.addNew(key)) {
      return
    }
    this.safeDispatchEvent('notice', { detail: { from: msg.from, notice } })
  }
}

/** Gossipsub validator: only signed, well-formed, fresh notices are accepted and forwarded. */
export const validate = decodingValidator(decodeNotice)

/** Service factory: `services: { deletion: deletionNotices() }`, after `pubsub`. */
export function deletionNotices(): (components: DeletionComponents) => DeletionService {
  return (components) => new DeletionService(components)
}
