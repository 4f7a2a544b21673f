import { describe, expect, it } from 'vitest'
import { HELP, parseCommand } from '../../../cli/commands.ts'
import { tokenize } from '../../../cli/group-commands.ts'

describe('group commands', () => {
  it('tokenizes with double quotes and escapes, and refuses an unterminated quote', () => {
    expect(tokenize('a  "b c" "d \\"e\\""')).toEqual(['a', 'b c', 'd "e"'])
    expect(tokenize('')).toEqual([])
    expect(tokenize('"open')).toBeUndefined()
  })

  it('parses /group create with its options in any order', () => {
    expect(parseCommand('/group create team')).toEqual({
      type: 'group-create',
      name: 'team',
      private: false,
      description: ''
    })
    expect(parseCommand('/group create "Book Club" --description "we read" --private')).toEqual({
      type: 'group-create',
      name: 'Book Club',
      private: true,
      description: 'we read'
    })
  })

  it('refuses /group create without a name, with two names or an unknown flag', () => {
    for (const line of [
      '/group create',
      '/group create a b',
      '/group create a --secret',
      '/group create a --description',
      '/group'
    ]) {
      expect(parseCommand(line)).toMatchObject({ type: 'invalid', code: 'USAGE' })
    }
  })

  it('parses /g with the text kept as typed, and a quoted group name', () => {
    expect(parseCommand('/g team  hello   "world" ')).toEqual({
      type: 'group-send',
      group: 'team',
      text: 'hello   "world" '
    })
    expect(parseCommand('/g "Book Club" hi')).toEqual({ type: 'group-send', group: 'Book Club', text: 'hi' })
    expect(parseCommand('/g team')).toMatchObject({ type: 'invalid', code: 'USAGE' })
  })

  it('parses membership commands, with /kick as /remove', () => {
    expect(parseCommand('/invite team bob')).toEqual({ type: 'invite', group: 'team', user: 'bob' })
    expect(parseCommand('/remove team bob')).toEqual({ type: 'member-op', op: 'remove', group: 'team', user: 'bob' })
    expect(parseCommand('/kick team bob')).toEqual({ type: 'member-op', op: 'remove', group: 'team', user: 'bob' })
    expect(parseCommand('/promote team bob')).toEqual({ type: 'member-op', op: 'promote', group: 'team', user: 'bob' })
    expect(parseCommand('/demote "Book Club" bob#3fa9')).toEqual({
      type: 'member-op',
      op: 'demote',
      group: 'Book Club',
      user: 'bob#3fa9'
    })
    expect(parseCommand('/invite team')).toMatchObject({ type: 'invalid', code: 'USAGE' })
  })

  it('parses the one-argument and no-argument commands', () => {
    expect(parseCommand('/groups')).toEqual({ type: 'groups' })
    expect(parseCommand('/invites')).toEqual({ type: 'invites' })
    expect(parseCommand('/join team')).toEqual({ type: 'join', group: 'team' })
    expect(parseCommand('/leave team')).toEqual({ type: 'leave', group: 'team' })
    expect(parseCommand('/members team')).toEqual({ type: 'members', group: 'team' })
    expect(parseCommand('/accept iab12cd')).toEqual({ type: 'accept', id: 'iab12cd' })
    expect(parseCommand('/decline iab')).toEqual({ type: 'decline', id: 'iab' })
    expect(parseCommand('/room')).toEqual({ type: 'room' })
    expect(parseCommand('/room lobby')).toEqual({ type: 'room', group: 'lobby' })
    // one-argument commands take the rest of the line, so names with spaces need no quotes
    expect(parseCommand('/room  Book   Club ')).toEqual({ type: 'room', group: 'Book Club' })
    expect(parseCommand('/join "Book Club"')).toEqual({ type: 'join', group: 'Book Club' })
    expect(parseCommand('/members "Book" "Club"')).toMatchObject({ type: 'invalid', code: 'USAGE' })
    expect(parseCommand('/join')).toMatchObject({ type: 'invalid', code: 'USAGE' })
    expect(parseCommand('/accept')).toMatchObject({ type: 'invalid', code: 'USAGE' })
  })

  it('parses /group edit and /group rekey', () => {
    expect(parseCommand('/group edit team --name "The Team"')).toEqual({
      type: 'group-edit',
      group: 'team',
      name: 'The Team'
    })
    expect(parseCommand('/group edit team --description ""')).toEqual({
      type: 'group-edit',
      group: 'team',
      description: ''
    })
    expect(parseCommand('/group edit team')).toMatchObject({ type: 'invalid', code: 'USAGE' })
    expect(parseCommand('/group rekey team')).toEqual({ type: 'group-rekey', group: 'team' })
    expect(parseCommand('/group rekey Book Club')).toEqual({ type: 'group-rekey', group: 'Book Club' })
    expect(parseCommand('/group rekey')).toMatchObject({ type: 'invalid', code: 'USAGE' })
  })

  it('lists every group command in /help', () => {
    const usages = HELP.map(([usage]) => usage).join('\n')
    for (const cmd of [
      '/group create',
      '/groups',
      '/join',
      '/leave',
      '/members',
      '/g ',
      '/invite',
      '/invites',
      '/accept',
      '/decline',
      '/remove',
      '/promote',
      '/demote',
      '/room'
    ]) {
      expect(usages).toContain(cmd)
    }
  })
})
