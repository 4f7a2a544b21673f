/** How often progress is reported per transfer: a few times a second is smooth, and cheap for JSON readers. */
export const PROGRESS_INTERVAL_MS = 250

/** The rate is averaged over about this long, so it neither jumps about nor lags far behind. */
const RATE_WINDOW_MS = 3000

/** One progress report. */
export interface ProgressSample {
  bytes: number
  size: number
  /** bytes per second, averaged over the last few seconds */
  rate: number
  /** seconds left at that rate; undefined until a rate is known */
  etaSeconds?: number
}

/**
 * Turns a stream of byte counts into throttled progress reports with a smoothed rate and ETA.
 * Pure: the caller passes the clock, so the arithmetic is tested without waiting.
 */
export class ProgressMeter {
  private readonly samples: Array<{ at: number; bytes: number }> = []
  private lastReport = Number.NEGATIVE_INFINITY

  constructor(
    private readonly size: number,
    private readonly intervalMs: number = PROGRESS_INTERVAL_MS
  ) {}

  /** Records that `bytes` of `size` are done; returns a report when one is due (always at the very end). */
  update(bytes: number, now: number): ProgressSample | undefined {
    this.samples.push({ at: now, bytes })
    while (this.samples.length > 2 && now - this.samples[1].at >= RATE_WINDOW_MS) {
      this.samples.shift()
    }
    const finished = bytes >= this.size
    if (!finished && now - this.lastReport < this.intervalMs) {
      return undefined
    }
    this.lastReport = now
    return this.sample(bytes, now)
  }

  private sample(bytes: number, now: number): ProgressSample {
    const first = this.samples[0]
    const elapsed = (now - first.at) / 1000
    const rate = elapsed > 0 ? Math.max(0, (bytes - first.bytes) / elapsed) : 0
    const left = Math.max(0, this.size - bytes)
    return {
      bytes,
      size: this.size,
      rate: Math.round(rate),
      ...(rate > 0 ? { etaSeconds: Math.ceil(left / rate) } : left === 0 ? { etaSeconds: 0 } : {})
    }
  }
}

/** How long to wait so that `bytes` sent since `startedAt` stay within `rate` bytes per second (0: no wait). */
export function pacingDelay(bytes: number, elapsedMs: number, rate: number): number {
  if (!(rate > 0)) {
    return 0
  }
  return Math.max(0, Math.ceil((bytes / rate) * 1000 - elapsedMs))
}
