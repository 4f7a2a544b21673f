import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { listTree, offer, procStatusBytes, randomFile, sha256File, twoPeers } from './files-helpers.ts'
import { cleanup } from './harness.ts'

const MB = 1024 * 1024

describe('file transfer between two processes', () => {
  afterEach(cleanup)

  it('sends a 100 MB file whose hash matches, with receiver memory bounded', async () => {
    const file = await randomFile(100 * MB)
    const pair = await twoPeers()
    const { alice, bob, downloads } = pair
    const pid = bob.child.pid!
    const { id, shortId } = await offer(pair, file.path)
    const rssBefore = await procStatusBytes(pid, 'VmRSS')
    bob.send(`/accept ${shortId}`)
    const done = await bob.waitFor('done', (d) => d.id === id, { timeoutMs: 120_000 })
    const peak = await procStatusBytes(pid, 'VmHWM')
    expect(done.sha256).toBe(file.sha256)
    expect(done.path).toBe(join(downloads, 'payload.bin'))
    expect(await sha256File(done.path!)).toBe(file.sha256)
    // the sender hears the receiver's verification
    expect((await alice.waitFor('done', (d) => d.id === id)).sha256).toBe(file.sha256)
    // progress came as a bounded number of events, with a rate, ending at the full size
    const progress = bob.all('progress').filter((p) => p.id === id)
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.at(-1)!.bytes).toBe(100 * MB)
    // Memory does not follow the file. What growth there is: buffers V8 frees lazily (it collects after
    // ~64 MiB of them), the muxer window (16 MiB) and our read buffer (4 MiB); holding the file would add
    // its 100 MB on top of all that.
    expect(peak - rssBefore).toBeLessThan(128 * MB)
    // nothing left behind but the file
    expect(await listTree(downloads)).toEqual(['payload.bin'])
  })

  it('lists transfers with state, and accepts into a folder given with /accept', async () => {
    const file = await randomFile(3 * MB, 'report final.pdf')
    const pair = await twoPeers()
    const { alice, bob } = pair
    const { id, shortId } = await offer(pair, `"${file.path}"`)
    const from = bob.events.length
    bob.send('/transfers')
    const listed = await bob.waitFor('transfers', () => true, { from })
    expect(listed.transfers).toMatchObject([
      {
        id,
        direction: 'in',
        state: 'offered',
        name: 'report final.pdf',
        size: 3 * MB,
        sha256: file.sha256,
        known: true
      }
    ])
    const elsewhere = join(pair.downloads, 'sub dir')
    bob.send(`/accept ${shortId.slice(0, 4)} ${elsewhere}`)
    const done = await bob.waitFor('done', (d) => d.id === id)
    expect(done.path).toBe(join(elsewhere, 'report final.pdf'))
    await alice.waitFor('done', (d) => d.id === id)
    const fromA = alice.events.length
    alice.send('/transfers')
    const mine = await alice.waitFor('transfers', () => true, { from: fromA })
    expect(mine.transfers).toMatchObject([{ id, direction: 'out', state: 'done', bytes: 3 * MB }])
  })

  it('never overwrites: a second copy of a name gets a free name', async () => {
    const file = await randomFile(MB, 'same.txt')
    const pair = await twoPeers()
    const { bob } = pair
    for (const expected of ['same.txt', 'same (1).txt']) {
      const { id, shortId } = await offer(pair, file.path)
      bob.send(`/accept ${shortId}`)
      const done = await bob.waitFor('done', (d) => d.id === id)
      expect(done.path).toBe(join(pair.downloads, expected))
    }
    expect(await readdir(pair.downloads)).toEqual(['same (1).txt', 'same.txt'])
  })

  it('decline: the sender is told, and nothing is written', async () => {
    const file = await randomFile(MB)
    const pair = await twoPeers()
    const { alice, bob } = pair
    const { id, shortId } = await offer(pair, file.path)
    bob.send(`/decline ${shortId}`)
    await bob.waitFor('transfer', (t) => t.id === id && t.state === 'declined')
    await alice.waitFor('transfer', (t) => t.id === id && t.state === 'declined')
    const from = bob.events.length
    bob.send(`/accept ${shortId}`)
    expect((await bob.waitFor('error', () => true, { from })).code).toBe('INVALID_TRANSFER_STATE')
    expect(await listTree(pair.downloads)).toEqual([])
  })

  it('an unanswered offer expires on both sides', async () => {
    const file = await randomFile(MB)
    // the shortest lifetime a receiver grants (MIN_OFFER_TTL_MS)
    const pair = await twoPeers({ aliceArgs: ['--offer-ttl', '10s'] })
    const { alice, bob } = pair
    const { id, shortId } = await offer(pair, file.path)
    await bob.waitFor('transfer', (t) => t.id === id && t.state === 'expired', { timeoutMs: 40_000 })
    await alice.waitFor('transfer', (t) => t.id === id && t.state === 'expired', { timeoutMs: 40_000 })
    const from = bob.events.length
    bob.send(`/accept ${shortId}`)
    expect((await bob.waitFor('error', () => true, { from })).code).toBe('OFFER_EXPIRED')
  })

  it('the sender cancels mid-transfer: the receiver stops and keeps no partial file', async () => {
    const file = await randomFile(40 * MB)
    const pair = await twoPeers({ aliceArgs: ['--max-upload-rate', '8MB'] })
    const { alice, bob } = pair
    const { id, shortId } = await offer(pair, file.path)
    bob.send(`/accept ${shortId}`)
    await bob.waitFor('progress', (p) => p.id === id && p.bytes > 0)
    alice.send(`/cancel ${shortId}`)
    await alice.waitFor('transfer', (t) => t.id === id && t.state === 'cancelled')
    const cancelled = await bob.waitFor('transfer', (t) => t.id === id && t.state === 'cancelled')
    expect(cancelled.code).toBe('CANCELLED_BY_PEER')
    expect(await listTree(pair.downloads)).toEqual([])
  })

  it('the receiver cancels mid-transfer: the sender stops', async () => {
    const file = await randomFile(40 * MB)
    const pair = await twoPeers({ aliceArgs: ['--max-upload-rate', '8MB'] })
    const { alice, bob } = pair
    const { id, shortId } = await offer(pair, file.path)
    bob.send(`/accept ${shortId}`)
    await alice.waitFor('progress', (p) => p.id === id && p.phase === 'sending' && p.bytes > 0)
    bob.send(`/cancel ${shortId}`)
    await bob.waitFor('transfer', (t) => t.id === id && t.state === 'cancelled')
    await alice.waitFor('transfer', (t) => t.id === id && t.state === 'cancelled')
    expect(alice.all('done')).toHaveLength(0)
    expect(await listTree(pair.downloads)).toEqual([])
  })

  it('refuses offers over the size limit, and reports bad ids and paths', async () => {
    const file = await randomFile(2 * MB)
    const pair = await twoPeers({ bobArgs: ['--max-file-size', '1MB'] })
    const { alice, bob } = pair
    let from = alice.events.length
    alice.send(`/send bob ${file.path}`)
    const failed = await alice.waitFor('error', (e) => e.transfer != null, { from })
    expect(failed.code).toBe('TRANSFER_REFUSED')
    expect((await bob.waitFor('error')).code).toBe('FILE_TOO_LARGE')
    from = alice.events.length
    alice.send('/send bob /nonexistent/file.bin')
    expect((await alice.waitFor('error', () => true, { from })).code).toBe('FILE_NOT_READABLE')
    from = bob.events.length
    bob.send('/accept ffff')
    expect((await bob.waitFor('error', () => true, { from })).code).toBe('UNKNOWN_TRANSFER')
  })
})
