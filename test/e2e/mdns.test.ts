import { afterAll, afterEach, describe, expect, it } from 'vitest'
import {
  cleanup,
  createdNetnsCount,
  createLan,
  destroyAllNetns,
  destroyLan,
  type Lan,
  leftoverNetns,
  type PeerProcess,
  requireTool,
  spawnPeer
} from './harness.ts'

describe('three peers in three network namespaces, mDNS only', () => {
  requireTool('netns')
  let lan: Lan | undefined

  afterEach(async () => {
    // processes first: a namespace with a process still in it would outlive its name
    await cleanup()
    if (lan != null) {
      const done = lan
      lan = undefined
      await destroyLan(done)
    }
  })

  afterAll(async () => {
    await cleanup()
    await destroyAllNetns()
  })

  it('find each other without --bootstrap and chat both ways', async () => {
    lan = await createLan(3)
    const hosts = lan.hosts
    const names = ['alice', 'bob', 'carol']
    // mDNS on (no --no-mdns), no --bootstrap: discovery is the only way these peers can meet
    const [alice, bob, carol] = await Promise.all(
      hosts.map((h, i) => spawnPeer({ name: names[i], netns: h.ns, network: ['--listen', `/ip4/${h.ip}/tcp/0`] }))
    )
    const peers: PeerProcess[] = [alice, bob, carol]
    peers.forEach((p, i) => {
      expect(p.addrs.length).toBeGreaterThan(0)
      expect(p.addrs.every((a) => a.startsWith(`/ip4/${hosts[i].ip}/tcp/`))).toBe(true)
    })

    await Promise.all(peers.map((p) => p.waitForUsers((users) => users.length === 3, 30_000)))
    for (const p of peers) {
      const users = await p.users()
      expect(users.map((u) => u.name).sort()).toEqual(names)
      expect(users.map((u) => u.peerId).sort()).toEqual(peers.map((q) => q.peerId).sort())
    }

    alice.send('hello from alice')
    carol.send('hello from carol')
    for (const [p, text, sender] of [
      [bob, 'hello from alice', alice],
      [carol, 'hello from alice', alice],
      [alice, 'hello from carol', carol],
      [bob, 'hello from carol', carol]
    ] as const) {
      const msg = await p.waitFor('message', (m) => m.text === text)
      expect(msg.scope).toBe('lobby')
      expect(msg.from).toEqual({ peerId: sender.peerId, name: sender.name })
    }

    bob.send('/msg carol psst from bob')
    const dm = await carol.waitFor('message', (m) => m.text === 'psst from bob')
    expect(dm.scope).toBe('dm')
    expect(dm.from.peerId).toBe(bob.peerId)
    const sent = await bob.waitFor('sent', (s) => s.text === 'psst from bob')
    expect((await bob.waitFor('delivered', (d) => d.id === sent.id)).to.peerId).toBe(carol.peerId)

    carol.send('/msg bob got it')
    expect((await bob.waitFor('message', (m) => m.text === 'got it')).scope).toBe('dm')

    // a broadcast after the DMs reaches alice, so the DMs would have too if they leaked
    bob.send('done')
    await alice.waitFor('message', (m) => m.text === 'done')
    expect(JSON.stringify(alice.events)).not.toContain('psst from bob')
    expect(JSON.stringify(alice.events)).not.toContain('got it')
    for (const p of peers) {
      expect(p.all('error')).toEqual([])
    }
  })

  it('a peer that starts later can write at once to the peer it finds, and be written to', async () => {
    lan = await createLan(2)
    const [a, b] = lan.hosts
    const alice = await spawnPeer({ name: 'alice', netns: a.ns, network: ['--listen', `/ip4/${a.ip}/tcp/0`] })
    const bob = await spawnPeer({ name: 'bob', netns: b.ns, network: ['--listen', `/ip4/${b.ip}/tcp/0`] })
    // each writes the moment it lists the other: nothing else (a heartbeat, a retry) may be needed for it to arrive
    const replies = alice.waitFor('join', (u) => u.peerId === bob.peerId).then(() => alice.send('welcome bob'))
    await bob.waitFor('join', (u) => u.peerId === alice.peerId)
    bob.send('hi alice')
    bob.send('/msg alice first dm')
    await replies
    const lobby = await alice.waitFor('message', (m) => m.text === 'hi alice')
    expect(lobby).toMatchObject({ scope: 'lobby', from: { peerId: bob.peerId } })
    expect((await bob.waitFor('sent', (s) => s.text === 'hi alice')).recipients).toBe(1)
    expect((await alice.waitFor('message', (m) => m.text === 'first dm')).scope).toBe('dm')
    expect((await bob.waitFor('message', (m) => m.text === 'welcome bob')).from.peerId).toBe(alice.peerId)
    expect((await alice.waitFor('sent', (s) => s.text === 'welcome bob')).recipients).toBe(1)
    for (const p of [alice, bob]) {
      expect(p.all('error')).toEqual([])
    }
  })

  it('leaves no network namespace behind', async () => {
    // also covers the LAN of the test before, removed by afterEach
    await destroyLan(await createLan(1))
    expect(createdNetnsCount()).toBeGreaterThan(0)
    expect(await leftoverNetns()).toEqual([])
  })
})
