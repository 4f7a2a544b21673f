import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, type PeerProcess, spawnPeer } from './harness.ts'

/** alice first, bob and carol bootstrap to her: bob and carol have no direct connection at the start. */
async function threePeers(): Promise<[PeerProcess, PeerProcess, PeerProcess]> {
  const alice = await spawnPeer({ name: 'alice' })
  const [bob, carol] = await Promise.all([
    spawnPeer({ name: 'bob', bootstrap: [alice.addrs[0]] }),
    spawnPeer({ name: 'carol', bootstrap: [alice.addrs[0]] })
  ])
  const all = [alice, bob, carol]
  await Promise.all(all.map((p) => p.waitForUsers((users) => users.length === 3)))
  return [alice, bob, carol]
}

describe('three peers on loopback', () => {
  afterEach(cleanup)

  it('lists all three, with names and PeerIds, on every peer', async () => {
    const [alice, bob, carol] = await threePeers()
    for (const p of [alice, bob, carol]) {
      const users = await p.users()
      expect(users.map((u) => u.name).sort()).toEqual(['alice', 'bob', 'carol'])
      expect(users.map((u) => u.peerId).sort()).toEqual([alice.peerId, bob.peerId, carol.peerId].sort())
      expect(users.filter((u) => u.self).map((u) => u.peerId)).toEqual([p.peerId])
    }
  })

  it('delivers a broadcast to both others, with sender and text', async () => {
    const [alice, bob, carol] = await threePeers()
    bob.send('hello from bob')
    for (const p of [alice, carol]) {
      const msg = await p.waitFor('message', (m) => m.text === 'hello from bob')
      expect(msg.scope).toBe('lobby')
      expect(msg.from).toEqual({ peerId: bob.peerId, name: 'bob' })
    }
    // and the sender does not get its own message back
    expect(bob.all('message')).toHaveLength(0)
  })

  it('delivers a DM to its target only, and acknowledges it', async () => {
    const [alice, bob, carol] = await threePeers()
    const secret = `secret-${Math.random().toString(36).slice(2)}`
    bob.send(`/msg carol ${secret}`)
    const got = await carol.waitFor('message', (m) => m.text === secret)
    expect(got.scope).toBe('dm')
    expect(got.from.peerId).toBe(bob.peerId)
    const sent = await bob.waitFor('sent', (s) => s.text === secret)
    const delivered = await bob.waitFor('delivered', (d) => d.id === sent.id)
    expect(delivered.to.peerId).toBe(carol.peerId)
    // a broadcast after the DM reaches alice, so anything sent before it would have too
    carol.send('after the dm')
    await alice.waitFor('message', (m) => m.text === 'after the dm')
    expect(JSON.stringify(alice.events)).not.toContain(secret)
    expect(alice.stderr.join('\n')).not.toContain(secret)
  })

  it('/quit exits 0 and the others see a leave', async () => {
    const [alice, bob, carol] = await threePeers()
    carol.send('/quit')
    expect(await carol.exited).toEqual({ code: 0, signal: null })
    for (const p of [alice, bob]) {
      const leave = await p.waitFor('leave', (l) => l.peerId === carol.peerId)
      expect(leave.reason).toBe('left')
      await p.waitForUsers((users) => users.length === 2)
    }
  })

  it('a killed peer drops out of /users', async () => {
    const [alice, bob, carol] = await threePeers()
    bob.kill('SIGKILL')
    for (const p of [alice, carol]) {
      await p.waitFor('leave', (l) => l.peerId === bob.peerId, { timeoutMs: 40_000 })
      const users = await p.users()
      expect(users.map((u) => u.name).sort()).toEqual(['alice', 'carol'])
    }
  })

  it('SIGTERM and end of input leave gracefully with exit 0', async () => {
    const [alice, bob, carol] = await threePeers()
    bob.kill('SIGTERM')
    carol.child.stdin!.end()
    expect(await bob.exited).toEqual({ code: 0, signal: null })
    expect(await carol.exited).toEqual({ code: 0, signal: null })
    await alice.waitFor('leave', (l) => l.peerId === bob.peerId && l.reason === 'left')
    await alice.waitFor('leave', (l) => l.peerId === carol.peerId && l.reason === 'left')
  })
})
