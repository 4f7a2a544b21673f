import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { describeSuppressed, ReportBudget } from '../../../protocols/common/budget.ts'

const WINDOW = 60_000

describe('ReportBudget', () => {
  it('shows the first few of one source per window, counts the rest, and starts afresh next window', () => {
    const budget = new ReportBudget({ perSource: 3, total: 10, windowMs: WINDOW })
    const shown = Array.from({ length: 50 }, (_, i) => budget.admit('mallory', 1000 + i)).filter(Boolean)
    expect(shown).toHaveLength(3)
    // an honest peer is not silenced by mallory's flood
    expect(budget.admit('bob', 2000)).toBe(true)
    expect(budget.takeSuppressed()).toEqual({ count: 47, sources: 1, top: [{ source: 'mallory', count: 47 }] })
    expect(budget.takeSuppressed()).toBeUndefined()
    expect(budget.admit('mallory', 1000 + WINDOW)).toBe(true)
  })

  it('caps everyone together: many fresh sources cannot get past the total', () => {
    const budget = new ReportBudget({ perSource: 3, total: 10, windowMs: WINDOW })
    const shown = Array.from({ length: 5000 }, (_, i) => budget.admit(`sybil-${i}`, 1)).filter(Boolean)
    expect(shown).toHaveLength(10)
    const s = budget.takeSuppressed()
    expect(s?.count).toBe(4990)
    expect(s?.sources).toBe(1024)
    expect(describeSuppressed(s!, 'errors')).toMatch(/^4990 more errors from at least 1024 peers were not shown/)
  })

  it('never shows more than perSource per source or total per window, and loses no count', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ source: fc.constantFrom('a', 'b', 'c', 'd'), dt: fc.nat({ max: 5000 }) }), {
          maxLength: 400
        }),
        (reports) => {
          const budget = new ReportBudget({ perSource: 4, total: 9, windowMs: WINDOW })
          let now = 0
          let suppressed = 0
          const shownIn = new Map<number, Map<string, number>>()
          for (const r of reports) {
            now += r.dt
            if (budget.admit(r.source, now)) {
              const w = shownIn.get(budget.windowEnd()) ?? new Map<string, number>()
              w.set(r.source, (w.get(r.source) ?? 0) + 1)
              shownIn.set(budget.windowEnd(), w)
            } else {
              suppressed++
            }
          }
          for (const w of shownIn.values()) {
            expect(Math.max(...w.values())).toBeLessThanOrEqual(4)
            expect([...w.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(9)
          }
          expect(budget.takeSuppressed()?.count ?? 0).toBe(suppressed)
        }
      ),
      { numRuns: 300 }
    )
  })
})
