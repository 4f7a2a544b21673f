/**
 * When to answer newcomers: the first at once, then at most one answer per window, every newcomer that arrives
 * inside a window answered together at its end. A newcomer on a LAN lists us as soon as it connects, and a crowd
 * arriving at once still costs each peer at most two announcements per window.
 */
export class ReplyPacer {
  private lastAt = Number.NEGATIVE_INFINITY
  private pending = false

  constructor(private readonly windowMs: number) {}

  /**
   * A newcomer to answer at `now` (ms): 0 to answer now (counted as sent), the delay to the window's end (then
   * call sent() when that answer goes out), or undefined when an answer already due will cover it.
   */
  request(now: number): number | undefined {
    if (this.pending) {
      return undefined
    }
    const wait = this.lastAt + this.windowMs - now
    if (wait <= 0) {
      this.lastAt = now
      return 0
    }
    this.pending = true
    return wait
  }

  /** The answer scheduled by request() went out at `now`. */
  sent(now: number): void {
    this.pending = false
    this.lastAt = now
  }

  /** A scheduled answer was dropped (shutdown). */
  cancel(): void {
    this.pending = false
  }
}
