import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { listTree, offer, randomFile, twoPeers } from './files-helpers.ts'
import { cleanup } from './harness.ts'

const MB = 1024 * 1024

describe('a full download disk', () => {
  let mountpoint = ''

  beforeEach(() => {
    // a real, tiny file system: writes fail with ENOSPC exactly as on a full disk
    mountpoint = mkdtempSync(join(tmpdir(), 'p2pchat-full-'))
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mountpoint])
  })

  afterEach(async () => {
    await cleanup()
    execFileSync('umount', ['-l', mountpoint])
    rmSync(mountpoint, { recursive: true, force: true })
  })

  it('refuses to start a download that cannot fit', async () => {
    const file = await randomFile(8 * MB)
    const pair = await twoPeers({ downloads: mountpoint })
    const { id, shortId } = await offer(pair, file.path)
    const from = pair.bob.events.length
    pair.bob.send(`/accept ${shortId}`)
    const error = await pair.bob.waitFor('error', () => true, { from })
    expect(error.code).toBe('DISK_FULL')
    // the offer stays open, so it can be accepted into another folder
    const listFrom = pair.bob.events.length
    pair.bob.send('/transfers')
    const list = await pair.bob.waitFor('transfers', () => true, { from: listFrom })
    expect(list.transfers.find((t) => t.id === id)?.state).toBe('offered')
    expect(await listTree(mountpoint)).toEqual([])
  })

  it('fails with a clear error when the disk fills mid-transfer, leaving no partial file', async () => {
    // each fits alone, both do not: whichever comes second runs out of space while writing
    const one = await randomFile(4 * MB, 'one.bin')
    const two = await randomFile(4 * MB, 'two.bin')
    const pair = await twoPeers({ downloads: mountpoint })
    const { bob } = pair
    const a = await offer(pair, one.path)
    const b = await offer(pair, two.path)
    bob.send(`/accept ${a.shortId}\n/accept ${b.shortId}`)
    const outcome = async (id: string): Promise<'done' | string> => {
      const ended = await Promise.race([
        bob.waitFor('done', (d) => d.id === id).then(() => 'done'),
        bob.waitFor('error', (e) => e.transfer === id).then((e) => e.code)
      ])
      return ended
    }
    const results = await Promise.all([outcome(a.id), outcome(b.id)])
    expect(results).toContain('DISK_FULL')
    const full = bob.all('error').find((e) => e.code === 'DISK_FULL')!
    expect(full.message).toMatch(/disk is full/)
    // only verified, complete files remain; the partial area is gone
    const kept = (['one.bin', 'two.bin'] as const).filter((_, i) => results[i] === 'done')
    expect(await listTree(mountpoint)).toEqual([...kept])
  })
})
