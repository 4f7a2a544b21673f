import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { answersNewcomer, REPLY_FANOUT } from '../../../protocols/presence/index.ts'

/** A seeded generator, so the count of answers is the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

describe('who answers a newcomer', () => {
  it('everyone in a small crowd', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: REPLY_FANOUT }),
        fc.double({ min: 0, max: 1, maxExcluded: true }),
        (known, r) => {
          expect(answersNewcomer(known, () => r)).toBe(true)
        }
      )
    )
  })

  it('about REPLY_FANOUT peers in a crowd, whatever its size', () => {
    for (const crowd of [50, 200, 1000, 10_000]) {
      const random = seeded(crowd)
      let answers = 0
      // 200 joins: each peer of the crowd decides on its own
      for (let join = 0; join < 200; join++) {
        for (let peer = 0; peer < crowd; peer++) {
          answers += answersNewcomer(crowd, random) ? 1 : 0
        }
      }
      const perJoin = answers / 200
      expect(perJoin).toBeGreaterThan(REPLY_FANOUT * 0.8)
      expect(perJoin).toBeLessThan(REPLY_FANOUT * 1.2)
    }
  })
})
