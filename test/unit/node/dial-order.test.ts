import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dialsFirst } from '../../../node/auto-dialer.ts'

const peerIds = fc.string({
  unit: fc.constantFrom(...'123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'),
  minLength: 1,
  maxLength: 52
})

describe('which of two peers that discover each other dials', () => {
  it('exactly one of two different peers', () => {
    fc.assert(
      fc.property(peerIds, peerIds, (a, b) => {
        fc.pre(a !== b)
        expect(dialsFirst(a, b)).not.toBe(dialsFirst(b, a))
      })
    )
  })

  it('the same one whichever discovers first', () => {
    fc.assert(
      fc.property(fc.uniqueArray(peerIds, { minLength: 2, maxLength: 20 }), (ids) => {
        // every pair has one dialer, and the order "dials first" is a total order: no cycle of yields
        const dialers = ids.filter((a) => ids.every((b) => a === b || dialsFirst(a, b)))
        expect(dialers).toHaveLength(1)
      })
    )
  })
})
