import { closeSync, openSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { chaosSize, dmOutcomes, Fleet, recordRow, sendAndWait } from './harness/chaos.ts'
import { clearFaults, smallDisk } from './harness/faults.ts'
import { cleanup, type PeerProcess, requireTool, spawnPeer } from './harness.ts'

const size = chaosSize({ peers: 2, rounds: 5 }, { peers: 2, rounds: 50 })

/** Writes zeros to `path` until the disk is full. */
function fillDisk(path: string): void {
  const fd = openSync(path, 'w')
  const block = Buffer.alloc(64 * 1024)
  try {
    for (;;) {
      writeSync(fd, block)
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err
  } finally {
    closeSync(fd)
  }
}

/** DMs from `from` to `to`, each waited for until acknowledged; resolves with their texts. */
async function dms(from: PeerProcess, to: PeerProcess, tag: string, count: number): Promise<string[]> {
  const texts: string[] = []
  for (let i = 0; i < count; i++) {
    const text = `${tag} ${i}`
    const mark = from.events.length
    const id = await sendAndWait(from, `/msg ${to.name} ${text}`, text)
    await from.waitFor('delivered', (d) => d.id === id, { from: mark })
    texts.push(text)
  }
  return texts
}

describe('chaos: a full disk', () => {
  requireTool('netns')
  afterEach(async () => {
    await cleanup()
    await clearFaults()
  })

  it('keeps showing what arrives with a clear error, and loses nothing it had stored', async () => {
    const fleet = new Fleet()
    const disk = await smallDisk('24m')
    const bobData = join(disk, 'bob')
    const alice = fleet.track('alice', await spawnPeer({ name: 'alice' }))
    const bob = fleet.track('bob', await spawnPeer({ name: 'bob', dataDir: bobData, bootstrap: [alice.addrs[0]] }))
    await Promise.all([alice, bob].map((p) => p.waitForUsers((users) => users.length === 2)))
    const stored = await dms(alice, bob, 'stored', size.rounds)
    const filler = join(disk, 'filler')
    fillDisk(filler)
    const mark = bob.events.length
    // a DM is taken only once its session state is stored: while bob cannot store it, it waits in alice's outbox
    const waiting: string[] = []
    for (let i = 0; i < size.rounds; i++) {
      const text = `disk full ${i}`
      const from = alice.events.length
      const id = await sendAndWait(alice, `/msg ${bob.name} ${text}`, text)
      await alice.waitFor('queued', (q) => q.id === id, { from })
      waiting.push(id)
    }
    const lobby = 'disk full lobby'
    await sendAndWait(alice, lobby, lobby)
    await bob.waitFor('message', (m) => m.text === lobby, { from: mark })
    const errors = bob.all('error').filter((_, i, all) => bob.events.indexOf(all[i]) >= mark)
    expect(errors.length).toBeGreaterThan(0)
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set(['DISK_FULL']))
    await dmOutcomes(alice)
    const result = fleet.check({})
    recordRow('disk full on a peer', result, 0, 'no heal: the peer never stopped showing messages')
    expect(result.violations).toEqual([])

    // with room again, a restart still has everything it stored before the disk filled
    rmSync(filler)
    bob.send('/quit')
    await bob.exited
    const bob2 = await spawnPeer({ name: 'bob', dataDir: bobData, bootstrap: [alice.addrs[0]] })
    // back with room: the DMs that waited arrive, each once
    for (const id of waiting) {
      await alice.waitFor('delivered', (d) => d.id === id, { timeoutMs: 60_000 })
    }
    for (let i = 0; i < size.rounds; i++) {
      await bob2.waitFor('message', (m) => m.text === `disk full ${i}`)
    }
    expect(bob2.all('message').filter((m) => m.text.startsWith('disk full ') && m.scope === 'dm')).toHaveLength(
      size.rounds
    )
    const from = bob2.events.length
    bob2.send(`/history ${alice.peerId} 1000`)
    const history = await bob2.waitFor('history', () => true, { from })
    const kept = history.messages.map((m) => m.text)
    expect(kept).toEqual(expect.arrayContaining(stored))
  }, 300_000)
})
