import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Command, HELP, parseCommand } from '../../../cli/commands.ts'

const MSG_USAGE: Command = { type: 'invalid', code: 'USAGE', message: 'usage: /msg <name|peerId> <text>' }

describe('parseCommand', () => {
  it.each(['', ' ', '   \t ', '\n', '\r\n'])('ignores the blank line %j', (line) => {
    expect(parseCommand(line)).toEqual({ type: 'none' })
  })

  it('broadcasts plain text as typed', () => {
    expect(parseCommand('hello everyone')).toEqual({ type: 'broadcast', text: 'hello everyone' })
    expect(parseCommand('  indented 🦊 ')).toEqual({ type: 'broadcast', text: '  indented 🦊 ' })
    expect(parseCommand('a / b')).toEqual({ type: 'broadcast', text: 'a / b' })
  })

  it('strips one trailing line ending, LF or CRLF', () => {
    expect(parseCommand('hi\n')).toEqual({ type: 'broadcast', text: 'hi' })
    expect(parseCommand('hi\r\n')).toEqual({ type: 'broadcast', text: 'hi' })
    expect(parseCommand('/users\r\n')).toEqual({ type: 'users' })
  })

  it('// sends text that starts with a slash', () => {
    expect(parseCommand('//users')).toEqual({ type: 'broadcast', text: '/users' })
    expect(parseCommand('//')).toEqual({ type: 'broadcast', text: '/' })
    expect(parseCommand('///shrug')).toEqual({ type: 'broadcast', text: '//shrug' })
  })

  it.each([
    ['/users', { type: 'users' }],
    ['/who', { type: 'users' }],
    ['/help', { type: 'help' }],
    ['/?', { type: 'help' }],
    ['/quit', { type: 'quit' }],
    ['/exit', { type: 'quit' }],
    ['/USERS', { type: 'users' }],
    ['/Quit', { type: 'quit' }],
    ['/users   ', { type: 'users' }],
    ['/quit now', { type: 'quit' }]
  ])('%j -> %o', (line, command) => {
    expect(parseCommand(line)).toEqual(command)
  })

  it('/msg and /dm take a recipient and the rest of the line as text', () => {
    expect(parseCommand('/msg bob hi there')).toEqual({ type: 'msg', to: 'bob', text: 'hi there' })
    expect(parseCommand('/dm bob hi')).toEqual({ type: 'msg', to: 'bob', text: 'hi' })
    expect(parseCommand('/MSG alice#3fa9 psst')).toEqual({ type: 'msg', to: 'alice#3fa9', text: 'psst' })
    expect(parseCommand('/msg 12D3KooWAbc 🤫')).toEqual({ type: 'msg', to: '12D3KooWAbc', text: '🤫' })
  })

  it('/msg keeps the text as typed after the separating whitespace', () => {
    expect(parseCommand('/msg   bob    two  spaces ')).toEqual({ type: 'msg', to: 'bob', text: 'two  spaces ' })
    expect(parseCommand('/msg bob\tline one\nline two')).toEqual({ type: 'msg', to: 'bob', text: 'line one\nline two' })
    expect(parseCommand('/msg bob /not-a-command')).toEqual({ type: 'msg', to: 'bob', text: '/not-a-command' })
  })

  it.each(['/msg', '/msg ', '/msg bob', '/msg bob ', '/msg bob   \t', '/dm bob'])('%j is a usage error', (line) => {
    expect(parseCommand(line)).toEqual(MSG_USAGE)
  })

  it('reports an unknown command with its name and a pointer to /help', () => {
    expect(parseCommand('/nick bob')).toEqual({
      type: 'invalid',
      code: 'UNKNOWN_COMMAND',
      message: 'unknown command /nick (type /help for the list)'
    })
    expect(parseCommand('/Foo')).toMatchObject({
      type: 'invalid',
      code: 'UNKNOWN_COMMAND',
      message: expect.stringContaining('/foo')
    })
  })

  it('a lone slash, or a slash and spaces, is an unknown command, not a broadcast', () => {
    expect(parseCommand('/')).toMatchObject({ type: 'invalid', code: 'UNKNOWN_COMMAND' })
    expect(parseCommand('/  users')).toMatchObject({ type: 'invalid', code: 'UNKNOWN_COMMAND' })
  })

  it('HELP lists every command', () => {
    const usages = HELP.map(([usage]) => usage)
    for (const cmd of ['/users', '/msg', '/help', '/quit']) {
      expect(usages.some((u) => u.startsWith(cmd))).toBe(true)
    }
  })
})

describe('parseCommand properties', () => {
  it('never throws, and a line without a leading slash is broadcast unchanged (or ignored when blank)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (line) => {
        const command = parseCommand(line)
        if (line.trim().length === 0) {
          expect(command).toEqual({ type: 'none' })
        } else if (!line.startsWith('/')) {
          expect(command).toEqual({ type: 'broadcast', text: line.replace(/\r?\n$/, '') })
        }
      }),
      { numRuns: 500 }
    )
  })

  it('/msg <to> <text> gives back the recipient and text for any one-word recipient', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => /^\S+$/.test(s)),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 100 }).filter((s) => /^\S/.test(s) && !/\r?\n$/.test(s)),
        (to, text) => {
          expect(parseCommand(`/msg ${to} ${text}`)).toEqual({ type: 'msg', to, text })
        }
      ),
      { numRuns: 500 }
    )
  })
})
