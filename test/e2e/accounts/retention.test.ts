import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  cleanup,
  filesContaining,
  MODES,
  marker,
  runCli,
  startClient,
  tempDir,
  untilOlderThan,
  untilOnDisk
} from '../harness.ts'

describe.each(MODES)('retention (%s mode)', (mode) => {
  afterEach(cleanup)

  it('a change deletes older stored messages at once, and expired ones keep being purged', async () => {
    const alice = await startClient({ name: 'alice', mode, dataDir: tempDir() })
    const bob = await startClient({ name: 'bob', mode: 'json', dataDir: tempDir(), bootstrap: [alice.addrs[0]] })
    await bob.json!.waitForUsers((u) => u.length === 2)
    const lobbyText = marker('old-lobby')
    const dmText = marker('old-dm')
    bob.send(lobbyText)
    await alice.expect('message', (m) => m.text === lobbyText, new RegExp(lobbyText))
    bob.send(`/msg alice ${dmText}`)
    await bob.json!.waitFor('delivered', () => true)
    const sentAt = Date.now()
    // positive control: with the default policy (forever) the text is on disk, where the scan can see it
    await untilOnDisk(alice.dataDir!, lobbyText)
    await untilOnDisk(alice.dataDir!, dmText)

    await untilOlderThan(sentAt, 1500)
    let from = alice.mark()
    alice.send('/retention lobby 1s')
    await alice.expect(
      'retention',
      (r) => r.deleted?.lobby === 1 && r.lobby === '1s',
      /deleted 1 stored message \(lobby 1\)/,
      from
    )
    expect(filesContaining(alice.dataDir!, lobbyText)).toEqual([])
    expect(filesContaining(alice.dataDir!, dmText)).not.toEqual([])

    from = alice.mark()
    alice.send('/retention dm none')
    await alice.expect(
      'retention',
      (r) => r.deleted?.dm === 1 && r.dm === 'none',
      /deleted 1 stored message \(dm 1\)/,
      from
    )
    expect(filesContaining(alice.dataDir!, dmText)).toEqual([])
    from = alice.mark()
    alice.send('/history bob')
    await alice.expect(
      'history',
      (h) => h.messages.length === 0,
      /nothing kept of your DMs with bob \(retention: none\)/,
      from
    )

    // continuously: a new message is kept, then purged by the timer once older than 1s
    const fresh = marker('fresh')
    from = alice.mark()
    bob.send(fresh)
    await alice.expect('message', (m) => m.text === fresh, new RegExp(fresh), from)
    await alice.expect('purged', (p) => p.lobby === 1, /deleted 1 expired message \(lobby 1\)/, from)
    expect(filesContaining(alice.dataDir!, fresh)).toEqual([])
    from = alice.mark()
    alice.send('/history lobby')
    await alice.expect('history', (h) => h.messages.length === 0, /nothing kept of the lobby \(retention: 1s\)/, from)
  })

  it('none and session never write message text to disk; session history lasts the session', async () => {
    const aliceDir = tempDir()
    const created = await runCli([
      'account',
      'create',
      '--data-dir',
      aliceDir,
      '--name',
      'alice',
      '--retention',
      'lobby=none,dm=session',
      '--no-passphrase',
      ...(mode === 'json' ? ['--json'] : [])
    ])
    expect(created.code).toBe(0)
    expect(mode === 'json' ? JSON.stringify(created.events) : created.stdout).toMatch(/none/)
    const alice = await startClient({ mode, dataDir: aliceDir })
    const bob = await startClient({ name: 'bob', mode: 'json', dataDir: tempDir(), bootstrap: [alice.addrs[0]] })
    await bob.json!.waitForUsers((u) => u.length === 2)
    await alice.waitForUserNames((names) => names.includes('bob'))
    const texts = {
      inLobby: marker('lobby-in'),
      inDm: marker('dm-in'),
      outLobby: marker('lobby-out'),
      outDm: marker('dm-out')
    }
    bob.send(texts.inLobby)
    bob.send(`/msg alice ${texts.inDm}`)
    await alice.expect('message', (m) => m.text === texts.inDm, new RegExp(texts.inDm))
    alice.send(texts.outLobby)
    alice.send(`/msg bob ${texts.outDm}`)
    await bob.json!.waitFor('message', (m) => m.text === texts.outDm)
    await bob.json!.waitFor('message', (m) => m.text === texts.outLobby)
    await alice.expect('delivered', () => true, /delivered to bob/)

    let from = alice.mark()
    alice.send('/history bob')
    await alice.expect(
      'history',
      (h) => h.messages.map((m) => m.text).join() === [texts.inDm, texts.outDm].join(),
      /last 2 messages \(retention: session\)/,
      from
    )
    from = alice.mark()
    alice.send('/history')
    await alice.expect('history', (h) => h.messages.length === 0, /nothing kept of the lobby \(retention: none\)/, from)

    alice.send('/quit')
    expect((await alice.exited).code).toBe(0)
    for (const text of Object.values(texts)) {
      expect(filesContaining(aliceDir, text)).toEqual([])
      // bob keeps forever: the scan would have found the text had alice written it
      await untilOnDisk(bob.dataDir!, text)
    }
  })

  it('expired messages are purged at start, and `account set` applies a policy at once', async () => {
    const dir = tempDir()
    const alice = await startClient({ name: 'alice', mode, dataDir: dir })
    const bob = await startClient({ name: 'bob', mode: 'json', dataDir: tempDir(), bootstrap: [alice.addrs[0]] })
    await bob.json!.waitForUsers((u) => u.length === 2)
    const lobbyText = marker('before-restart')
    const dmText = marker('dm-before-restart')
    bob.send(lobbyText)
    bob.send(`/msg alice ${dmText}`)
    await alice.expect('message', (m) => m.text === dmText, new RegExp(dmText))
    await alice.expect('message', (m) => m.text === lobbyText, new RegExp(lobbyText))
    const receivedAt = Date.now()
    alice.send('/quit')
    expect((await alice.exited).code).toBe(0)
    expect(filesContaining(dir, lobbyText)).not.toEqual([])

    // the policy changes while alice is offline, by editing the account file
    const file = join(dir, 'account.json')
    const account = JSON.parse(readFileSync(file, 'utf8'))
    account.retention.lobby = '1s'
    writeFileSync(file, JSON.stringify(account))
    await untilOlderThan(receivedAt, 1500)

    const again = await startClient({ mode, dataDir: dir })
    let from = again.mark()
    again.send('/history lobby')
    await again.expect('history', (h) => h.messages.length === 0, /nothing kept of the lobby/, from)
    expect(filesContaining(dir, lobbyText)).toEqual([])
    from = again.mark()
    again.send(`/history ${bob.peerId}`)
    await again.expect('history', (h) => h.messages[0]?.text === dmText, new RegExp(dmText), from)
    again.send('/quit')
    expect((await again.exited).code).toBe(0)

    // outside the client: `account set` deletes at once and says how much
    const set = await runCli([
      'account',
      'set',
      'retention.dm',
      'none',
      '--data-dir',
      dir,
      ...(mode === 'json' ? ['--json'] : [])
    ])
    expect(set.code).toBe(0)
    if (mode === 'json') {
      expect(set.events[0]).toMatchObject({ type: 'retention', dm: 'none', deleted: { dm: 1 } })
    } else {
      expect(set.stdout).toMatch(/deleted 1 stored message \(dm 1\)/)
    }
    expect(filesContaining(dir, dmText)).toEqual([])
  })
})
