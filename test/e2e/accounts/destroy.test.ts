import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  cleanup,
  filesContaining,
  LOOPBACK,
  listFiles,
  MODES,
  marker,
  runCli,
  startClient,
  tempDir,
  untilOnDisk
} from '../harness.ts'

describe.each(MODES)('destroying an account (%s mode)', (mode) => {
  afterEach(cleanup)

  it('/destroy asks first, then tells peers, who forget the user and its messages; no file of it remains', async () => {
    const parent = tempDir()
    const aliceDir = join(parent, 'alice')
    const alice = await startClient({ name: 'alice', mode, dataDir: aliceDir })
    const bob = await startClient({ name: 'bob', mode: 'json', dataDir: tempDir(), bootstrap: [alice.addrs[0]] })
    await bob.json!.waitForUsers((u) => u.length === 2)
    await alice.waitForUserNames((n) => n.includes('bob'))
    const lobbyText = marker('alice-lobby')
    const dmText = marker('alice-dm')
    const bobText = marker('bob-lobby')
    alice.send(lobbyText)
    alice.send(`/msg bob ${dmText}`)
    bob.send(bobText)
    await bob.json!.waitFor('message', (m) => m.text === dmText)
    await bob.json!.waitFor('message', (m) => m.text === lobbyText)
    await alice.expect('message', (m) => m.text === bobText, new RegExp(bobText))
    await alice.expect('delivered', () => true, /delivered to bob/)
    // positive controls: both sides hold the texts on disk
    for (const text of [lobbyText, dmText, bobText]) {
      await untilOnDisk(aliceDir, text)
    }
    await untilOnDisk(bob.dataDir!, lobbyText)
    expect(filesContaining(bob.dataDir!, alice.peerId)).not.toEqual([])

    let from = alice.mark()
    alice.send('/destroy')
    await alice.expect('error', (e) => e.code === 'CONFIRMATION_REQUIRED', /\/destroy confirm/, from)
    expect(existsSync(join(aliceDir, 'identity.key'))).toBe(true)

    from = alice.mark()
    alice.send('/destroy confirm')
    await alice.expect(
      'destroyed',
      (d) => d.peerId === alice.peerId && d.notified >= 1 && d.removedDir,
      new RegExp(`account ${alice.peerId} destroyed: told 1 peer, every file of it is gone`),
      from
    )
    expect(await alice.exited).toEqual({ code: 0, signal: null })
    expect(existsSync(aliceDir)).toBe(false)
    expect(listFiles(parent)).toEqual([])

    const leave = await bob.json!.waitFor('leave', (l) => l.peerId === alice.peerId && l.reason === 'deleted')
    expect(leave.name).toBe('alice')
    expect((await bob.json!.users()).map((u) => u.name)).toEqual(['bob'])
    const histFrom = bob.mark()
    bob.send('/history lobby')
    const history = await bob.json!.waitFor('history', () => true, { from: histFrom })
    expect(history.messages.map((m) => m.text)).toEqual([bobText])
    for (const text of [lobbyText, dmText, alice.peerId]) {
      expect(filesContaining(bob.dataDir!, text), text).toEqual([])
    }
  })

  it('`account destroy` goes online to tell peers, then wipes; without --yes it refuses', async () => {
    const aliceDir = join(tempDir(), 'alice')
    const passFile = join(tempDir(), 'pass')
    writeFileSync(passFile, 'a long passphrase\n')
    const flags = mode === 'json' ? ['--json'] : []
    const created = await runCli([
      'account',
      'create',
      '-d',
      aliceDir,
      '-n',
      'alice',
      '--passphrase-file',
      passFile,
      ...flags
    ])
    expect(created.code).toBe(0)
    const bob = await startClient({ name: 'bob', mode: 'json', dataDir: tempDir() })
    const alice = await startClient({
      mode,
      dataDir: aliceDir,
      bootstrap: [bob.addrs[0]],
      args: ['--passphrase-file', passFile]
    })
    await bob.json!.waitForUsers((u) => u.length === 2)
    const text = marker('cached-at-bob')
    alice.send(text)
    await bob.json!.waitFor('message', (m) => m.text === text)
    alice.send('/quit')
    expect((await alice.exited).code).toBe(0)

    const refused = await runCli(['account', 'destroy', '-d', aliceDir, ...flags])
    expect(refused.code).toBe(2)
    if (mode === 'json') {
      expect(refused.events[0]).toMatchObject({ type: 'error', code: 'CONFIRMATION_REQUIRED' })
    } else {
      expect(refused.stderr).toMatch(/not destroyed: confirm in a terminal, or pass --yes/)
    }
    expect(existsSync(join(aliceDir, 'identity.key'))).toBe(true)

    const destroyed = await runCli([
      'account',
      'destroy',
      '--yes',
      '-d',
      aliceDir,
      '--passphrase-file',
      passFile,
      '--bootstrap',
      bob.addrs[0],
      ...LOOPBACK,
      ...flags
    ])
    expect(destroyed.code).toBe(0)
    if (mode === 'json') {
      expect(destroyed.events.at(-1)).toMatchObject({
        type: 'destroyed',
        peerId: alice.peerId,
        notified: 1,
        removedDir: true
      })
    } else {
      expect(destroyed.stdout).toMatch(/destroyed: told 1 peer, every file of it is gone/)
    }
    expect(existsSync(aliceDir)).toBe(false)
    await bob.json!.waitFor('leave', (l) => l.peerId === alice.peerId && l.reason === 'deleted')
    await bob.json!.waitForUsers((u) => u.length === 1)
    expect(filesContaining(bob.dataDir!, text)).toEqual([])
  })

  it('`account destroy --no-notice` wipes without the passphrase; a running client keeps its data dir', async () => {
    const aliceDir = tempDir()
    const flags = mode === 'json' ? ['--json'] : []
    const alice = await startClient({ name: 'alice', mode, dataDir: aliceDir })
    const busy = await runCli(['account', 'destroy', '--yes', '--no-notice', '-d', aliceDir, ...flags])
    expect(busy.code).toBe(1)
    expect(mode === 'json' ? busy.events[0] : busy.stderr).toMatchObject(
      mode === 'json' ? { type: 'error', code: 'DATA_DIR_IN_USE' } : expect.stringMatching(/in use/)
    )
    alice.send('/quit')
    await alice.exited
    const done = await runCli(['account', 'destroy', '--yes', '--no-notice', '-d', aliceDir, ...flags])
    expect(done.code).toBe(0)
    expect(existsSync(aliceDir)).toBe(false)
  })
})
