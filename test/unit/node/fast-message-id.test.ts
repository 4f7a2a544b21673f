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
