import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { randomFile, sha256File } from './files-helpers.ts'
import { cleanup, spawnPeer, startClient, tempDir } from './harness.ts'

const MB = 1024 * 1024

describe('file transfer in line mode', () => {
  afterEach(async () => {
    await cleanup()
  })

  it('shows the offer with its id, progress lines and where the verified file was saved', async () => {
    const file = await randomFile(30 * MB, 'notes.pdf')
    const downloads = tempDir('p2pchat-dl-')
    const alice = await spawnPeer({ name: 'alice', extraArgs: ['--max-upload-rate', '10MB'] })
    const line = await startClient({
      name: 'bob',
      mode: 'line',
      dataDir: tempDir(),
      bootstrap: [alice.addrs[0]],
      args: ['--download-dir', downloads]
    })
    await alice.waitForUsers((users) => users.length === 2)
    // bob must know alice too, or her offer is rightly shown as from someone not online
    await line.waitForLine(/\* alice joined/)
    alice.send(`/send bob ${file.path}`)
    const offer = await line.waitForLine(/alice offers notes\.pdf, 30 MB \[[0-9a-f]{6,}\]/)
    const shortId = /\/accept ([0-9a-f]+)/.exec(offer)![1]
    line.send(`/accept ${shortId}`)
    const saved = await line.waitForLine(/saved .*notes\.pdf/, 0, 60_000)
    expect(saved).toContain(join(downloads, 'notes.pdf'))
    expect(saved).toContain(file.sha256)
    expect(await sha256File(join(downloads, 'notes.pdf'))).toBe(file.sha256)
    // without a terminal, progress comes as a line per 10%, with rate and ETA
    const progress = line.lines.filter((l) => l.includes(`[${shortId}] receiving notes.pdf`))
    expect(progress.length).toBeGreaterThan(1)
    expect(progress.length).toBeLessThanOrEqual(11)
    expect(progress.at(-1)).toMatch(/100% 30 MB\/30 MB .*\/s ETA/)
  })
})
