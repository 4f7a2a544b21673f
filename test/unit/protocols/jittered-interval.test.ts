import { afterEach, describe, expect, it, vi } from 'vitest'
import { JitteredInterval } from '../../../protocols/common/jittered-interval.ts'

describe('JitteredInterval', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('ticks every interval ±20% until stopped, and never after', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const at: number[] = []
    const start = Date.now()
    const every = new JitteredInterval(1000, () => at.push(Date.now()))
    every.start()
    await vi.advanceTimersByTimeAsync(20_000)
    expect(at.length).toBeGreaterThanOrEqual(16)
    expect(at.length).toBeLessThanOrEqual(25)
    const gaps = at.map((t, i) => t - (i === 0 ? start : at[i - 1]!))
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(800)
      expect(gap).toBeLessThanOrEqual(1200)
    }
    every.stop()
    const ticks = at.length
    await vi.advanceTimersByTimeAsync(5000)
    expect(at.length).toBe(ticks)
  })
})
