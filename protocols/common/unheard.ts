/** How much an UnheardFrames keeps: frames, their bytes in all, and how long each. */
export interface UnheardBounds {
  /** frames kept in all; past it, the oldest go first */
  maxFrames: number
  /** bytes of frames kept in all; past it, the oldest go first (a frame larger than this alone is not kept) */
  maxBytes: number
  /** how long a frame is kept; later, only catch-up brings it */
  ttlMs: number
}

/** One frame kept: the topic it was published on, the bytes, and when it was noted. */
export interface UnheardFrame {
  readonly topic: string
  readonly frame: Uint8Array
  readonly at: number
}

/**
 * Our own gossip frames that went out to nobody (`recipients: 0`), kept to be published once more when someone
 * appears on their topic: a peer that appears asks us for what it missed at once (catch-up), which may be before
 * our frame reached anyone. Receivers drop what they showed already by id. Bounded in count, bytes and age; per
 * topic, frames come back in the order they were noted.
 */
export class UnheardFrames {
  private frames: UnheardFrame[] = []
  private total = 0

  constructor(private readonly bounds: UnheardBounds) {}

  /** Keeps a frame published on `topic` that reached nobody, after those kept already. */
  note(topic: string, frame: Uint8Array, now: number): void {
    this.expire(now)
    this.frames.push({ topic, frame, at: now })
    this.total += frame.byteLength
    this.trim()
  }

  /**
   * The fresh frames of `topic`, oldest first, removed from the store: all of them, or the `max` oldest. What could
   * not be published after all goes back with restore().
   */
  take(topic: string, now: number, max: number = Number.POSITIVE_INFINITY): UnheardFrame[] {
    this.expire(now)
    const taken: UnheardFrame[] = []
    this.frames = this.frames.filter((f) => {
      if (f.topic !== topic || taken.length >= max) {
        return true
      }
      taken.push(f)
      return false
    })
    this.total = sumBytes(this.frames)
    return taken
  }

  /**
   * Puts back frames that take() gave and that still reached nobody, with their first time, before everything kept
   * since: they are older, so the order per topic stays the order of noting.
   */
  restore(frames: UnheardFrame[], now: number): void {
    this.frames = [...frames, ...this.frames]
    this.total = sumBytes(this.frames)
    this.expire(now)
    this.trim()
  }

  /** The fresh frames of `topic`, oldest first, left in the store. */
  peek(topic: string, now: number): UnheardFrame[] {
    this.expire(now)
    return this.frames.filter((f) => f.topic === topic)
  }

  /** Whether fresh frames of `topic` wait. */
  has(topic: string, now: number): boolean {
    this.expire(now)
    return this.frames.some((f) => f.topic === topic)
  }

  get size(): number {
    return this.frames.length
  }

  get bytes(): number {
    return this.total
  }

  private expire(now: number): void {
    const fresh = this.frames.filter((f) => now - f.at < this.bounds.ttlMs)
    if (fresh.length !== this.frames.length) {
      this.frames = fresh
      this.total = sumBytes(fresh)
    }
  }

  /** Drops the oldest frames until both the count and the bytes fit. */
  private trim(): void {
    while (this.frames.length > this.bounds.maxFrames || this.total > this.bounds.maxBytes) {
      const oldest = this.frames.shift()
      if (oldest == null) {
        return
      }
      this.total -= oldest.frame.byteLength
    }
  }
}

function sumBytes(frames: UnheardFrame[]): number {
  return frames.reduce((sum, f) => sum + f.frame.byteLength, 0)
}
