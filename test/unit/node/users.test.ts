import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AmbiguousNameError, SelfMessageError, UnknownUserError } from '../../../node/errors.ts'
import { displayUser, resolveRecipient, resolveUser, withDisplayNames } from '../../../node/users.ts'

const ALICE_1 = '12D3KooWAlice1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx3fa9'
const ALICE_2 = '12D3KooWAlice2xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx7c01'
const BOB = '12D3KooWBobxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxb0b0'

function displayNames(users: Array<{ peerId: string; name: string }>): string[] {
  return withDisplayNames(users).map((u) => u.displayName)
}

describe('withDisplayNames', () => {
  it('shows a unique name as it is', () => {
    expect(
      withDisplayNames([
        { peerId: ALICE_1, name: 'alice' },
        { peerId: BOB, name: 'bob' }
      ])
    ).toEqual([
      { peerId: ALICE_1, name: 'alice', displayName: 'alice' },
      { peerId: BOB, name: 'bob', displayName: 'bob' }
    ])
  })

  it('adds a 4-character PeerId suffix to equal names only', () => {
    expect(
      displayNames([
        { peerId: ALICE_1, name: 'alice' },
        { peerId: ALICE_2, name: 'alice' },
        { peerId: BOB, name: 'bob' }
      ])
    ).toEqual(['alice#3fa9', 'alice#7c01', 'bob'])
  })

  it('treats names that differ only in case as equal, keeping each spelling', () => {
    expect(
      displayNames([
        { peerId: ALICE_1, name: 'Alice' },
        { peerId: ALICE_2, name: 'aLICE' }
      ])
    ).toEqual(['Alice#3fa9', 'aLICE#7c01'])
  })

  it('treats compatibility forms (full-width letters) as equal', () => {
    expect(
      displayNames([
        { peerId: ALICE_1, name: 'alice' },
        { peerId: ALICE_2, name: 'ａｌｉｃｅ' }
      ])
    ).toEqual(['alice#3fa9', 'ａｌｉｃｅ#7c01'])
  })

  it('keeps accented names apart from plain ones', () => {
    expect(
      displayNames([
        { peerId: ALICE_1, name: 'zoe' },
        { peerId: ALICE_2, name: 'zoë' }
      ])
    ).toEqual(['zoe', 'zoë'])
  })

  it('grows the suffix until it tells the twins apart', () => {
    const a = '12D3KooWxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxQ123abcd'
    const b = '12D3KooWxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxZ923abcd'
    const c = '12D3KooWxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxffff'
    expect(
      displayNames([
        { peerId: a, name: 'sam' },
        { peerId: b, name: 'sam' },
        { peerId: c, name: 'sam' }
      ])
    ).toEqual(['sam#123abcd', 'sam#923abcd', 'sam#ffff'])
  })

  it('returns one entry per user in the same order', () => {
    expect(withDisplayNames([])).toEqual([])
    const users = withDisplayNames([
      { peerId: BOB, name: 'bob' },
      { peerId: ALICE_1, name: 'alice' }
    ])
    expect(users.map((u) => u.peerId)).toEqual([BOB, ALICE_1])
  })
})

describe('resolveUser', () => {
  const users = withDisplayNames([
    { peerId: ALICE_1, name: 'alice' },
    { peerId: ALICE_2, name: 'Alice' },
    { peerId: BOB, name: 'bob' }
  ])

  it('finds a user by full PeerId', () => {
    expect(resolveUser(ALICE_2, users).peerId).toBe(ALICE_2)
    expect(resolveUser(BOB, users).peerId).toBe(BOB)
  })

  it('finds a unique name, ignoring case', () => {
    expect(resolveUser('bob', users).peerId).toBe(BOB)
    expect(resolveUser('BOB', users).peerId).toBe(BOB)
  })

  it('finds name#suffix, as shown in the user list, or with a shorter unique suffix', () => {
    expect(resolveUser('alice#3fa9', users).peerId).toBe(ALICE_1)
    expect(resolveUser('Alice#7c01', users).peerId).toBe(ALICE_2)
    expect(resolveUser('ALICE#01', users).peerId).toBe(ALICE_2)
    expect(resolveUser(`alice#${ALICE_1}`, users).peerId).toBe(ALICE_1)
  })

  it('refuses to guess between equal names and lists the candidates', () => {
    let error: unknown
    try {
      resolveUser('alice', users)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(AmbiguousNameError)
    const ambiguous = error as AmbiguousNameError
    expect(ambiguous.candidates).toEqual(['alice#3fa9', 'Alice#7c01'])
    expect(ambiguous.message).toContain('alice#3fa9')
    expect(ambiguous.message).toContain('Alice#7c01')
  })

  it('refuses a suffix that matches more than one user', () => {
    const twins = withDisplayNames([
      { peerId: '12D3KooWaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1111', name: 'sam' },
      { peerId: '12D3KooWbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2111', name: 'sam' }
    ])
    expect(() => resolveUser('sam#111', twins)).toThrow(AmbiguousNameError)
    expect(resolveUser('sam#2111', twins).name).toBe('sam')
  })

  it.each([
    ['an unknown name', 'carol'],
    ['a known suffix with another name', 'bob#3fa9'],
    ['a suffix nobody has', 'alice#zzzz'],
    ['an empty suffix', 'alice#'],
    ['a bare suffix', '#3fa9'],
    ['a PeerId prefix', ALICE_1.slice(0, 20)]
  ])('reports %s as UnknownUserError', (_what, query) => {
    expect(() => resolveUser(query, users)).toThrow(UnknownUserError)
  })

  it('names the query in the unknown-user message', () => {
    expect(() => resolveUser('carol', users)).toThrow("no online user called 'carol'")
  })

  it('finds nobody among no users', () => {
    expect(() => resolveUser('alice', [])).toThrow(UnknownUserError)
  })

  it('a second peer taking a name makes the name ambiguous instead of taking over its DMs', () => {
    const before = withDisplayNames([{ peerId: ALICE_1, name: 'alice' }])
    expect(resolveUser('alice', before).peerId).toBe(ALICE_1)
    const after = withDisplayNames([
      { peerId: ALICE_1, name: 'alice' },
      { peerId: BOB, name: 'alice' }
    ])
    expect(() => resolveUser('alice', after)).toThrow(AmbiguousNameError)
  })
})

describe('resolveRecipient', () => {
  const users = withDisplayNames([
    { peerId: ALICE_1, name: 'alice' },
    { peerId: ALICE_2, name: 'alice' },
    { peerId: BOB, name: 'bob' }
  ])

  it('picks the other user who shares our name, without asking for a suffix', () => {
    expect(resolveRecipient('alice', users).peerId).toBe(ALICE_2)
  })

  it('says that is us when the query names ourselves only', () => {
    expect(() => resolveRecipient(ALICE_1, users)).toThrow(SelfMessageError)
  })

  it('says unknown for nobody online', () => {
    expect(() => resolveRecipient('carol', users)).toThrow(UnknownUserError)
  })
})

describe('look-alike names', () => {
  // Cyrillic а (U+0430), fullwidth ａ (U+FF41), Cyrillic с (U+0441)
  it.each([
    ['Cyrillic а', '\u0430lice'],
    ['fullwidth ａ', '\uff41lice'],
    ['Cyrillic с inside', 'ali\u0441e'],
    ['capital Cyrillic А', '\u0410lice']
  ])('%s next to alice: both get a suffix', (_what, twin) => {
    expect(
      displayNames([
        { peerId: ALICE_1, name: 'alice' },
        { peerId: ALICE_2, name: twin },
        { peerId: BOB, name: 'bob' }
      ])
    ).toEqual(['alice#3fa9', `${twin}#7c01`, 'bob'])
  })

  it('rn next to m, 0 next to o, I next to l: suffixes too', () => {
    expect(
      displayNames([
        { peerId: ALICE_1, name: 'mike' },
        { peerId: ALICE_2, name: 'rnike' }
      ])
    ).toEqual(['mike#3fa9', 'rnike#7c01'])
    expect(
      displayNames([
        { peerId: ALICE_1, name: 'b0b' },
        { peerId: BOB, name: 'bob' }
      ])
    ).toEqual(['b0b#3fa9', 'bob#b0b0'])
    expect(displayUser({ peerId: ALICE_1, name: 'Ian' }, [{ peerId: BOB, name: 'lan' }]).displayName).toBe('Ian#3fa9')
  })

  it('names that only share letters or accents are not look-alikes', () => {
    expect(
      displayNames([
        { peerId: ALICE_1, name: 'alice' },
        { peerId: ALICE_2, name: 'alicé' },
        { peerId: BOB, name: 'alicia' }
      ])
    ).toEqual(['alice', 'alicé', 'alicia'])
  })

  it('typing the Latin name finds only the Latin user: a look-alike never receives it', () => {
    const both = withDisplayNames([
      { peerId: ALICE_1, name: 'alice' },
      { peerId: ALICE_2, name: '\u0430lice' }
    ])
    expect(resolveUser('alice', both).peerId).toBe(ALICE_1)
    const onlyTwin = withDisplayNames([{ peerId: ALICE_2, name: '\u0430lice' }])
    expect(() => resolveUser('alice', onlyTwin)).toThrow(UnknownUserError)
  })
})

describe('user properties', () => {
  // PeerIds sharing a long prefix and drawn from two letters, so suffixes collide often
  const peerIdArb = fc
    .string({ unit: fc.constantFrom('a', 'b'), minLength: 6, maxLength: 6 })
    .map((tail) => `12D3KooW${'x'.repeat(38)}${tail}`)
  const usersArb = fc.uniqueArray(
    fc.record({ peerId: peerIdArb, name: fc.constantFrom('alice', 'Alice', 'ALICE', 'bob', 'zoë', 'Zoë') }),
    { selector: (u) => u.peerId, maxLength: 12 }
  )

  it('display names are distinct (ignoring case) and each resolves to its own user', () => {
    fc.assert(
      fc.property(usersArb, (named) => {
        const users = withDisplayNames(named)
        const keys = users.map((u) => u.displayName.toLowerCase())
        expect(new Set(keys).size).toBe(users.length)
        for (const user of users) {
          expect(resolveUser(user.displayName, users).peerId).toBe(user.peerId)
          expect(resolveUser(user.peerId, users).peerId).toBe(user.peerId)
        }
      }),
      { numRuns: 300 }
    )
  })
})
