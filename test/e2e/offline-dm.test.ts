import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  cleanup,
  filesContaining,
  initRelay,
  killRelays,
  marker,
  newIdentity,
  type PeerProcess,
  type RelayProcess,
  spawnPeer,
  startRelay,
  tempDir
} from './harness.ts'

async function relayUp(settings: Record<string, number> = {}): Promise<RelayProcess> {
  const admin = await newIdentity()
  const { dataDir } = await initRelay({ admins: [admin.peerId], listen: ['/ip4/127.0.0.1/tcp/0'] })
  const configFile = join(dataDir, 'relay.json')
  writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), ...settings }))
  return startRelay({ dataDir })
}

/** alice and bob on one relay, bob gone away again after alice saw him. */
async function bobAway(relay: RelayProcess, aliceArgs: string[] = []) {
  const dirs = { alice: tempDir(), bob: tempDir() }
  const alice = await client(relay, 'alice', dirs.alice, aliceArgs)
  const bob = await client(relay, 'bob', dirs.bob)
  await alice.waitForUsers((users) => users.some((u) => u.peerId === bob.peerId))
  await quit(bob)
  await alice.waitFor('leave', (e) => e.peerId === bob.peerId)
  return { alice, bob, dirs }
}

/** A client of `relay` with its own data directory, once the relay granted it a slot. */
async function client(relay: RelayProcess, name: string, dataDir: string, args: string[] = []): Promise<PeerProcess> {
  const peer = await spawnPeer({ name, dataDir, extraArgs: ['--relay', relay.addrOn(), ...args] })
  await peer.waitFor('relay', (e) => e.state === 'reserved')
  return peer
}

async function quit(peer: PeerProcess): Promise<void> {
  peer.send('/quit')
  await peer.exited
}

// several clients start and restart one after another: on a loaded machine that takes longer than most tests
describe('DMs to someone who is away', { timeout: 180_000 }, () => {
  afterEach(async () => {
    await cleanup()
    await killRelays()
  })

  it('wait at the relay, sealed, reach the recipient once when it is back, and come back as delivered', async () => {
    const relay = await relayUp()
    const dirs = { alice: tempDir(), bob: tempDir() }
    let alice = await client(relay, 'alice', dirs.alice)
    let bob = await client(relay, 'bob', dirs.bob)
    await alice.waitForUsers((users) => users.some((u) => u.peerId === bob.peerId))

    // bob goes away; alice writes to him anyway and leaves too
    await quit(bob)
    await alice.waitFor('leave', (e) => e.peerId === bob.peerId)
    const text = marker('while-you-were-away')
    const from = alice.events.length
    alice.send(`/msg bob ${text}`)
    const queued = await alice.waitFor('queued', () => true, { from })
    expect(queued.to.peerId).toBe(bob.peerId)
    expect(queued.via).toEqual(['outbox', `relay:${relay.peerId}`])
    expect(alice.events.slice(from).filter((e) => e.type === 'error')).toEqual([])
    await quit(alice)

    // the relay holds the DM, sealed: not one of its files has the text
    expect(filesContaining(relay.dataDir, text)).toEqual([])
    // and alice's outbox keeps it sealed too (her history keeps it under her retention setting)
    expect(filesContaining(join(dirs.alice, 'dm-state'), text)).toEqual([])
    expect(filesContaining(join(dirs.alice, 'sessions'), text)).toEqual([])

    bob = await client(relay, 'bob', dirs.bob)
    const got = await bob.waitFor('message', (m) => m.text === text)
    expect(got).toMatchObject({ id: queued.id, scope: 'dm', from: { peerId: alice.peerId, name: 'alice' } })

    alice = await client(relay, 'alice', dirs.alice)
    await alice.waitFor('delivered', (d) => d.id === queued.id)
    alice.send('/outbox')
    expect((await alice.waitFor('outbox')).dms).toEqual([])
    // once, whichever paths its copies took
    expect(bob.all('message').filter((m) => m.text === text)).toHaveLength(1)
  })

  it('tells the sender MAILBOX_FULL when the relay will not take more, and keeps the DM in the outbox', async () => {
    const relay = await relayUp({ mailMaxPerRecipient: 1 })
    const { alice, bob } = await bobAway(relay)
    alice.send('/msg bob first')
    const first = await alice.waitFor('queued', (q) => q.to.peerId === bob.peerId)
    expect(first.via).toEqual(['outbox', `relay:${relay.peerId}`])
    const from = alice.events.length
    alice.send('/msg bob second')
    const full = await alice.waitFor('error', (e) => e.code === 'MAILBOX_FULL', { from })
    const second = await alice.waitFor('queued', (q) => q.id !== first.id, { from })
    expect(full.id).toBe(second.id)
    expect(second.via).toEqual(['outbox'])
    alice.send('/outbox')
    const listed = await alice.waitFor('outbox')
    expect(listed.dms.map((d) => [d.id, d.via])).toEqual([
      [first.id, first.via],
      [second.id, ['outbox']]
    ])
  })

  it('keeps the mail of a relay killed with SIGKILL (and a sender keeping no DMs writes none to its outbox)', async () => {
    const relay = await relayUp()
    const { alice, dirs } = await bobAway(relay)
    // with DMs kept nowhere, the outbox still writes no byte of the text
    alice.send('/retention dm none')
    await alice.waitFor('retention', (r) => r.dm === 'none')
    const text = marker('through-a-crash')
    alice.send(`/msg bob ${text}`)
    const queued = await alice.waitFor('queued')
    expect(queued.via).toEqual(['outbox', `relay:${relay.peerId}`])
    await quit(alice)
    expect(filesContaining(dirs.alice, text)).toEqual([])
    relay.kill('SIGKILL')
    await relay.exited
    const again = await startRelay({ dataDir: relay.dataDir })
    const bob = await client(again, 'bob', dirs.bob)
    const got = await bob.waitFor('message', (m) => m.text === text)
    expect(got.id).toBe(queued.id)
  })

  it('gives up on a DM nobody acknowledged within --dm-ttl, with DM_EXPIRED and its id', async () => {
    const relay = await relayUp()
    const { alice } = await bobAway(relay, ['--dm-ttl', '3s'])
    alice.send('/msg bob gone for good?')
    const queued = await alice.waitFor('queued')
    const expired = await alice.waitFor('error', (e) => e.code === 'DM_EXPIRED')
    expect(expired.id).toBe(queued.id)
    alice.send('/outbox')
    expect((await alice.waitFor('outbox')).dms).toEqual([])
  })

  it('without a relay, waits in the outbox and goes straight to the contact when it is back on the LAN', async () => {
    const dirs = { alice: tempDir(), bob: tempDir() }
    const alice = await spawnPeer({ name: 'alice', dataDir: dirs.alice })
    let bob = await spawnPeer({ name: 'bob', dataDir: dirs.bob, bootstrap: [alice.addrs[0]] })
    await alice.waitForUsers((users) => users.some((u) => u.peerId === bob.peerId))
    // a first DM starts the session: with no relay, that is what lets alice seal for bob while he is away
    alice.send('/msg bob hello')
    await bob.waitFor('message', (m) => m.text === 'hello')
    await quit(bob)
    await alice.waitFor('leave', (e) => e.peerId === bob.peerId)

    const text = marker('back-on-the-lan')
    alice.send(`/msg bob ${text}`)
    const queued = await alice.waitFor('queued', (q) => q.to.peerId === bob.peerId)
    expect(queued.via).toEqual(['outbox'])
    bob = await spawnPeer({ name: 'bob', dataDir: dirs.bob, bootstrap: [alice.addrs[0]] })
    const got = await bob.waitFor('message', (m) => m.text === text)
    expect(got.id).toBe(queued.id)
    await alice.waitFor('delivered', (d) => d.id === queued.id)
  })

  it('after a relay restart, still hands out the prekeys of a client who is away', async () => {
    const relay = await relayUp()
    const { alice, bob, dirs } = await bobAway(relay)
    // alice has no session with bob: only the relay's copy of his prekeys lets her write to him
    await quit(alice)
    relay.kill('SIGKILL')
    await relay.exited
    const again = await startRelay({ dataDir: relay.dataDir })
    const alice2 = await client(again, 'alice', dirs.alice)
    const text = marker('after-the-restart')
    alice2.send(`/msg bob ${text}`)
    const queued = await alice2.waitFor('queued', (q) => q.to.peerId === bob.peerId)
    expect(queued.via).toEqual(['outbox', `relay:${again.peerId}`])
    const bob2 = await client(again, 'bob', dirs.bob)
    await bob2.waitFor('message', (m) => m.text === text)
  })
})
