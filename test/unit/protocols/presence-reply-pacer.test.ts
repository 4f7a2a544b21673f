import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ReplyPacer } from '../../../protocols/presence/reply-pacer.ts'

const WINDOW = 300

/**
 * Drives a pacer as the presence service does: newcomers at the given gaps (ms), a scheduled answer going out when
 * its delay is up. Returns when each newcomer arrived and when each answer went out.
 */
function simulate(gaps: number[]): { arrivals: number[]; answers: number[] } {
  const pacer = new ReplyPacer(WINDOW)
  const arrivals: number[] = []
  const answers: number[] = []
  let due: number | undefined
  let now = 0
  const fireUntil = (t: number): void => {
    if (due != null && due <= t) {
      pacer.sent(due)
      answers.push(due)
      due = undefined
    }
  }
  for (const gap of gaps) {
    now += gap
    fireUntil(now)
    arrivals.push(now)
    const delay = pacer.request(now)
    if (delay === 0) {
      answers.push(now)
    } else if (delay != null) {
      due = now + delay
    }
  }
  fireUntil(Number.POSITIVE_INFINITY)
  return { arrivals, answers }
}

const gaps = fc.array(fc.integer({ min: 0, max: 2 * WINDOW }), { minLength: 1, maxLength: 60 })

describe('ReplyPacer: when newcomers are answered', () => {
  it('answers the first newcomer at once', () => {
    fc.assert(
      fc.property(gaps, (g) => {
        const { arrivals, answers } = simulate(g)
        expect(answers[0]).toBe(arrivals[0])
      })
    )
  })

  it('never answers twice within one window', () => {
    fc.assert(
      fc.property(gaps, (g) => {
        const { answers } = simulate(g)
        for (let i = 1; i < answers.length; i++) {
          expect(answers[i] - answers[i - 1]).toBeGreaterThanOrEqual(WINDOW)
        }
      })
    )
  })

  it('answers every newcomer within one window of its arrival', () => {
    fc.assert(
      fc.property(gaps, (g) => {
        const { arrivals, answers } = simulate(g)
        for (const at of arrivals) {
          expect(answers.some((a) => a >= at && a <= at + WINDOW)).toBe(true)
        }
      })
    )
  })

  it('answers a newcomer after a quiet window at once', () => {
    fc.assert(
      fc.property(gaps, fc.integer({ min: WINDOW, max: 10 * WINDOW }), (g, quiet) => {
        const { arrivals, answers } = simulate([...g, quiet + 2 * WINDOW])
        expect(answers.at(-1)).toBe(arrivals.at(-1))
      })
    )
  })

  it('forgets a cancelled answer, so the next newcomer is answered', () => {
    const pacer = new ReplyPacer(WINDOW)
    expect(pacer.request(0)).toBe(0)
    expect(pacer.request(100)).toBe(200)
    expect(pacer.request(150)).toBeUndefined()
    pacer.cancel()
    expect(pacer.request(400)).toBe(0)
  })
})
