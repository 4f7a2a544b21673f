import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, listFiles, MODES, marker, runCli, startClient, tempDir } from '../harness.ts'

describe.each(MODES)('start --ephemeral (%s mode)', (mode) => {
  afterEach(cleanup)

  it('chats with a throwaway identity and writes nothing at all', async () => {
    // the platform data folder and the working directory would be where anything leaked to
    const home = tempDir('p2pchat-home-')
    const cwd = tempDir('p2pchat-cwd-')
    const env = {
      HOME: home,
      XDG_DATA_HOME: `${home}/data`,
      XDG_CONFIG_HOME: `${home}/config`,
      XDG_CACHE_HOME: `${home}/cache`,
      TMPDIR: `${home}/tmp`
    }
    const eve = await startClient({ name: 'eve', mode, args: ['--ephemeral'], env, cwd })
    if (mode === 'line') {
      expect(eve.lines.join('\n')).toMatch(/ephemeral: nothing of this session is written to disk/)
    } else {
      expect(eve.json!.all('ready')[0].ephemeral).toBe(true)
    }
    const bob = await startClient({ name: 'bob', mode: 'json', dataDir: tempDir(), bootstrap: [eve.addrs[0]] })
    await bob.json!.waitForUsers((u) => u.length === 2)
    await eve.waitForUserNames((n) => n.includes('bob'))
    const text = marker('ephemeral-lobby')
    const dm = marker('ephemeral-dm')
    bob.send(text)
    eve.send(`/msg bob ${dm}`)
    await eve.expect('message', (m) => m.text === text, new RegExp(text))
    await bob.json!.waitFor('message', (m) => m.text === dm)
    await eve.expect('delivered', () => true, /delivered to bob/)
    // kept for the session, in memory
    const from = eve.mark()
    eve.send('/history')
    await eve.expect('history', (h) => h.messages.some((m) => m.text === text), new RegExp(text), from)
    eve.send('/block bob')
    await eve.expect('block', (b) => b.action === 'block', /blocked bob/)
    eve.send('/quit')
    expect((await eve.exited).code).toBe(0)
    expect(listFiles(home)).toEqual([])
    expect(listFiles(cwd)).toEqual([])

    // a new ephemeral session is a new identity
    const eve2 = await startClient({ name: 'eve', mode, args: ['--ephemeral'], env, cwd })
    expect(eve2.peerId).not.toBe(eve.peerId)
  })

  it('refuses --ephemeral together with --data-dir', async () => {
    const dir = tempDir()
    const run = await runCli([
      'start',
      '--ephemeral',
      '-n',
      'eve',
      '-d',
      `${dir}/x`,
      '--no-mdns',
      ...(mode === 'json' ? ['--json'] : [])
    ])
    expect(run.code).toBe(2)
    expect(mode === 'json' ? run.events[0] : run.stderr).toEqual(
      mode === 'json' ? expect.objectContaining({ code: 'USAGE' }) : expect.stringMatching(/--ephemeral writes nothing/)
    )
    expect(listFiles(dir)).toEqual([])
  })
})
