import { MAX_UNHEARD_POSTS, UNHEARD_TTL_MS } from './constants.ts'

interface UnheardFrame {
  topic: string
  frame: Uint8Array
  at: number
}

/**
 * Our own post frames that gossip handed to nobody (`recipients: 0`). A member that appears on the topic asks us for
 * what it missed at once (catch-up), which may be before we posted while we had not yet seen it subscribe: so such a
 * post is published once more when a member subscribes. Receivers drop what they showed already by id. Bounded.
 */
export class UnheardPosts {
  private frames: UnheardFrame[] = []

  constructor(
    private readonly max = MAX_UNHEARD_POSTS,
    private readonly ttlMs = UNHEARD_TTL_MS
  ) {}

  /** Keeps a frame published on `topic` that reached nobody. */
  note(topic: string, frame: Uint8Array, now: number): void {
    this.frames = this.frames.filter((f) => now - f.at < this.ttlMs)
    this.frames.push({ topic, frame, at: now })
    if (this.frames.length > this.max) {
      this.frames.shift()
    }
  }

  /** The fresh frames of `topic`, in the order they were noted, removed from the list. */
  take(topic: string, now: number): Uint8Array[] {
    const fresh = this.frames.filter((f) => now - f.at < this.ttlMs)
    this.frames = fresh.filter((f) => f.topic !== topic)
    return fresh.filter((f) => f.topic === topic).map((f) => f.frame)
  }

  get size(): number {
    return this.frames.length
  }
}
