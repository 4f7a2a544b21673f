import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AtomicFiles } from '../../../node/sessions/atomic-file.ts'

describe('AtomicFiles', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'p2pchat-atomic-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('replaces a file whole, with the mode asked for, and leaves no temporary file', async () => {
    const files = new AtomicFiles()
    const path = join(dir, 'peer.bin')
    await files.write(path, Buffer.from('first'), 0o600)
    await files.write(path, Buffer.from('second, longer'), 0o600)
    expect(await readFile(path, 'utf8')).toBe('second, longer')
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect(await readdir(dir)).toEqual(['peer.bin'])
  })

  it('lands writes to one path in the order they were called, however many are in flight', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 3000 }), { minLength: 1, maxLength: 12 }),
        async (records) => {
          const files = new AtomicFiles()
          const path = join(dir, 'ordered.bin')
          await Promise.all(records.map((r) => files.write(path, r, 0o600)))
          expect(new Uint8Array(await readFile(path))).toEqual(records[records.length - 1])
          expect(await readdir(dir)).toEqual(['ordered.bin'])
        }
      ),
      { numRuns: 25 }
    )
  })

  it('makes its folder again when it went away between writes', async () => {
    const files = new AtomicFiles()
    const path = join(dir, 'sessions', 'peer.bin')
    await files.write(path, Buffer.from('a'), 0o600)
    await rm(join(dir, 'sessions'), { recursive: true })
    await files.write(path, Buffer.from('b'), 0o600)
    expect(await readFile(path, 'utf8')).toBe('b')
  })

  it('is not blocked by temporary files a crashed process with the same pid left beside the record', async () => {
    const path = join(dir, 'peer.bin')
    for (let n = 0; n <= 50; n++) {
      await writeFile(`${path}.${process.pid}.${n}.tmp`, 'left by a crash')
    }
    const files = new AtomicFiles()
    for (let n = 0; n < 5; n++) {
      await files.write(path, Buffer.from(`record ${n}`), 0o600)
    }
    expect(await readFile(path, 'utf8')).toBe('record 4')
  })

  it('keeps the old record when a write fails, cleans up after itself, and goes on with the next write', async () => {
    const files = new AtomicFiles()
    const path = join(dir, 'peer.bin')
    await files.write(path, Buffer.from('kept'), 0o600)
    // a folder where the file should be: the rename fails
    const blocked = join(dir, 'blocked.bin')
    await mkdir(join(blocked, 'inside'), { recursive: true })
    await expect(files.write(blocked, Buffer.from('x'), 0o600)).rejects.toThrow()
    expect((await readdir(dir)).sort()).toEqual(['blocked.bin', 'peer.bin'])
    expect(await readFile(path, 'utf8')).toBe('kept')
    await expect(files.write(path, Buffer.from('next'), 0o600)).resolves.toBeUndefined()
    expect(await readFile(path, 'utf8')).toBe('next')
  })
})
