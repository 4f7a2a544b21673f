import { describe, expect, it } from 'vitest'
import { resolveGroup } from '../../../node/groups/resolve.ts'
import { AmbiguousGroupError, UnknownGroupError } from '../../../protocols/group/errors.ts'

const team = { id: 'abcdefghijklmnopqrstuvwxyz', name: 'team' }
const team2 = { id: 'zyxwvutsrqponmlkjihgfedcba', name: 'Team' }
const club = { id: 'abcdzzzzzzzzzzzzzzzzzzzzzz', name: 'Book Club' }

describe('resolving a group', () => {
  it('finds a group by id, unique name (any case), name#prefix or id prefix', () => {
    expect(resolveGroup(team.id, [team, team2, club])).toBe(team)
    expect(resolveGroup('book club', [team, team2, club])).toBe(club)
    expect(resolveGroup('team#abc', [team, team2, club])).toBe(team)
    expect(resolveGroup('zyxw', [team, team2, club])).toBe(team2)
  })

  it('never guesses between two groups', () => {
    expect(() => resolveGroup('team', [team, team2])).toThrow(AmbiguousGroupError)
    expect(() => resolveGroup('team', [team, team2])).toThrow(/team#abcdef or Team#zyxwvu/)
    expect(() => resolveGroup('abcd', [team, club])).toThrow(AmbiguousGroupError)
  })

  it('refuses unknown names and id prefixes shorter than four characters', () => {
    expect(() => resolveGroup('nope', [team])).toThrow(UnknownGroupError)
    expect(() => resolveGroup('abc', [team])).toThrow(UnknownGroupError)
  })
})
