import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EmptyMessageError, MessageTooLargeError } from '../../../protocols/common/errors.ts'
import { MAX_TEXT_BYTES } from '../../../protocols/common/limits.ts'
import { utf8Length, validateText } from '../../../protocols/common/text.ts'

describe('utf8Length', () => {
  it.each([
    ['', 0],
    ['a', 1],
    ['é', 2],
    ['€', 3],
    ['😀', 4],
    ['👩‍💻', 11],
    // a lone surrogate goes on the wire as U+FFFD
    ['\ud800', 3]
  ])('%j is %i bytes', (text, bytes) => {
    expect(utf8Length(text)).toBe(bytes)
  })

  it('agrees with Buffer.byteLength for well-formed strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(utf8Length(s)).toBe(Buffer.byteLength(s, 'utf8'))
      }),
      { numRuns: 500 }
    )
  })
})

describe('validateText', () => {
  it.each(['', ' ', '\n', '\t \r\n', '\u00a0\u3000'])('rejects %j as empty', (text) => {
    expect(() => validateText(text)).toThrow(new EmptyMessageError('message is empty'))
  })

  it('returns the text unchanged, surrounding whitespace included', () => {
    expect(validateText('  hi there \n')).toBe('  hi there \n')
  })

  it.each([
    ['ASCII', 'a', 1],
    ['two-byte characters', 'é', 2],
    ['three-byte characters', '€', 3],
    ['four-byte characters', '😀', 4]
  ])('counts the limit in UTF-8 bytes: %s', (_what, char, size) => {
    const fit = Math.floor(MAX_TEXT_BYTES / size)
    const filler = 'x'.repeat(MAX_TEXT_BYTES - fit * size)
    const exact = char.repeat(fit) + filler
    expect(utf8Length(exact)).toBe(MAX_TEXT_BYTES)
    expect(validateText(exact)).toBe(exact)
    expect(() => validateText(`${exact}x`)).toThrow(MessageTooLargeError)
    expect(() => validateText(char.repeat(fit + 1))).toThrow(MessageTooLargeError)
  })

  it('refuses text under the limit in UTF-16 units but over it in bytes', () => {
    const text = '€'.repeat(2000) // 2000 code units, 6000 bytes
    expect(text.length).toBeLessThan(MAX_TEXT_BYTES)
    expect(() => validateText(text)).toThrow(new MessageTooLargeError('message is 6000 bytes, the limit is 4096'))
  })

  it('a multi-byte character straddling the limit does not fit', () => {
    // 4094 bytes of ASCII and one 4-byte emoji ends at byte 4098
    expect(() => validateText(`${'a'.repeat(MAX_TEXT_BYTES - 2)}😀`)).toThrow(MessageTooLargeError)
    expect(validateText(`${'a'.repeat(MAX_TEXT_BYTES - 4)}😀`)).toHaveLength(MAX_TEXT_BYTES - 2)
  })

  it('takes a smaller limit', () => {
    expect(validateText('abcd', 4)).toBe('abcd')
    expect(() => validateText('abcde', 4)).toThrow('message is 5 bytes, the limit is 4')
  })
})
