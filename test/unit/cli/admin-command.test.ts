import { describe, expect, it } from 'vitest'
import { parseAdminLine, splitAdminWords } from '../../../cli/admin-command.ts'
import { parseCommand } from '../../../cli/commands.ts'

describe('admin command parsing', () => {
  it('gives the rest of the line to the last argument, so texts need no quotes', () => {
    expect(parseAdminLine('say the relay restarts at noon')).toEqual({
      ok: true,
      command: 'say',
      args: ['the relay restarts at noon']
    })
    expect(parseAdminLine('msg bob please stop')).toEqual({ ok: true, command: 'msg', args: ['bob', 'please stop'] })
    expect(parseAdminLine('ban mallory flooding the lobby')).toEqual({
      ok: true,
      command: 'ban',
      args: ['mallory', 'flooding the lobby']
    })
    expect(parseAdminLine('ban mallory')).toEqual({ ok: true, command: 'ban', args: ['mallory'] })
    expect(parseAdminLine('set motd Welcome, be kind')).toEqual({
      ok: true,
      command: 'set',
      args: ['motd', 'Welcome, be kind']
    })
    expect(parseAdminLine('GET')).toEqual({ ok: true, command: 'get', args: [] })
  })

  it('refuses unknown commands and wrong argument counts with the usage', () => {
    expect(parseAdminLine('explode')).toEqual({
      ok: false,
      message: "unknown admin command 'explode' (try /admin help)"
    })
    expect(parseAdminLine('kick')).toEqual({ ok: false, message: 'usage: /admin kick <user>' })
    expect(parseAdminLine('users now')).toEqual({ ok: false, message: 'usage: /admin users' })
    expect(parseAdminLine('').ok).toBe(false)
    expect(splitAdminWords(['help']).ok).toBe(false)
  })

  it('is wired into the input parser', () => {
    expect(parseCommand('/admin kick bob')).toEqual({ type: 'admin', command: 'kick', args: ['bob'] })
    expect(parseCommand('/admin kick')).toEqual({
      type: 'invalid',
      code: 'USAGE',
      message: 'usage: /admin kick <user>'
    })
  })

  it('takes an optional @<relay> before the command', () => {
    expect(parseAdminLine('@north ban bob flooding')).toEqual({
      ok: true,
      command: 'ban',
      args: ['bob', 'flooding'],
      relay: 'north'
    })
    expect(parseAdminLine('@ users')).toMatchObject({ ok: false })
    expect(parseAdminLine('@north nonsense')).toMatchObject({ ok: false })
  })
})
