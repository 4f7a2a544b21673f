import { describe, expect, it } from 'vitest'
import { DEFAULT_HISTORY, MAX_HISTORY } from '../../../cli/account-commands.ts'
import { HELP, parseCommand } from '../../../cli/commands.ts'

describe('account commands', () => {
  it.each([
    ['/history', { type: 'history', limit: DEFAULT_HISTORY }],
    ['/history lobby', { type: 'history', limit: DEFAULT_HISTORY }],
    ['/history 5', { type: 'history', limit: 5 }],
    ['/history lobby 5', { type: 'history', limit: 5 }],
    ['/history bob', { type: 'history', target: 'bob', limit: DEFAULT_HISTORY }],
    ['/history bob#3fa9 3', { type: 'history', target: 'bob#3fa9', limit: 3 }],
    ['/history 42 7', { type: 'history', target: '42', limit: 7 }],
    ['/history bob 99999', { type: 'history', target: 'bob', limit: MAX_HISTORY }],
    ['/retention', { type: 'retention' }],
    ['/retention dm', { type: 'retention' }],
    ['/retention 7d', { type: 'retention', policy: '7d' }],
    ['/retention lobby none', { type: 'retention', scope: 'lobby', policy: 'none' }],
    ['/retention DMs 24h', { type: 'retention', scope: 'dm', policy: '24h' }],
    ['/retention group forever', { type: 'retention', scope: 'groups', policy: 'forever' }],
    ['/block bob', { type: 'block', who: 'bob' }],
    ['/unblock bob#3fa9', { type: 'unblock', who: 'bob#3fa9' }],
    ['/blocked', { type: 'blocked' }],
    ['/destroy', { type: 'destroy', confirmed: false }],
    ['/destroy confirm', { type: 'destroy', confirmed: true }],
    ['/DESTROY YES', { type: 'destroy', confirmed: true }]
  ])('%j -> %o', (line, command) => {
    expect(parseCommand(line)).toEqual(command)
  })

  it.each([
    '/history bob 0',
    '/history bob -1',
    '/history bob many',
    '/history a b c',
    '/retention lobby 1d extra',
    '/retention chat 1d',
    '/block',
    '/block bob carol',
    '/unblock',
    '/destroy now',
    '/destroy confirm please'
  ])('%j is a usage error', (line) => {
    expect(parseCommand(line)).toMatchObject({ type: 'invalid', code: 'USAGE' })
  })

  it('leaves the policy text for the node to validate, so a bad one gets INVALID_RETENTION', () => {
    expect(parseCommand('/retention lobby banana')).toEqual({ type: 'retention', scope: 'lobby', policy: 'banana' })
  })

  it('are listed in /help', () => {
    const usages = HELP.map(([usage]) => usage)
    for (const name of ['/history', '/retention', '/block', '/unblock', '/blocked', '/destroy']) {
      expect(usages.some((u) => u.startsWith(name))).toBe(true)
    }
  })
})
