import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fastMessageId } from '../../../node/libp2p.ts'

const from = Uint8Array.of(0, 36, 8, 1, 18, 32, 7, 7)
const seqno = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1)

describe('fastMessageId', () => {
  it('is the same for copies of one message, whatever they carry', () => {
    expect(fastMessageId({ from, seqno })).toBe(fastMessageId({ from: from.slice(), seqno: seqno.slice() }))
  })

  it('tells apart another sequence number or another sender', () => {
    const ids = new Set([
      fastMessageId({ from, seqno }),
      fastMessageId({ from, seqno: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 2) }),
      fastMessageId({ from: Uint8Array.of(0, 36, 8, 1, 18, 32, 7, 8), seqno })
    ])
    expect(ids.size).toBe(3)
  })

  it('is empty without sender or sequence number, so such messages always go on to validation', () => {
    expect(fastMessageId({ seqno })).toBe('')
    expect(fastMessageId({ from })).toBe('')
  })
})

describe('fastMessageId of any bytes', () => {
  it('differs for every different (sender, sequence number) pair, whatever their lengths', () => {
    const bytes = fc.uint8Array({ minLength: 0, maxLength: 40 })
    fc.assert(
      fc.property(bytes, bytes, bytes, bytes, (fromA, seqA, fromB, seqB) => {
        const same = equal(fromA, fromB) && equal(seqA, seqB)
        expect(fastMessageId({ from: fromA, seqno: seqA }) === fastMessageId({ from: fromB, seqno: seqB })).toBe(same)
      })
    )
  })

  it('tells apart pairs whose bytes differ only in where the sender ends', () => {
    const joined = Uint8Array.of(47, 1, 2, 3, 47, 4)
    const splits = [1, 2, 3, 4, 5].map((at) => fastMessageId({ from: joined.slice(0, at), seqno: joined.slice(at) }))
    expect(new Set(splits).size).toBe(splits.length)
  })
})

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}
