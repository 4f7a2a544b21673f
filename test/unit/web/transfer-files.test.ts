import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hashFile } from '../../../node/transfers/hashing.ts'
import { FileChangedError, FileNotReadableError, FileTooLargeError } from '../../../protocols/file/index.ts'
import {
  BrowserTransferFiles,
  MAX_PAGE_FILE_BYTES,
  MAX_PAGE_HELD_BYTES,
  type Received
} from '../../../web/transfer-files.ts'
import { tempDirs } from '../../support/temp-dirs.ts'

const CHUNK = 64 * 1024
const tempDir = tempDirs('web-files')

async function collect(gen: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Uint8Array[] = []
  for await (const block of gen) {
    out.push(block)
  }
  return Buffer.concat(out)
}

/** Writes `data` into a new download through the page's partial file, `cuts` splitting it into writes. */
async function receive(files: BrowserTransferFiles, id: string, data: Uint8Array, cuts: number[]): Promise<Received> {
  let got: Received | undefined
  files.onReceived = (f) => {
    got = f
  }
  const partial = await files.openPartial('browser', id)
  const { offset, hash } = await partial.resume(undefined, data.length, CHUNK, new AbortController().signal)
  expect(offset).toBe(0)
  let at = 0
  for (const cut of [...cuts.filter((c) => c > 0 && c < data.length)].sort((a, b) => a - b).concat(data.length)) {
    const piece = data.subarray(at, cut)
    await partial.write([piece.subarray(0, piece.length >> 1), piece.subarray(piece.length >> 1)], at)
    hash.update(piece)
    at = cut
  }
  expect(Buffer.from(hash.digest())).toEqual(Buffer.from(await crypto.subtle.digest('SHA-256', data)))
  await partial.finish(`${id}.bin`)
  if (got == null) {
    throw new Error('no file received')
  }
  return got
}

async function blobOf(url: string): Promise<Buffer> {
  const blob = await fetch(url).then((r) => r.blob())
  return Buffer.from(await blob.arrayBuffer())
}

describe('the page transfer files', () => {
  it('hashes and reads a picked file exactly as the disk does', async () => {
    const data = randomBytes(3 * CHUNK + 777)
    const path = join(tempDir(), 'f.bin')
    await writeFile(path, data)
    const files = new BrowserTransferFiles()
    const key = files.pick(new File([data], 'f.bin', { lastModified: 1234 }))
    const sendable = await files.inspect(key)
    expect(sendable).toEqual({ path: key, name: 'f.bin', size: data.length, mtimeMs: 1234 })
    const page = await files.hash(key, data.length, CHUNK, {})
    const disk = await hashFile(path, data.length, CHUNK)
    expect(Buffer.from(page.sha256)).toEqual(Buffer.from(disk.sha256))
    expect(Buffer.from(page.chunkHashes)).toEqual(Buffer.from(disk.chunkHashes))
    expect(await collect(files.read({ path: key, offset: CHUNK, size: data.length, mtimeMs: 1234 }))).toEqual(
      data.subarray(CHUNK)
    )
    await expect(collect(files.read({ path: key, offset: 0, size: data.length, mtimeMs: 99 }))).rejects.toThrow(
      FileChangedError
    )
    await expect(files.inspect('picked-9/none')).rejects.toThrow(FileNotReadableError)
  })

  it('keeps every received byte in order, however the writes are cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 0, maxLength: 20_000 }),
        fc.array(fc.nat(20_000), { maxLength: 8 }),
        async (data, cuts) => {
          const files = new BrowserTransferFiles()
          const got = await receive(files, 'a', data, [...new Set(cuts)])
          expect(got.size).toBe(data.length)
          expect(await blobOf(got.url)).toEqual(Buffer.from(data))
          expect(files.download('a')).toBe(got)
        }
      ),
      { numRuns: 50 }
    )
  })

  it('refuses writes out of order and files over the page limit', async () => {
    const files = new BrowserTransferFiles()
    const partial = await files.openPartial('browser', 'x')
    await partial.resume(undefined, 10, CHUNK, new AbortController().signal)
    await expect(partial.write([new Uint8Array(4)], 4)).rejects.toThrow(/in order/)
    await expect(files.prepare('browser', MAX_PAGE_FILE_BYTES + 1)).rejects.toThrow(FileTooLargeError)
    expect(await files.prepare('browser', MAX_PAGE_FILE_BYTES)).toBe('browser')
  })

  it('releases the oldest received files past what the page holds in all', async () => {
    const files = new BrowserTransferFiles()
    // each file claims half the bound and a bit once received: the third pushes out the first
    const size = Math.floor(MAX_PAGE_HELD_BYTES / 2) + 1
    const kept: Received[] = []
    for (const id of ['a', 'b', 'c']) {
      const partial = await files.openPartial('browser', id)
      await partial.resume(undefined, 1, CHUNK, new AbortController().signal)
      await partial.write([new Uint8Array(1)], 0)
      files.onReceived = (f) => kept.push(f)
      await partial.finish(id)
      // stand in for a large file without allocating it
      Object.assign(kept.at(-1) ?? {}, { size })
    }
    expect(files.download('a')).toBeUndefined()
    expect(files.download('b')).toBeDefined()
    expect(files.download('c')).toBeDefined()
  })
})
