import { Uint8ArrayList } from 'uint8arraylist'
import { describe, expect, it } from 'vitest'
import { checkText, checkTimestamp, isValidId, safeDecode } from '../../../protocols/common/decode.ts'
import { InvalidMessageError, MessageTooLargeError } from '../../../protocols/common/errors.ts'
import { MAX_ID_LENGTH } from '../../../protocols/common/limits.ts'

describe('safeDecode', () => {
  it('returns what the decoder returns', () => {
    expect(safeDecode(Uint8Array.of(1, 2), 10, (b) => b.byteLength)).toBe(2)
  })

  it('refuses bytes over the cap without calling the decoder', () => {
    let called = false
    const decode = (): number => {
      called = true
      return 0
    }
    expect(() => safeDecode(new Uint8Array(11), 10, decode)).toThrow(
      new MessageTooLargeError('frame is 11 bytes, the limit is 10')
    )
    expect(() => safeDecode(new Uint8ArrayList(new Uint8Array(6), new Uint8Array(5)), 10, decode)).toThrow(
      MessageTooLargeError
    )
    expect(called).toBe(false)
  })

  it('turns anything the decoder throws into InvalidMessageError', () => {
    expect(() =>
      safeDecode(new Uint8Array(1), 10, () => {
        throw new RangeError('index out of range')
      })
    ).toThrow(new InvalidMessageError('malformed message: index out of range'))
    expect(() =>
      safeDecode(new Uint8Array(1), 10, () => {
        throw 'a string'
      })
    ).toThrow(new InvalidMessageError('malformed message: a string'))
  })
})

describe('isValidId', () => {
  it.each(['a', '5b1c7e0a-0d2e-4c3f-9a8b-7c6d5e4f3a2b', 'A_b-9', 'x'.repeat(MAX_ID_LENGTH)])('accepts %j', (id) => {
    expect(isValidId(id)).toBe(true)
  })

  it.each(['', 'x'.repeat(MAX_ID_LENGTH + 1), 'a b', 'a/b', 'a\n', 'é', '🦊', 'a#b'])('rejects %j', (id) => {
    expect(isValidId(id)).toBe(false)
  })
})

describe('checkTimestamp', () => {
  const now = 1_000_000

  it('accepts the past and up to the skew into the future', () => {
    expect(checkTimestamp(0n, now, 100)).toBe(0)
    expect(checkTimestamp(BigInt(now), now, 100)).toBe(now)
    expect(checkTimestamp(BigInt(now + 100), now, 100)).toBe(now + 100)
  })

  it('refuses anything further ahead, up to the uint64 maximum', () => {
    expect(() => checkTimestamp(BigInt(now + 101), now, 100)).toThrow(InvalidMessageError)
    expect(() => checkTimestamp(2n ** 64n - 1n, now, 100)).toThrow('timestamp is in the future')
  })
})

describe('checkText', () => {
  it('reports empty received text as InvalidMessageError, not as a user mistake', () => {
    expect(() => checkText('')).toThrow(InvalidMessageError)
    expect(() => checkText(' \n')).toThrow(InvalidMessageError)
  })

  it('passes oversized text on as MessageTooLargeError and returns good text', () => {
    expect(() => checkText('x'.repeat(5000))).toThrow(MessageTooLargeError)
    expect(checkText('hi')).toBe('hi')
  })
})
