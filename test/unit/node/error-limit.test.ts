import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ERRORS_SUPPRESSED, ErrorEventLimiter } from '../../../node/error-limit.ts'
import type { ChatErrorInfo } from '../../../node/events.ts'

const BUDGET = { perSource: 2, total: 5, windowMs: 60_000 }

function error(peerId?: string): CustomEvent<ChatErrorInfo> {
  return new CustomEvent('error', { detail: { code: 'PROTOCOL_ERROR', message: 'bad', ...(peerId ? { peerId } : {}) } })
}

describe('ErrorEventLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('shows a few errors per peer, then one summary with the count when the window ends', () => {
    const summaries: ChatErrorInfo[] = []
    const limiter = new ErrorEventLimiter((e) => summaries.push((e as CustomEvent<ChatErrorInfo>).detail), BUDGET)
    const shown = Array.from({ length: 100 }, () => limiter.admit(error('mallory'))).filter(Boolean)
    expect(shown).toHaveLength(2)
    // other events and other peers' errors are not held back by mallory's flood
    expect(limiter.admit(new CustomEvent('message', { detail: {} }))).toBe(true)
    expect(limiter.admit(error('bob'))).toBe(true)
    expect(summaries).toEqual([])
    vi.advanceTimersByTime(BUDGET.windowMs)
    expect(summaries).toHaveLength(1)
    expect(summaries[0].code).toBe(ERRORS_SUPPRESSED)
    expect(summaries[0].message).toBe('98 more errors from 1 peer were not shown (most from mallory: 98)')
    // a fresh window: mallory's next error is shown again, and no second summary comes without new drops
    expect(limiter.admit(error('mallory'))).toBe(true)
    vi.advanceTimersByTime(10 * BUDGET.windowMs)
    expect(summaries).toHaveLength(1)
  })

  it('errors with no peer share one budget, and flush() reports what is pending at once', () => {
    const summaries: ChatErrorInfo[] = []
    const limiter = new ErrorEventLimiter((e) => summaries.push((e as CustomEvent<ChatErrorInfo>).detail), BUDGET)
    expect([limiter.admit(error()), limiter.admit(error()), limiter.admit(error())]).toEqual([true, true, false])
    limiter.flush()
    expect(summaries.map((s) => s.message)).toEqual(['1 more errors from 1 peer were not shown (most from local: 1)'])
  })
})
