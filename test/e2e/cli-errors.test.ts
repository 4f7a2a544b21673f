import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { MAX_TEXT_BYTES } from '../../protocols/common/limits.ts'
import { cleanup, findOldNode, type PeerProcess, requireTool, runCli, spawnPeer, tempDir } from './harness.ts'

/** Loopback only, never mDNS: in case a bad invocation were accepted after all, it must not touch the LAN. */
function safeStart(...extra: string[]): string[] {
  return ['start', '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', '--data-dir', tempDir(), ...extra]
}

/** The lines of stderr that report the problem, without commander's "(run p2pchat --help ...)" hint. */
function errorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .filter((line) => !line.startsWith('(run p2pchat --help'))
}

async function twoPeers(): Promise<[PeerProcess, PeerProcess]> {
  const alice = await spawnPeer({ name: 'alice' })
  const bob = await spawnPeer({ name: 'bob', bootstrap: [alice.addrs[0]] })
  await Promise.all([alice, bob].map((p) => p.waitForUsers((users) => users.length === 2)))
  return [alice, bob]
}

describe('bad input typed into a running client', () => {
  afterEach(cleanup)

  it('an unknown command is an UNKNOWN_COMMAND error, and the peer keeps working', async () => {
    const [alice, bob] = await twoPeers()
    alice.send('/frobnicate now')
    const error = await alice.waitFor('error', (e) => e.code === 'UNKNOWN_COMMAND')
    expect(error.message).toContain('/frobnicate')
    let from = alice.events.length
    alice.send('/msg bob')
    expect((await alice.waitFor('error', () => true, { from })).code).toBe('USAGE')

    from = alice.events.length
    alice.send('still here')
    await bob.waitFor('message', (m) => m.text === 'still here')
    alice.send('/msg bob still here, privately')
    await bob.waitFor('message', (m) => m.scope === 'dm' && m.text === 'still here, privately')
    expect(alice.all('error').slice(2)).toEqual([])
    expect(JSON.stringify(bob.events)).not.toContain('frobnicate')
  })

  it('when its output goes away (a closed pipe) the client leaves cleanly instead of crashing', async () => {
    const [alice, bob] = await twoPeers()
    alice.child.stdout!.destroy()
    // the next event alice has to print hits the closed pipe
    bob.send('anyone reading?')
    expect(await alice.exited).toEqual({ code: 0, signal: null })
    await bob.waitFor('leave', (l) => l.peerId === alice.peerId && l.reason === 'left')
  })

  it(`text over ${MAX_TEXT_BYTES} bytes is a MESSAGE_TOO_LARGE error and is not sent`, async () => {
    const [alice, bob] = await twoPeers()
    const cases = [
      `${'x'.repeat(MAX_TEXT_BYTES)}!`,
      // 2049 characters, but 4098 bytes: the limit counts UTF-8 bytes
      'é'.repeat(MAX_TEXT_BYTES / 2 + 1),
      `/msg bob ${'y'.repeat(5000)}`
    ]
    for (const line of cases) {
      const from = alice.events.length
      alice.send(line)
      const error = await alice.waitFor('error', () => true, { from })
      expect(error.code).toBe('MESSAGE_TOO_LARGE')
      expect(error.message).toContain(String(MAX_TEXT_BYTES))
    }
    // exactly at the limit is fine, and shows that the peer still sends
    const atLimit = 'z'.repeat(MAX_TEXT_BYTES)
    alice.send(atLimit)
    await bob.waitFor('message', (m) => m.text === atLimit)
    await alice.waitFor('sent', (s) => s.text === atLimit)
    expect(bob.all('message').map((m) => m.text)).toEqual([atLimit])
    expect(alice.all('sent').map((s) => s.text)).toEqual([atLimit])
  })
})

describe('command line errors', () => {
  afterEach(cleanup)

  it('--version and --help answer and exit 0', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    const version = await runCli(['--version'])
    expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n` })
    const help = await runCli(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/\bstart\b/)
    expect(help.stdout).toMatch(/\bid\b/)
    const startHelp = await runCli(['start', '--help'])
    expect(startHelp.code).toBe(0)
    for (const flag of ['--name', '--data-dir', '--listen', '--bootstrap', '--no-mdns', '--json']) {
      expect(startHelp.stdout).toContain(flag)
    }
  })

  it('an invalid --name exits 2 with one line saying what is wrong', async () => {
    const cases: Array<[string, RegExp]> = [
      ['al ice', /spaces/],
      ['a'.repeat(33), /at most 32/],
      ['al\u0007ice', /control/],
      ['al\u001b[31mice', /control/],
      ['al#ice', /#/],
      ['', /empty/]
    ]
    const results = await Promise.all(cases.map(([name]) => runCli(safeStart('--name', name))))
    results.forEach((r, i) => {
      const [name, reason] = cases[i]
      expect({ name, code: r.code, stdout: r.stdout }).toEqual({ name, code: 2, stdout: '' })
      const lines = errorLines(r.stderr)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(/--name/)
      expect(lines[0]).toMatch(reason)
    })
  })

  it('unknown flags and commands exit 2', async () => {
    const results = await Promise.all([
      runCli(safeStart('--name', 'bob', '--frobnicate')),
      runCli(['frobnicate']),
      runCli(['id', '--frobnicate'])
    ])
    for (const r of results) {
      expect(r.code).toBe(2)
      expect(r.stdout).toBe('')
      const lines = errorLines(r.stderr)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain('frobnicate')
    }
  })

  it('with --json, a usage error is one JSON error event with code USAGE on stdout', async () => {
    const results = await Promise.all([
      runCli(safeStart('--json', '--name', 'bob', '--frobnicate')),
      runCli(safeStart('--json', '--name', 'two words'))
    ])
    for (const r of results) {
      expect(r.code).toBe(2)
      expect(r.stderr).toBe('')
      const events = r.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>)
      expect(events).toHaveLength(1)
      expect(events[0]).toMatchObject({ type: 'error', code: 'USAGE' })
    }
    expect(results[0].stdout).toContain('frobnicate')
    expect(results[1].stdout).toContain('spaces')
  })

  it('a bad multiaddr for --listen or --bootstrap exits 2 naming the option', async () => {
    const cases: Array<[string, string]> = [
      ['--listen', '/ip4/1.2.3/tcp/0'],
      ['--listen', 'not-an-address'],
      ['--bootstrap', 'nonsense'],
      ['--bootstrap', '/ip4/127.0.0.1/tcp/notaport'],
      ['--bootstrap', '/frobnicate/1']
    ]
    const results = await Promise.all(cases.map(([flag, value]) => runCli(safeStart('--name', 'bob', flag, value))))
    results.forEach((r, i) => {
      const [flag, value] = cases[i]
      expect({ flag, value, code: r.code, stdout: r.stdout }).toEqual({ flag, value, code: 2, stdout: '' })
      const lines = errorLines(r.stderr)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain(flag)
      expect(lines[0]).toContain(value)
    })
  })

  it('`p2pchat id` gives the same PeerId every time for a data directory, and `start` uses it', async () => {
    const dir = tempDir()
    const first = await runCli(['id', '--data-dir', dir])
    const second = await runCli(['id', '--data-dir', dir])
    const json = await runCli(['id', '--json', '--data-dir', dir])
    const other = await runCli(['id', '--data-dir', tempDir()])
    for (const r of [first, second, json, other]) {
      expect(r.code).toBe(0)
    }
    const peerId = first.stdout.trim()
    expect(peerId).toMatch(/^12D3KooW\w+$/)
    expect(second.stdout.trim()).toBe(peerId)
    expect(JSON.parse(json.stdout)).toEqual({ type: 'id', peerId })
    expect(other.stdout.trim()).not.toBe(peerId)
    const peer = await spawnPeer({ name: 'alice', dataDir: dir })
    expect(peer.peerId).toBe(peerId)
  })

  it('a second process on the same --data-dir fails with DATA_DIR_IN_USE; the first keeps running', async () => {
    const dir = tempDir()
    const first = await spawnPeer({ name: 'first', dataDir: dir })
    const second = await runCli([
      'start',
      '--json',
      '--name',
      'second',
      '--no-mdns',
      '--listen',
      '/ip4/127.0.0.1/tcp/0',
      '--data-dir',
      dir
    ])
    expect(second.code).toBe(1)
    const events = second.stdout
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as { type: string; code?: string; message?: string })
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ type: 'error', code: 'DATA_DIR_IN_USE' })
    expect(events[0].message).toContain(dir)

    expect(first.child.exitCode).toBeNull()
    const users = await first.users()
    expect(users.map((u) => u.name)).toEqual(['first'])
    first.send('/quit')
    expect(await first.exited).toEqual({ code: 0, signal: null })
  })

  describe('with an old Node', () => {
    requireTool('old-node')

    it('prints one line naming the version it needs and exits non-zero', async () => {
      const r = await runCli(safeStart('--name', 'bob'), { node: findOldNode() })
      expect(r.code).not.toBe(0)
      expect(r.code).not.toBeNull()
      expect(r.stdout).toBe('')
      const lines = r.stderr.split('\n').filter((line) => line.length > 0)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(/Node(\.js)? 22\b/)
    })
  })
})
