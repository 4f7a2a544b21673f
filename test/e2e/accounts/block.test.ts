import { afterEach, describe, expect, it } from 'vitest'
import {
  type Client,
  cleanup,
  filesContaining,
  MODES,
  type Mode,
  marker,
  startClient,
  tempDir,
  until
} from '../harness.ts'

/** carol in the middle; alice (in the mode under test) and bob connect only to her. */
async function triangle(mode: Mode, dirs: { alice?: string; bob?: string } = {}): Promise<[Client, Client, Client]> {
  const carol = await startClient({ name: 'carol', mode: 'json', dataDir: tempDir() })
  const [alice, bob] = await Promise.all([
    startClient({ name: 'alice', mode, dataDir: dirs.alice ?? tempDir(), bootstrap: [carol.addrs[0]] }),
    startClient({ name: 'bob', mode: 'json', dataDir: dirs.bob ?? tempDir(), bootstrap: [carol.addrs[0]] })
  ])
  await alice.waitForUserNames((n) => n.length === 3)
  await bob.json!.waitForUsers((u) => u.length === 3)
  return [alice, bob, carol]
}

/** Has `text` reached alice? A witness message from carol, sent after carol got `text`, orders the check. */
async function settle(alice: Client, carol: Client, bob: Client, text: string): Promise<void> {
  await carol.json!.waitFor('message', (m) => m.text === text && m.from.peerId === bob.peerId)
  const witness = marker('witness')
  carol.send(witness)
  await alice.expect('message', (m) => m.text === witness, new RegExp(witness))
}

describe.each(MODES)('blocking (%s mode)', (mode) => {
  afterEach(cleanup)

  it('hides the blocked peer, refuses its DMs and connections; unblock restores all of it', async () => {
    const [alice, bob, carol] = await triangle(mode)
    let from = alice.mark()
    alice.send('/block bob')
    await alice.expect(
      'block',
      (b) => b.action === 'block' && b.peerId === bob.peerId,
      new RegExp(`blocked bob \\(${bob.peerId}\\)`),
      from
    )
    expect(await alice.userNames()).toEqual(['alice', 'carol'])

    // its broadcasts reach the others but are not shown to alice
    const broadcast = marker('blocked-broadcast')
    bob.send(broadcast)
    await settle(alice, carol, bob, broadcast)
    expect(alice.output()).not.toContain(broadcast)

    // its DMs fail on its side, and alice neither shows nor stores them
    const dm = marker('blocked-dm')
    const bobFrom = bob.mark()
    bob.send(`/msg alice ${dm}`)
    const error = await bob.json!.waitFor('error', () => true, { from: bobFrom })
    // a first DM finds no prekeys (alice refuses bob's streams): NO_PREKEYS; with a session it is refused or fails
    expect(['DELIVERY_FAILED', 'DELIVERY_REFUSED', 'NO_PREKEYS']).toContain(error.code)
    expect(bob.json!.all('delivered')).toHaveLength(0)
    expect(alice.output()).not.toContain(dm)
    expect(filesContaining(alice.dataDir!, dm)).toEqual([])

    // the DM attempt was a connection alice refused
    await until(
      "alice's /blocked to count a refused connection",
      async () => {
        from = alice.mark()
        alice.send('/blocked')
        const shown = await alice.expect('blocked', () => true, /^\* (blocked \(1\):|nobody is blocked)/, from)
        const refused = typeof shown === 'string' ? alice.lines.slice(from).join('\n') : JSON.stringify(shown)
        return /"refused":[1-9]|[1-9]\d* connections? refused/.test(refused)
      },
      10_000
    )

    // alice cannot message bob either, and is told why
    from = alice.mark()
    alice.send('/msg bob hello?')
    await alice.expect('error', (e) => e.code === 'BLOCKED', /you blocked bob/, from)

    from = alice.mark()
    alice.send('/unblock bob')
    await alice.expect('block', (b) => b.action === 'unblock', /unblocked bob/, from)
    expect(await alice.userNames()).toEqual(['alice', 'bob', 'carol'])
    const after = marker('after-unblock')
    bob.send(`/msg alice ${after}`)
    await alice.expect('message', (m) => m.text === after && m.scope === 'dm', new RegExp(`\\[dm\\] bob: ${after}`))
    await bob.json!.waitFor('delivered', () => true)
    const again = marker('broadcast-again')
    bob.send(again)
    await alice.expect('message', (m) => m.text === again, new RegExp(`bob: ${again}`))
  })

  it('the block survives a restart and a new name, since it is by PeerId', async () => {
    const aliceDir = tempDir()
    const bobDir = tempDir()
    const [alice, bob, carol] = await triangle(mode, { alice: aliceDir, bob: bobDir })
    const from = alice.mark()
    alice.send('/block bob')
    await alice.expect('block', (b) => b.action === 'block', /blocked bob/, from)
    alice.send('/quit')
    bob.send('/quit')
    expect((await alice.exited).code).toBe(0)
    expect((await bob.exited).code).toBe(0)

    const [alice2, robert] = await Promise.all([
      startClient({ mode, dataDir: aliceDir, bootstrap: [carol.addrs[0]] }),
      startClient({ name: 'robert', mode: 'json', dataDir: bobDir, bootstrap: [carol.addrs[0]] })
    ])
    expect(robert.peerId).toBe(bob.peerId)
    await carol.json!.waitForUsers((u) => u.some((x) => x.name === 'robert') && u.some((x) => x.name === 'alice'))
    const text = marker('renamed')
    robert.send(text)
    await settle(alice2, carol, robert, text)
    expect(alice2.output()).not.toContain(text)
    // carol's presence reaches the restarted alice by gossip, robert's too: only carol may show
    expect(await alice2.waitForUserNames((names) => names.includes('carol'))).toEqual(['alice', 'carol'])
    const listFrom = alice2.mark()
    alice2.send('/blocked')
    await alice2.expect(
      'blocked',
      (b) => b.peers.length === 1 && b.peers[0].peerId === bob.peerId,
      new RegExp(`bob ${bob.peerId}`),
      listFrom
    )
  })
})
