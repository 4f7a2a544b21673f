import type { GossipSub } from '@libp2p/gossipsub'
import type { Logger } from '@libp2p/interface'
import { BoundedMap } from '../common/bounded-map.ts'
import type { SenderSeq } from '../common/decode.ts'
import { PeerBudget } from '../common/peer-budget.ts'
import { type UnheardFrame, UnheardFrames } from '../common/unheard.ts'
import {
  LOBBY_TOPIC,
  MAX_UNHEARD_LOBBY_BYTES,
  MAX_UNHEARD_LOBBY_POSTS,
  RELAY_LOSS_WINDOW_MS,
  UNHEARD_LOBBY_ECHO_MS,
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
  /** posts handed to someone in the last RELAY_LOSS_WINDOW_MS: owed again if that path turns out to be dead */
  private readonly recent = new UnheardFrames({
    maxFrames: MAX_UNHEARD_LOBBY_POSTS,
    maxBytes: MAX_UNHEARD_LOBBY_BYTES,
    ttlMs: RELAY_LOSS_WINDOW_MS
  })
  private readonly allowance: PeerBudget
  private queue: Promise<unknown> = Promise.resolve()
  private timer: ReturnType<typeof setTimeout> | undefined
  private timerAt = 0
  private stopped = false
  /** when a kept post first reached someone: it is sent once more, then forgotten */
  private readonly heardAt = new WeakMap<UnheardFrame, number>()

  constructor(private readonly c: UnheardLobbyComponents) {
    this.allowance = new PeerBudget({ ...c.allowance, maxKeys: 1 })
  }

  /** Publishes a new post after the owed ones; resolves with how many peers it was handed to (0: it is owed too). */
  publish(data: Uint8Array): Promise<number> {
    return this.serially(async () => {
      await this.sendOwed(true)
      if (this.owed > 0) {
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

  /**
   * Our connection to a relay was lost: what we handed it lately may have died with it (a relay killed before it
   * passed them on, or one that hung while the bytes sat in its socket until we gave up on it), so our posts of the
   * last RELAY_LOSS_WINDOW_MS are owed again, before anything owed already (they are older), and go out once more
   * when a subscriber is there. Receivers that have them drop them by id. With 50 clients, 1,611 lines said while
   * the relay hung and 221 said as it was killed reached nobody before this.
   */
  pathLost(): void {
    const now = Date.now()
    const owed = new Set(this.store.peek(LOBBY_TOPIC, now).map((f) => f.frame))
    const again = this.recent.take(LOBBY_TOPIC, now).filter((f) => {
      const fresh = !owed.has(f.frame)
      owed.add(f.frame)
      return fresh
    })
    this.store.restore(again, now)
  }

  /** Someone appeared on the lobby topic (or our relay is back): our owed posts go out, as our allowance permits. */
  resend(): void {
    if (this.stopped) {
      return
    }
    this.serially(() => this.sendOwed(false)).catch((err: unknown) =>
      this.c.log('could not publish posts again - %e', err)
    )
  }

  /** Posts owed that nobody heard yet. */
  get owed(): number {
    return this.store.peek(LOBBY_TOPIC, Date.now()).filter((f) => !this.heardAt.has(f)).length
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.timer = undefined
  }

  /**
   * Sends owed posts, oldest first, while a subscriber is there, each reaches someone, and our allowance lasts. A
   * post heard for the first time is kept for one more send (its echo) UNHEARD_LOBBY_ECHO_MS later (or `before` a
   * newer post, if sooner): what reached only a relay that just came back may have missed peers that reconnect to it
   * at the same moment (after their catch-up request, before the relay forwards to them). Echoes take only the upper
   * half of our allowance, so they never crowd out what we say next; one that comes after newer posts is shown as
   * late (`catchUp`) by receivers that missed the first send, see LobbyService.
   */
  private async sendOwed(before: boolean): Promise<void> {
    // nothing owed first: listing the subscribers costs one step per peer, and a relay (which owes nothing) is asked
    // at every newcomer's subscription, which made each newcomer cost it a walk over every client it holds
    if (this.stopped || !this.store.has(LOBBY_TOPIC, Date.now())) {
      return
    }
    if (this.c.pubsub.getSubscribers(LOBBY_TOPIC).length === 0) {
      return
    }
    const queue = this.store.take(LOBBY_TOPIC, Date.now())
    const keep: UnheardFrame[] = []
    let blocked = false
    for (const entry of queue) {
      const now = Date.now()
      const heard = this.heardAt.get(entry)
      const need = heard == null ? 1 : this.c.allowance.capacity / 2
      if (blocked || (heard != null && !before && heard + UNHEARD_LOBBY_ECHO_MS > now)) {
        keep.push(entry)
        continue
      }
      const available = this.allowance.available(SELF, now)
      if (available < need) {
        keep.push(entry)
        blocked = heard == null
        this.retryLater(Math.ceil(((need - available) / this.c.allowance.refillPerSecond) * 1000))
        continue
      }
      if ((await this.sendSafely(entry.frame)) === 0) {
        // a subscriber we cannot reach yet (no stream to it so far): try again soon rather than wait for another
        keep.push(entry)
        blocked = true
        this.retryLater(UNHEARD_LOBBY_RETRY_MS)
        continue
      }
      if (heard == null) {
        this.heardAt.set(entry, Date.now())
        keep.push(entry)
      }
    }
    this.store.restore(keep, Date.now())
    if (keep.some((f) => this.heardAt.has(f))) {
      this.retryLater(UNHEARD_LOBBY_ECHO_MS)
    }
  }

  private async sendSafely(data: Uint8Array): Promise<number> {
    try {
      return await this.send(data)
    } catch (err) {
      this.c.log('could not publish a post again - %e', err)
      return 0
    }
  }

  /** Publishes `data`; what reached someone counts against our allowance, as it does at every receiver. */
  private async send(data: Uint8Array): Promise<number> {
    const result = await this.c.pubsub.publish(LOBBY_TOPIC, data)
    if (result.recipients.length > 0) {
      this.allowance.take(SELF, 1, Date.now())
      this.recent.note(LOBBY_TOPIC, data, Date.now())
    }
    return result.recipients.length
  }

  /** Tries the owed posts again in `delayMs` (or sooner, if already planned so). */
  private retryLater(delayMs: number): void {
    const at = Date.now() + delayMs
    if (this.stopped || (this.timer != null && this.timerAt <= at)) {
      return
    }
    clearTimeout(this.timer)
    this.timerAt = at
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

/**
 * The newest (epoch, seq) shown per sender, for `maxKeys` senders (the least recently heard is forgotten): a post
 * of the same run with a lower count than one shown came late.
 */
export class NewestSeq {
  private readonly last: BoundedMap<string, SenderSeq>

  constructor(maxKeys: number) {
    this.last = new BoundedMap(maxKeys)
  }

  /** Whether `post` is older in its sender's sequence than one shown already; remembers it otherwise. */
  isLate(sender: string, post: Partial<SenderSeq>): boolean {
    if (post.epoch == null || post.seq == null) {
      return false
    }
    const known = this.last.get(sender)
    if (known != null && post.epoch === known.epoch && post.seq < known.seq) {
      return true
    }
    if (known != null && post.epoch < known.epoch) {
      return false
    }
    this.last.set(sender, { epoch: post.epoch, seq: post.seq })
    return false
  }

  get size(): number {
    return this.last.size
  }
}
