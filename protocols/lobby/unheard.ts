import type { GossipSub } from '@libp2p/gossipsub'
import type { Logger } from '@libp2p/interface'
import { PeerBudget } from '../common/peer-budget.ts'
import { UnheardFrames } from '../common/unheard.ts'
import {
  LOBBY_TOPIC,
  MAX_UNHEARD_LOBBY_BYTES,
  MAX_UNHEARD_LOBBY_POSTS,
  UNHEARD_LOBBY_RETRY_MS,
  UNHEARD_LOBBY_TTL_MS
} from './constants.ts'

export interface UnheardLobbyComponents {
  pubsub: Pick<GossipSub, 'publish' | 'getSubscribers'>
  log: Logger
  /** our posts per second and burst as every receiver allows them (the lobby's topic validator) */
  allowance: { capacity: number; refillPerSecond: number }
}

/** The one key of our own allowance. */
const SELF = 'self'

/**
 * Publishes our lobby posts and keeps those that reached nobody (`recipients: 0`) to publish them once more, the
 * same bytes (same id: receivers that have it already drop it), when a lobby subscriber appears or the relay comes
 * back. A peer appearing asks us for what it missed at once (catch-up), which may be before our post reached anyone.
 *
 * Our posts stay in send order: publishing is one at a time, and a new post goes out only after every owed one;
 * while owed posts wait for our allowance, a new post waits behind them (and reports `recipients: 0`). Posts sent
 * again count against our allowance as every receiver measures it, so this never sends more than receivers accept.
 */
export class UnheardLobby {
  private readonly store = new UnheardFrames({
    maxFrames: MAX_UNHEARD_LOBBY_POSTS,
    maxBytes: MAX_UNHEARD_LOBBY_BYTES,
    ttlMs: UNHEARD_LOBBY_TTL_MS
  })
  private readonly allowance: PeerBudget
  private queue: Promise<unknown> = Promise.resolve()
  private timer: ReturnType<typeof setTimeout> | undefined
  private stopped = false

  constructor(private readonly c: UnheardLobbyComponents) {
    this.allowance = new PeerBudget({ ...c.allowance, maxKeys: 1 })
  }

  /** Publishes a new post after the owed ones; resolves with how many peers it was handed to (0: it is owed too). */
  publish(data: Uint8Array): Promise<number> {
    return this.serially(async () => {
      await this.sendOwed()
      if (this.store.has(LOBBY_TOPIC, Date.now())) {
        this.store.note(LOBBY_TOPIC, data, Date.now())
        return 0
      }
      const recipients = await this.send(data)
      if (recipients === 0) {
        this.store.note(LOBBY_TOPIC, data, Date.now())
      }
      return recipients
    })
  }

  /** Someone appeared on the lobby topic (or our relay is back): our owed posts go out, as our allowance permits. */
  resend(): void {
    if (this.stopped) {
      return
    }
    this.serially(() => this.sendOwed()).catch((err: unknown) => this.c.log('could not publish posts again - %e', err))
  }

  /** Posts owed (kept to be sent again). */
  get owed(): number {
    return this.store.size
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.timer = undefined
  }

  /** Sends owed posts, oldest first, while a subscriber is there, each hears it, and our allowance lasts. */
  private async sendOwed(): Promise<void> {
    while (!this.stopped && this.c.pubsub.getSubscribers(LOBBY_TOPIC).length > 0) {
      const now = Date.now()
      if (!this.store.has(LOBBY_TOPIC, now)) {
        return
      }
      const available = this.allowance.available(SELF, now)
      if (available < 1) {
        this.retryLater(Math.ceil(((1 - available) / this.c.allowance.refillPerSecond) * 1000))
        return
      }
      const [next] = this.store.take(LOBBY_TOPIC, now, 1)
      let recipients = 0
      try {
        recipients = await this.send(next.frame)
      } catch (err) {
        this.c.log('could not publish a post again - %e', err)
      }
      if (recipients === 0) {
        // a subscriber we cannot reach yet (no stream to it so far): try again soon rather than wait for another
        this.store.restore([next], Date.now())
        this.retryLater(UNHEARD_LOBBY_RETRY_MS)
        return
      }
    }
  }

  /** Publishes `data`; what reached someone counts against our allowance, as it does at every receiver. */
  private async send(data: Uint8Array): Promise<number> {
    const result = await this.c.pubsub.publish(LOBBY_TOPIC, data)
    if (result.recipients.length > 0) {
      this.allowance.take(SELF, 1, Date.now())
    }
    return result.recipients.length
  }

  /** Tries the owed posts again in `delayMs` (once our allowance has a post back, or a subscriber may be reachable). */
  private retryLater(delayMs: number): void {
    if (this.timer != null || this.stopped) {
      return
    }
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.resend()
    }, delayMs)
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task)
    this.queue = run.catch(() => {})
    return run
  }
}
