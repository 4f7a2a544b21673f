import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidMessageError, MessageTooLargeError } from '../../../protocols/common/errors.ts'
import { decodeNotice, encodeNotice, MAX_NOTICE_AGE_MS } from '../../../protocols/deletion/index.ts'

const NOW = 1_800_000_000_000

describe('deletion notice codec', () => {
  it('round-trips a fresh notice', () => {
    expect(decodeNotice(encodeNotice({ ts: NOW - 1000 }), NOW)).toEqual({ ts: NOW - 1000 })
  })

  it('refuses stale notices, so an old one cannot be replayed', () => {
    expect(() => decodeNotice(encodeNotice({ ts: NOW - MAX_NOTICE_AGE_MS - 1 }), NOW)).toThrow(/stale/)
    expect(decodeNotice(encodeNotice({ ts: NOW - MAX_NOTICE_AGE_MS }), NOW).ts).toBe(NOW - MAX_NOTICE_AGE_MS)
  })

  it('refuses notices from the future and oversized frames', () => {
    expect(() => decodeNotice(encodeNotice({ ts: NOW + 60 * 60 * 1000 }), NOW)).toThrow(InvalidMessageError)
    expect(() => decodeNotice(new Uint8Array(65), NOW)).toThrow(MessageTooLargeError)
  })

  it('returns or throws the named decode errors for random and mutated bytes, nothing else', () => {
    const good = encodeNotice({ ts: NOW })
    const mutated = fc
      .tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.nat({ max: good.length }))
      .map(([i, byte, cut]) => {
        const copy = Uint8Array.from(good)
        copy[i] = byte
        return copy.subarray(0, Math.max(cut, 1))
      })
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 100 }), mutated), (bytes) => {
        try {
          const notice = decodeNotice(bytes, NOW)
          expect(notice.ts).toBeGreaterThanOrEqual(NOW - MAX_NOTICE_AGE_MS)
        } catch (err) {
          expect(err instanceof InvalidMessageError || err instanceof MessageTooLargeError).toBe(true)
        }
      }),
      { numRuns: 1000 }
    )
  })
})
