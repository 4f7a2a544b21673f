/** Latency samples reduced to what the report prints (milliseconds). */
export interface Summary {
  n: number
  p50: number
  p99: number
  mean: number
  max: number
}

/** Nearest-rank percentile of ascending `sorted`; `p` in 0..100. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) {
    return Number.NaN
  }
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b)
  const sum = sorted.reduce((acc, x) => acc + x, 0)
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.length > 0 ? sum / sorted.length : Number.NaN,
    max: sorted.at(-1) ?? Number.NaN
  }
}

/** `value / baseline`, rounded for the report. */
export function ratio(value: number, baseline: number): number {
  return round(value / baseline, 2)
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export function now(): number {
  return performance.now()
}

/** Resolves when `check()` holds, re-checking on every event of `sources`; rejects with `what` on timeout. */
export async function waitUntil(
  check: () => boolean,
  sources: Array<{ target: EventTarget; type: string }>,
  what: string,
  timeoutMs: number
): Promise<void> {
  if (check()) {
    return
  }
  await new Promise<void>((resolve, reject) => {
    const onEvent = (): void => {
      if (check()) {
        done()
        resolve()
      }
    }
    const timer = setTimeout(() => {
      done()
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))
    }, timeoutMs)
    const done = (): void => {
      clearTimeout(timer)
      for (const { target, type } of sources) {
        target.removeEventListener(type, onEvent)
      }
    }
    for (const { target, type } of sources) {
      target.addEventListener(type, onEvent)
    }
  })
}
