import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../../../node/backoff.ts'

const middle = (): number => 0.5

describe('backoffDelay', () => {
  it('doubles from the base with each attempt', () => {
    expect([0, 1, 2, 3, 4].map((n) => backoffDelay(n, 1000, 30_000, middle))).toEqual([1000, 2000, 4000, 8000, 16000])
  })

  it('stops at the cap', () => {
    expect(backoffDelay(5, 1000, 30_000, middle)).toBe(30_000)
    expect(backoffDelay(1000, 1000, 30_000, middle)).toBe(30_000)
    expect(backoffDelay(Number.MAX_SAFE_INTEGER, 1000, 30_000, middle)).toBe(30_000)
  })

  it('jitters by at most ±20%', () => {
    expect(backoffDelay(2, 1000, 30_000, () => 0)).toBe(3200)
    expect(backoffDelay(2, 1000, 30_000, () => 0.999999)).toBe(4800)
  })

  it('defaults to 1 s doubling up to 30 s', () => {
    expect(backoffDelay(0, undefined, undefined, middle)).toBe(1000)
    expect(backoffDelay(10, undefined, undefined, middle)).toBe(30_000)
  })

  it('is always a finite whole number within ±20% of the capped exponential', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10_000 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.integer({ min: 1, max: 600_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, base, max, r) => {
          const delay = backoffDelay(attempt, base, max, () => r)
          const exact = Math.min(max, base * 2 ** Math.min(attempt, 30))
          expect(Number.isInteger(delay)).toBe(true)
          expect(delay).toBeGreaterThanOrEqual(Math.floor(exact * 0.8))
          expect(delay).toBeLessThanOrEqual(Math.ceil(exact * 1.2))
        }
      ),
      { numRuns: 500 }
    )
  })

  it('never shrinks as attempts grow (same jitter)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 100 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, r) => {
        expect(backoffDelay(n + 1, 1000, 30_000, () => r)).toBeGreaterThanOrEqual(
          backoffDelay(n, 1000, 30_000, () => r)
        )
      }),
      { numRuns: 300 }
    )
  })
})
