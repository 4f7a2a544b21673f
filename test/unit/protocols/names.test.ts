import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidNameError } from '../../../protocols/common/errors.ts'
import { isValidName, MAX_NAME_LENGTH, nameSkeleton, validateName } from '../../../protocols/common/names.ts'

describe('validateName', () => {
  it.each([
    ['a single character', 'a'],
    ['32 characters', 'a'.repeat(MAX_NAME_LENGTH)],
    ['digits, dashes, dots and underscores', 'bob_the-2nd.jr'],
    ['mixed case', 'AliceW'],
    ['accented letters', 'Zoë'],
    ['non-Latin scripts', 'Алиса'],
    ['CJK', '爱丽丝'],
    ['an emoji', '🦊'],
    ['an emoji with a skin tone', '👍🏽'],
    ['a flag', '🇳🇴'],
    ['32 emoji (64 UTF-16 code units)', '🦊'.repeat(MAX_NAME_LENGTH)]
  ])('accepts %s', (_what, name) => {
    expect(validateName(name)).toBe(name)
    expect(isValidName(name)).toBe(true)
  })

  it('rejects the empty name', () => {
    expect(() => validateName('')).toThrow(new InvalidNameError('name must not be empty'))
  })

  it('rejects 33 characters, saying the limit and the length', () => {
    expect(() => validateName('a'.repeat(33))).toThrow(InvalidNameError)
    expect(() => validateName('a'.repeat(33))).toThrow('name must be at most 32 characters (got 33)')
  })

  it('counts code points, not UTF-16 units: 33 emoji are too many', () => {
    expect(() => validateName('🦊'.repeat(33))).toThrow('at most 32 characters (got 33)')
  })

  it.each([
    ['a space', 'al ice'],
    ['a leading space', ' alice'],
    ['a trailing space', 'alice '],
    ['a tab', 'al\tice'],
    ['a newline', 'alice\n'],
    ['a no-break space', 'al\u00a0ice'],
    ['an ideographic space', 'al\u3000ice'],
    ['a line separator', 'al\u2028ice'],
    ['a paragraph separator', 'al\u2029ice']
  ])('rejects %s, naming spaces', (_what, name) => {
    expect(() => validateName(name)).toThrow(new InvalidNameError('name must not contain spaces'))
  })

  it.each([
    ['NUL', 'a\u0000b'],
    ['ESC', '\u001b[31malice'],
    ['DEL', 'alice\u007f'],
    ['a C1 control', 'ali\u0085ce'],
    ['a CSI (C1)', '\u009b31m'],
    ['a zero-width space', 'al\u200bice'],
    ['a zero-width joiner', 'al\u200dice'],
    ['a right-to-left override', '\u202ealice'],
    ['a soft hyphen', 'al\u00adice']
  ])('rejects %s, naming control or invisible characters', (_what, name) => {
    expect(() => validateName(name)).toThrow(
      new InvalidNameError('name must not contain control or invisible characters')
    )
  })

  it('rejects a byte-order mark (which JavaScript counts as a space)', () => {
    expect(() => validateName('\ufeffalice')).toThrow(InvalidNameError)
  })

  it('rejects a lone surrogate, which would turn into U+FFFD on the wire', () => {
    expect(() => validateName('al\ud800ice')).toThrow(InvalidNameError)
    expect(() => validateName('al\udc00')).toThrow('valid Unicode')
  })

  it("rejects '#', which is reserved for the PeerId suffix", () => {
    expect(() => validateName('alice#3fa9')).toThrow(new InvalidNameError("name must not contain '#'"))
    expect(() => validateName('#')).toThrow(InvalidNameError)
  })

  it('reports the length before the characters', () => {
    expect(() => validateName(`${'a'.repeat(40)} #`)).toThrow('at most 32 characters')
  })
})

describe('name properties', () => {
  const letters = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzÆØÅß漢字🦊'), minLength: 1 })

  it('any 1-32 letters form a valid name; more than 32 never do', () => {
    fc.assert(
      fc.property(letters, (s) => {
        expect(isValidName(s)).toBe([...s].length <= MAX_NAME_LENGTH)
      }),
      { numRuns: 500 }
    )
  })

  it('a forbidden character anywhere makes a valid name invalid', () => {
    const forbidden = fc.constantFrom(
      ' ',
      '\t',
      '\n',
      '\r',
      '#',
      '\u0000',
      '\u001b',
      '\u0085',
      '\u00a0',
      '\u200b',
      '\u202e'
    )
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 31 }).filter(isValidName),
        forbidden,
        fc.nat(),
        (name, bad, at) => {
          const i = at % (name.length + 1)
          const tainted = name.slice(0, i) + bad + name.slice(i)
          expect(() => validateName(tainted)).toThrow(InvalidNameError)
        }
      ),
      { numRuns: 500 }
    )
  })
})

describe('nameSkeleton (UTS #39)', () => {
  it.each([
    ['Cyrillic а', '\u0430lice', 'alice'],
    ['Greek ο and Cyrillic р', 'b\u03bfb', 'bob'],
    ['fullwidth letters', '\uff41\uff4c\uff49\uff43\uff45', 'alice'],
    ['capital Cyrillic А', '\u0410LICE', 'ALICE'],
    ['m and rn', 'mike', 'rnike']
  ])('%s: the same skeleton', (_what, a, b) => {
    expect(nameSkeleton(a)).toBe(nameSkeleton(b))
  })

  it.each([
    ['different letters', 'alice', 'alicia'],
    ['an accent', 'alice', 'alicé'],
    ['another script entirely', 'alice', '\u7231\u4e3d\u4e1d']
  ])('%s: different skeletons', (_what, a, b) => {
    expect(nameSkeleton(a)).not.toBe(nameSkeleton(b))
  })

  it('any name with Latin letters swapped for their Cyrillic twins has the skeleton of the original', () => {
    const twins: Record<string, string> = {
      a: '\u0430',
      c: '\u0441',
      e: '\u0435',
      o: '\u043e',
      p: '\u0440',
      x: '\u0445'
    }
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'c', 'e', 'o', 'p', 'x', 'b', 'z', '1'), maxLength: 32 }),
        (name) => {
          const spoof = [...name].map((ch) => twins[ch] ?? ch).join('')
          expect(nameSkeleton(spoof)).toBe(nameSkeleton(name))
        }
      ),
      { numRuns: 300 }
    )
  })
})
