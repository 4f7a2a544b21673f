import { describe, expect, it } from 'vitest'
import { AmbiguousOfferError, resolveOffer, UnknownOfferError } from '../../../node/offers.ts'

describe('resolving an offer id', () => {
  const kinds = [
    { kind: 'invite' as const, ids: ['iab12cd', 'iab99xy'] },
    { kind: 'file' as const, ids: ['fab12cd'] }
  ]

  it('finds an exact id, or a prefix only one pending offer has, across kinds', () => {
    expect(resolveOffer('iab12cd', kinds)).toEqual({ kind: 'invite', id: 'iab12cd' })
    expect(resolveOffer('iab9', kinds)).toEqual({ kind: 'invite', id: 'iab99xy' })
    expect(resolveOffer('f', kinds)).toEqual({ kind: 'file', id: 'fab12cd' })
  })

  it('refuses a prefix several offers share, and ids nobody has', () => {
    expect(() => resolveOffer('iab', kinds)).toThrow(AmbiguousOfferError)
    expect(() => resolveOffer('x', kinds)).toThrow(UnknownOfferError)
    expect(() => resolveOffer('', kinds)).toThrow(UnknownOfferError)
    expect(() => resolveOffer('i', [])).toThrow(/nothing is waiting/)
  })
})
