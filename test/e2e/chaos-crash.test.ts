import { afterEach, describe, expect, it } from 'vitest'
import { randomFile, sha256File, twoPeers } from './files-helpers.ts'
import { chaosSize, dmOutcomes, Fleet, recordRow } from './harness/chaos.ts'
import { clearFaults } from './harness/faults.ts'
import { cleanup, type PeerProcess, spawnPeer, tempDir } from './harness.ts'

const size = chaosSize({ peers: 2, rounds: 1 }, { peers: 2, rounds: 3 })
const MB = 1024 * 1024
/** Big enough, at the upload cap, that the receiver dies mid-transfer. */
const FILE_BYTES = size.long ? 60 * MB : 20 * MB
const UPLOAD_RATE = '5MB'
/** Pause between DMs: a steady stream, not a flood. */
const PACE_MS = 20

/**
 * DMs from `from` to `to` one after the other until `stop` is set: each waits for its `sent` or the error that
 * refused it (the recipient gone), so sends keep going across the kill.
 */
async function dmLoop(from: PeerProcess, to: string, stop: { done: boolean }): Promise<number> {
  let n = 0
  while (!stop.done) {
    const text = `crash dm ${n++}`
    const mark = from.events.length
    from.send(`/msg ${to} ${text}`)
    await Promise.race([
      from.waitFor('sent', (s) => s.text === text, { from: mark }),
      from.waitFor('error', () => true, { from: mark })
    ])
    // at most a few DMs a second: this is a crash test, not a flood
    await from.waitFor('delivered', () => true, { from: mark, timeoutMs: 1000 }).catch(() => {})
    await new Promise((resolve) => setTimeout(resolve, PACE_MS))
  }
  return n
}

describe('chaos: a peer killed (-9) mid-DM and mid-transfer', () => {
  afterEach(async () => {
    await clearFaults()
    await cleanup()
  })

  it('loses no acknowledged DM, shows none twice, and the transfer resumes and completes intact', async () => {
    const fleet = new Fleet()
    const bobData = tempDir()
    for (let round = 0; round < size.rounds; round++) {
      const file = await randomFile(FILE_BYTES)
      const pair = await twoPeers({ aliceArgs: ['--max-upload-rate', UPLOAD_RATE], bobDataDir: bobData })
      const { alice, bob, downloads } = pair
      fleet.track(`alice${round}`, alice, alice.peerId)
      fleet.track('bob', bob, bob.peerId)
      const stop = { done: false }
      const dms = dmLoop(alice, bob.peerId, stop)
      const mark = bob.events.length
      alice.send(`/send bob ${file.path}`)
      const offer = await bob.waitFor('offer', () => true, { from: mark })
      bob.send(`/accept ${offer.shortId}`)
      await bob.waitFor('progress', (p) => p.id === offer.id && p.bytes >= FILE_BYTES / 3, { timeoutMs: 60_000 })
      await fleet.kill('bob')
      await alice.waitFor('transfer', (t) => t.id === offer.id && t.state === 'waiting')
      const restartedAt = Date.now()
      const bob2 = fleet.track(
        'bob',
        await spawnPeer({
          name: 'bob',
          dataDir: bobData,
          bootstrap: [alice.addrs[0]],
          extraArgs: ['--download-dir', downloads]
        }),
        bob.peerId
      )
      await bob2.waitFor('transfer', (t) => t.id === offer.id && t.state === 'transferring')
      const healMs = Date.now() - restartedAt
      const done = await bob2.waitFor('done', (d) => d.id === offer.id, { timeoutMs: 120_000 })
      expect(await sha256File(done.path!)).toBe(file.sha256)
      const afterRestart = alice.all('delivered').length
      await alice.waitFor('delivered', () => alice.all('delivered').length > afterRestart + 2, { timeoutMs: 30_000 })
      stop.done = true
      await dms
      await dmOutcomes(alice)
      // the DMs that crossed the kill wait in alice's outbox and reach the restarted bob
      const init = { offlineDelivery: true, audience: { lobby: [] } }
      await fleet.settle(init, 60_000)
      const result = fleet.check(init)
      if (round === size.rounds - 1) {
        recordRow('peer kill -9 mid-DM and mid-transfer', result, healMs, 'restart until the transfer moved again')
      }
      expect(result.violations).toEqual([])
      await fleet.kill(`alice${round}`)
      await fleet.kill('bob')
    }
  }, 600_000)
})
