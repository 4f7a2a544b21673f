import { mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { offer, randomFile, sha256File, twoPeers } from './files-helpers.ts'
import { cleanup, tempDir } from './harness.ts'

const MB = 1024 * 1024
const PARTIAL_DIR = '.p2pchat-partial'

/** A folder outside the download folder with one file another local user would love us to overwrite. */
async function victimFolder(): Promise<string> {
  const outside = tempDir('p2pchat-outside-')
  await mkdir(outside, { recursive: true })
  await writeFile(join(outside, 'important.txt'), 'do not touch')
  return outside
}

describe('downloads in a download folder others can write to', () => {
  afterEach(cleanup)

  it('a symlink planted where the partial file goes: refused (UNSAFE_PATH), nothing outside is written', async () => {
    const file = await randomFile(2 * MB)
    const pair = await twoPeers()
    const outside = await victimFolder()
    const { id, shortId } = await offer(pair, file.path)
    // the transfer id is in the offer, so whoever shares the folder can plant the partial file's name in advance
    await mkdir(join(pair.downloads, PARTIAL_DIR), { recursive: true })
    await symlink(join(outside, 'important.txt'), join(pair.downloads, PARTIAL_DIR, `${id}.part`))
    pair.bob.send(`/accept ${shortId}`)
    const error = await pair.bob.waitFor('error', (e) => e.transfer === id)
    expect(error.code).toBe('UNSAFE_PATH')
    expect(await readFile(join(outside, 'important.txt'), 'utf8')).toBe('do not touch')
    expect(await readdir(outside)).toEqual(['important.txt'])
  })

  it('a symlink planted as the partial folder: refused, nothing is written or deleted through it', async () => {
    const file = await randomFile(2 * MB)
    const pair = await twoPeers()
    const outside = await victimFolder()
    await mkdir(pair.downloads, { recursive: true })
    await symlink(outside, join(pair.downloads, PARTIAL_DIR))
    const { id, shortId } = await offer(pair, file.path)
    pair.bob.send(`/accept ${shortId}`)
    const error = await pair.bob.waitFor('error', (e) => e.transfer === id)
    expect(error.code).toBe('UNSAFE_PATH')
    expect(await readdir(outside)).toEqual(['important.txt'])
  })

  it("while a file arrives nobody else can read it (0700 folder, 0600 file); finished, it has the user's umask", async () => {
    const file = await randomFile(64 * MB)
    const pair = await twoPeers()
    const { id, shortId } = await offer(pair, file.path)
    const partial = join(pair.downloads, PARTIAL_DIR)
    const seen = new Set<string>()
    let arrived = false
    // watch the partial folder while the download runs; it is removed once the file is in place
    const watch = (async () => {
      while (!arrived) {
        const dirMode = await stat(partial).then(
          (s) => s.mode & 0o777,
          () => undefined
        )
        const fileMode = await stat(join(partial, `${id}.part`)).then(
          (s) => s.mode & 0o777,
          () => undefined
        )
        if (dirMode != null && fileMode != null) {
          seen.add(`${dirMode.toString(8)} ${fileMode.toString(8)}`)
        }
        await new Promise((r) => setTimeout(r, 5))
      }
    })()
    pair.bob.send(`/accept ${shortId}`)
    const done = await pair.bob.waitFor('done', (d) => d.id === id, { timeoutMs: 120_000 })
    arrived = true
    await watch
    expect([...seen]).toEqual(['700 600'])
    expect(await sha256File(done.path!)).toBe(file.sha256)
    // the peers inherit the test's umask
    expect((await stat(done.path!)).mode & 0o777).toBe(0o666 & ~process.umask())
  })
})
