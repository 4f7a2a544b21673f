import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { type CliResult, cleanup, LOOPBACK, MODES, runCli, startClient, tempDir } from '../harness.ts'

/** The error a run reported: the JSON event's code, or in line mode the stderr text. */
function reported(run: CliResult, mode: string): string {
  return mode === 'json' ? String((run.events[0] as { code?: string } | undefined)?.code) : run.stderr
}

describe.each(MODES)('bad input (%s mode)', (mode) => {
  afterEach(cleanup)
  const flags = mode === 'json' ? ['--json'] : []

  it('bad policy strings are refused with a clear error and change nothing', async () => {
    const dir = join(tempDir(), 'acct')
    for (const policy of ['5x', '0d', 'lobby=', 'chat=7d', '9999d', 'forever!']) {
      const run = await runCli(['account', 'create', '-d', dir, '-r', policy, '--no-passphrase', ...flags])
      expect(run.code).toBe(2)
      expect(reported(run, mode)).toMatch(
        mode === 'json' ? /^INVALID_RETENTION$/ : /retention|scope=policy|keeps nothing|ten years/
      )
      expect(existsSync(dir)).toBe(false)
    }
    await runCli(['account', 'create', '-d', dir, '-n', 'alice', '--no-passphrase'])
    const before = readFileSync(join(dir, 'account.json'), 'utf8')
    const set = await runCli(['account', 'set', 'retention.lobby', 'banana', '-d', dir, ...flags])
    expect(set.code).toBe(2)
    expect(reported(set, mode)).toMatch(mode === 'json' ? /^INVALID_RETENTION$/ : /'banana' is not a retention policy/)
    const unknown = await runCli(['account', 'set', 'colour', 'blue', '-d', dir, ...flags])
    expect(unknown.code).toBe(2)
    expect(reported(unknown, mode)).toMatch(mode === 'json' ? /^UNKNOWN_SETTING$/ : /unknown setting 'colour'/)
    expect(readFileSync(join(dir, 'account.json'), 'utf8')).toBe(before)

    const alice = await startClient({ mode, dataDir: dir })
    for (const [line, code, text] of [
      ['/retention lobby banana', 'INVALID_RETENTION', /'banana' is not a retention policy/],
      ['/retention 0s', 'INVALID_RETENTION', /keeps nothing/],
      ['/retention lobby 1d extra', 'USAGE', /usage: \/retention/],
      ['/history lobby many', 'USAGE', /usage: \/history/],
      ['/history nobody-here', 'UNKNOWN_USER', /nobody called 'nobody-here'/],
      ['/block nobody-here', 'UNKNOWN_USER', /nobody called 'nobody-here'/],
      ['/block alice', 'SELF_BLOCK', /cannot block yourself/],
      ['/unblock nobody-here', 'NOT_BLOCKED', /'nobody-here' is not blocked/],
      ['/destroy now', 'USAGE', /\/destroy confirm/]
    ] as const) {
      const from = alice.mark()
      alice.send(line)
      await alice.expect('error', (e) => e.code === code, new RegExp(`^! .*${text.source}`), from)
    }
    const from = alice.mark()
    alice.send('/retention')
    await alice.expect(
      'retention',
      (r) => r.lobby === 'forever' && r.deleted == null,
      /retention: lobby forever, dm forever, groups forever/,
      from
    )
  })

  it('corrupt account files are a clear error, never a silent new identity', async () => {
    const dir = tempDir()
    await runCli(['account', 'create', '-d', dir, '-n', 'alice', '--no-passphrase'])
    const key = readFileSync(join(dir, 'identity.key'))
    const account = readFileSync(join(dir, 'account.json'))

    writeFileSync(join(dir, 'account.json'), '{"format":"p2pchat-account","version":1,"peerId":"oops"')
    const badAccount = await runCli(['start', '-d', dir, '-n', 'alice', ...LOOPBACK, ...flags])
    expect(badAccount.code).toBe(1)
    expect(reported(badAccount, mode)).toMatch(
      mode === 'json' ? /^CORRUPT_ACCOUNT$/ : /account.json is damaged \(not JSON\)/
    )
    expect(readFileSync(join(dir, 'identity.key'))).toEqual(key)
    const show = await runCli(['account', 'show', '-d', dir, ...flags])
    expect(show.code).toBe(1)

    writeFileSync(join(dir, 'account.json'), account)
    writeFileSync(join(dir, 'identity.key'), 'not a key at all')
    const badKey = await runCli(['start', '-d', dir, '-n', 'alice', ...LOOPBACK, ...flags])
    expect(badKey.code).toBe(1)
    expect(reported(badKey, mode)).toMatch(mode === 'json' ? /^CORRUPT_IDENTITY$/ : /not a valid identity key/)
    expect(readFileSync(join(dir, 'identity.key'), 'utf8')).toBe('not a key at all')

    writeFileSync(join(dir, 'identity.key'), '{"format":"p2pchat-sealed","version":1,"purpose":"key","kdf":"scrypt"')
    const truncated = await runCli(['start', '-d', dir, '-n', 'alice', ...LOOPBACK, ...flags])
    expect(truncated.code).toBe(1)
    expect(reported(truncated, mode)).toMatch(mode === 'json' ? /^CORRUPT_IDENTITY$/ : /identity key file is damaged/)

    writeFileSync(join(dir, 'identity.key'), key)
    const missingPass = await runCli([
      'start',
      '-d',
      dir,
      '-n',
      'alice',
      '--passphrase-file',
      join(dir, 'nope'),
      ...LOOPBACK,
      ...flags
    ])
    expect(missingPass.code).toBe(2)
    expect(reported(missingPass, mode)).toMatch(
      mode === 'json' ? /^INVALID_PASSPHRASE_FILE$/ : /cannot read passphrase file .*nope: ENOENT/
    )

    const garbage = join(dir, 'garbage.backup')
    writeFileSync(garbage, 'this is not a backup')
    const imported = await runCli(['account', 'import', garbage, '-d', join(dir, 'other'), ...flags])
    expect(imported.code).toBe(1)
    expect(reported(imported, mode)).toMatch(mode === 'json' ? /^CORRUPT_BACKUP$/ : /not a p2pchat backup/)
    expect(existsSync(join(dir, 'other'))).toBe(false)
  })
})
