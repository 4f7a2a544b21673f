import { afterEach, describe, expect, it } from 'vitest'
import { MAX_STREAM_WINDOW_BYTES } from '../../node/constants.ts'
import { WRITE_BATCH_BYTES } from '../../node/transfers/receiver.ts'
import { chooseChunkSize } from '../../protocols/file/chunks.ts'
import { READ_BLOCK_BYTES, READ_HIGH_WATER_BYTES } from '../../protocols/file/constants.ts'
import { listTree, offer, randomFile, sha256File, twoPeers } from './files-helpers.ts'
import { cleanup, type PeerProcess, spawnPeer, tempDir } from './harness.ts'

const MB = 1024 * 1024
/** Size of the file the receiver is killed in the middle of. */
const RESUME_FILE_BYTES = 100 * MB
/** Chunk size of that file: what a restart may lose at most, besides what was in flight. */
const CHUNK = chooseChunkSize(RESUME_FILE_BYTES)

/**
 * The most the sender can have counted as sent that the killed receiver had not written to disk, so that the
 * restarted receiver asks for it again. The sender counts a block once the stream took it, and hands on the next
 * only once less than a block is left unsent (send()): its write buffer holds under 2 x READ_BLOCK_BYTES (before
 * send() waited for that, each window update let a block more in, and a slow receiver had 23 MiB re-sent). Between the programs are only the bytes of the stream window the
 * receiver granted (MAX_STREAM_WINDOW_BYTES: yamux grants window as data arrives, up to that cap). The receiver
 * holds what it read and did not write yet: its read buffer, which pauses the stream at READ_HIGH_WATER_BYTES (a
 * window's worth more arrives before the pause, made in a microtask, bites), and the batch under way: pieces gathered
 * up to WRITE_BATCH_BYTES, the last of which may be a whole read buffer. On restart it keeps only whole chunks that
 * check out against their hashes, so up to a chunk it had written goes too: under 13 MiB in all. A re-send beyond
 * it means bytes were lost somewhere this sum does not know of. (Progress events come at most every
 * PROGRESS_INTERVAL_MS, so what the test sees as sent may fall short: that only loosens it.)
 */
const MAX_RESENT_BYTES =
  2 * READ_BLOCK_BYTES +
  MAX_STREAM_WINDOW_BYTES +
  (READ_HIGH_WATER_BYTES + MAX_STREAM_WINDOW_BYTES) +
  (WRITE_BATCH_BYTES + READ_HIGH_WATER_BYTES + MAX_STREAM_WINDOW_BYTES) +
  CHUNK

/** The most bytes `peer` reported sending for transfer `id` so far. */
function sentSoFar(peer: PeerProcess, id: string): number {
  const sent = peer.all('progress').filter((p) => p.id === id && p.phase === 'sending')
  return Math.max(0, ...sent.map((p) => p.bytes))
}

describe('resuming file transfers', () => {
  afterEach(cleanup)

  it('continues where it was after the receiver is killed and restarted', async () => {
    const file = await randomFile(RESUME_FILE_BYTES)
    const bobData = tempDir()
    // capped so the transfer is still running when the receiver dies
    const pair = await twoPeers({ aliceArgs: ['--max-upload-rate', '20MB'], bobDataDir: bobData })
    const { alice, bob, downloads } = pair
    const { id, shortId } = await offer(pair, file.path)
    bob.send(`/accept ${shortId}`)
    const before = await bob.waitFor('progress', (p) => p.id === id && p.bytes >= 30 * MB, { timeoutMs: 60_000 })
    bob.kill('SIGKILL')
    await bob.exited
    await alice.waitFor('transfer', (t) => t.id === id && t.state === 'waiting')
    const sentInFirstRun = sentSoFar(alice, id)
    const fromAlice = alice.events.length

    const bob2 = await spawnPeer({
      name: 'bob',
      dataDir: bobData,
      bootstrap: [alice.addrs[0]],
      extraArgs: ['--download-dir', downloads]
    })
    const resumed = await bob2.waitFor('transfer', (t) => t.id === id && t.state === 'transferring')
    const done = await bob2.waitFor('done', (d) => d.id === id, { timeoutMs: 90_000 })
    expect(done.sha256).toBe(file.sha256)
    expect(await sha256File(done.path!)).toBe(file.sha256)
    await alice.waitFor('done', (d) => d.id === id)

    // it picked up at least where the receiver had got to (less the chunk it was writing) ...
    expect(resumed.bytes).toBeGreaterThanOrEqual(before.bytes - CHUNK)
    // ... and the sender started its second run there, so it re-sent only what was in flight at the kill
    const secondRun = alice.events.slice(fromAlice).find((e) => e.type === 'progress' && e.id === id)
    expect(secondRun).toMatchObject({ phase: 'sending', bytes: resumed.bytes })
    const resent = sentInFirstRun - resumed.bytes
    expect(resent, `re-sent ${resent} bytes`).toBeLessThanOrEqual(MAX_RESENT_BYTES)
    expect(await listTree(downloads)).toEqual(['payload.bin'])
    // 100 MB at the capped rate plus three peer starts: on a loaded two-core machine this alone nears a minute
  }, 150_000)

  it('continues after the sender is killed and restarted', async () => {
    const file = await randomFile(60 * MB)
    const downloads = tempDir('p2pchat-dl-')
    const bob = await spawnPeer({ name: 'bob', extraArgs: ['--download-dir', downloads] })
    const aliceData = tempDir()
    const aliceArgs = ['--max-upload-rate', '15MB']
    // alice dials bob, so a restarted alice (on a new port) finds bob again
    const alice = await spawnPeer({
      name: 'alice',
      dataDir: aliceData,
      bootstrap: [bob.addrs[0]],
      extraArgs: aliceArgs
    })
    await Promise.all([alice, bob].map((p) => p.waitForUsers((users) => users.length === 2)))
    const { id, shortId } = await offer({ alice, bob, downloads }, file.path)
    bob.send(`/accept ${shortId}`)
    const before = await bob.waitFor('progress', (p) => p.id === id && p.bytes >= 20 * MB, { timeoutMs: 60_000 })
    alice.kill('SIGKILL')
    await alice.exited
    await bob.waitFor('transfer', (t) => t.id === id && t.state === 'waiting')
    const fromBob = bob.events.length

    const alice2 = await spawnPeer({
      name: 'alice',
      dataDir: aliceData,
      bootstrap: [bob.addrs[0]],
      extraArgs: aliceArgs
    })
    const resumed = await bob.waitFor('transfer', (t) => t.id === id && t.state === 'transferring', { from: fromBob })
    expect(resumed.bytes).toBeGreaterThanOrEqual(before.bytes - MB)
    const done = await bob.waitFor('done', (d) => d.id === id, { timeoutMs: 90_000 })
    expect(await sha256File(done.path!)).toBe(file.sha256)
    await alice2.waitFor('done', (d) => d.id === id)
  })
})
