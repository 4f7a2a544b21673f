import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, initRelay, killRelays, newIdentity, type PeerProcess, spawnPeer, startRelay } from './harness.ts'

describe('catch-up from a relay', () => {
  afterEach(async () => {
    await cleanup()
    await killRelays()
  })

  it('gives a client that was offline the lobby posts it missed, once each, in order', async () => {
    const admin = await newIdentity()
    const { dataDir } = await initRelay({ admins: [admin.peerId], listen: ['/ip4/127.0.0.1/tcp/0'] })
    const relay = await startRelay({ dataDir })
    const client = (name: string, dir?: string): Promise<PeerProcess> =>
      spawnPeer({ name, dataDir: dir, extraArgs: ['--relay', relay.addrOn()] })
    const [alice, bob] = await Promise.all([client('alice'), client('bob')])
    await Promise.all([alice, bob].map((p) => p.waitForUsers((u) => u.length === 2)))
    alice.send('before bob leaves')
    await bob.waitFor('message', (m) => m.text === 'before bob leaves')

    bob.send('/quit')
    expect(await bob.exited).toEqual({ code: 0, signal: null })
    const missed = ['missed one', 'missed two', 'missed three']
    for (const text of missed) {
      alice.send(text)
      await alice.waitFor('sent', (s) => s.text === text)
    }
    // alice goes too: the relay is the only one left that saw them
    alice.send('/quit')
    expect(await alice.exited).toEqual({ code: 0, signal: null })

    const bob2 = await client('bob', bob.dataDir)
    const last = await bob2.waitFor('message', (m) => m.text === 'missed three')
    expect(last).toMatchObject({ scope: 'lobby', catchUp: true, from: { peerId: alice.peerId, name: 'alice' } })
    // a live post after the catch-up: anything shown twice would have been shown by now
    const alice2 = await client('alice', alice.dataDir)
    await alice2.waitForUsers((u) => u.length === 2)
    alice2.send('live again')
    await bob2.waitFor('message', (m) => m.text === 'live again')
    const shown = bob2.all('message').filter((m) => missed.includes(m.text))
    expect(shown.map((m) => m.text)).toEqual(missed)
    expect(shown.every((m) => m.catchUp === true && m.from.peerId === alice.peerId)).toBe(true)
    expect(bob2.all('message').find((m) => m.text === 'live again')?.catchUp).toBeUndefined()
    // what was already shown before bob left is not shown again
    expect(bob2.all('message').some((m) => m.text === 'before bob leaves')).toBe(false)
  })
})
