import { CATCH_UP_WINDOW_MS, MAX_MESSAGES_PER_CONVERSATION } from './constants.ts'

export interface CatchUpStoreInit {
  /** bytes of messages kept in total; the oldest of all go first */
  maxBytes: number
  /** conversations kept; messages of further ones are not kept */
  maxConversations: number
  /** @default MAX_MESSAGES_PER_CONVERSATION */
  maxPerConversation?: number
  /** @default CATCH_UP_WINDOW_MS */
  windowMs?: number
}

/**
 * One kept message: when we received it, and either its signed gossip bytes or, for our own posts, the bytes we
 * published (signed when first served: our own posts cost no signature unless someone asks for them).
 */
export interface KeptMessage {
  readonly at: number
  readonly topic: string
  signed?: Uint8Array
  readonly own?: Uint8Array
  readonly size: number
}

/** What a query found: messages oldest first, and whether older ones did not fit. */
export interface Found {
  messages: KeptMessage[]
  truncated: boolean
}

/**
 * Messages kept for others to catch up from, per conversation (gossipsub topic), in the order received. Bounded
 * three ways: by age (the window), per conversation (count), and in total (bytes, oldest of all dropped first;
 * conversations). Memory only: see the README for why.
 */
export class CatchUpStore {
  private readonly conversations = new Map<string, KeptMessage[]>()
  /** every kept message in the order kept: the first is the oldest of all */
  private readonly order = new Set<KeptMessage>()
  private bytes = 0
  private readonly maxPerConversation: number
  private readonly windowMs: number

  constructor(private readonly init: CatchUpStoreInit) {
    this.maxPerConversation = init.maxPerConversation ?? MAX_MESSAGES_PER_CONVERSATION
    this.windowMs = init.windowMs ?? CATCH_UP_WINDOW_MS
  }

  /** Bytes kept now. */
  get size(): number {
    return this.bytes
  }

  /** Messages kept now. */
  get count(): number {
    return this.order.size
  }

  /** Keeps a message; false when it cannot be kept (too many conversations, or larger than the whole store). */
  add(msg: KeptMessage): boolean {
    if (msg.size > this.init.maxBytes) {
      return false
    }
    let list = this.conversations.get(msg.topic)
    if (list == null) {
      if (this.conversations.size >= this.init.maxConversations) {
        return false
      }
      list = []
      this.conversations.set(msg.topic, list)
    }
    this.expire(list, msg.at)
    list.push(msg)
    this.order.add(msg)
    this.bytes += msg.size
    while (list.length > this.maxPerConversation) {
      this.drop(list.shift())
    }
    while (this.bytes > this.init.maxBytes) {
      this.dropOldest()
    }
    return true
  }

  /**
   * Messages of `topic` received at or after `since` and within the window, the newest that fit into `limit`
   * messages and `maxBytes` bytes, oldest first.
   */
  find(topic: string, since: number, now: number, limit: number, maxBytes: number, windowMs = this.windowMs): Found {
    const list = this.conversations.get(topic)
    if (list == null) {
      return { messages: [], truncated: false }
    }
    this.expire(list, now)
    const from = Math.max(since, now - Math.min(windowMs, this.windowMs))
    const out: KeptMessage[] = []
    let bytes = 0
    let truncated = false
    for (let i = list.length - 1; i >= 0 && list[i].at >= from; i--) {
      if (out.length >= limit || bytes + list[i].size > maxBytes) {
        truncated = true
        break
      }
      out.push(list[i])
      bytes += list[i].size
    }
    return { messages: out.reverse(), truncated }
  }

  /** Forgets a conversation (we left the group). */
  forget(topic: string): void {
    for (const m of this.conversations.get(topic) ?? []) {
      this.order.delete(m)
      this.bytes -= m.size
    }
    this.conversations.delete(topic)
  }

  /** Forgets everything (the account's retention became `none`). */
  clear(): void {
    this.conversations.clear()
    this.order.clear()
    this.bytes = 0
  }

  private expire(list: KeptMessage[], now: number): void {
    while (list.length > 0 && list[0].at < now - this.windowMs) {
      this.drop(list.shift())
    }
  }

  private dropOldest(): void {
    const oldest = this.order.values().next().value
    if (oldest == null) {
      return
    }
    const list = this.conversations.get(oldest.topic)
    // the oldest of all is the oldest of its conversation
    if (list != null && list[0] === oldest) {
      list.shift()
    }
    this.drop(oldest)
    if (list != null && list.length === 0) {
      this.conversations.delete(oldest.topic)
    }
  }

  private drop(msg: KeptMessage | undefined): void {
    if (msg != null && this.order.delete(msg)) {
      this.bytes -= msg.size
    }
  }
}
