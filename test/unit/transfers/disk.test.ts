import { createHash, randomBytes } from 'node:crypto'
import { type FileHandle, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { moveIntoPlace } from '../../../node/transfers/disk-files.ts'
import type { PartialFile } from '../../../node/transfers/files.ts'
import { hashFile, scanPartial } from '../../../node/transfers/hashing.ts'
import { asDiskError, WRITE_BATCH_BYTES, writeIncoming } from '../../../node/transfers/receiver.ts'
import { readForSending } from '../../../node/transfers/sender.ts'
import { type TransferRecord, TransferStore } from '../../../node/transfers/store.ts'
import {
  DiskFullError,
  FileChangedError,
  SizeMismatchError,
  TransferInterruptedError
} from '../../../protocols/file/errors.ts'

const CHUNK = 1024 * 1024
let dir = ''

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'p2pchat-unit-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function* pieces(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) {
    yield data.subarray(at, at + size)
  }
}

describe('hashing and resume scans', () => {
  it('hashes the whole file and each chunk in one pass', async () => {
    const data = randomBytes(2 * CHUNK + 77)
    const path = join(dir, 'f')
    await writeFile(path, data)
    const digest = await hashFile(path, data.length, CHUNK)
    expect(Buffer.from(digest.sha256).toString('hex')).toBe(createHash('sha256').update(data).digest('hex'))
    expect(digest.chunkHashes.byteLength).toBe(3 * 32)
    const last = createHash('sha256')
      .update(data.subarray(2 * CHUNK))
      .digest()
    expect(Buffer.from(digest.chunkHashes.subarray(64))).toEqual(last)
  })

  it('keeps the good prefix of a partial file and stops at the first damaged chunk', async () => {
    const data = randomBytes(4 * CHUNK)
    const path = join(dir, 'f')
    await writeFile(path, data)
    const { chunkHashes } = await hashFile(path, data.length, CHUNK)
    const partial = Buffer.from(data.subarray(0, 3 * CHUNK + 10))
    partial[2 * CHUNK + 5] ^= 0xff
    await writeFile(join(dir, 'part'), partial)
    const scan = await scanPartial(join(dir, 'part'), partial.length, chunkHashes, data.length, CHUNK)
    expect(scan.verifiedChunks).toBe(2)
    // the hash carries on from exactly the verified bytes
    const expected = createHash('sha256')
      .update(data.subarray(0, 2 * CHUNK))
      .digest('hex')
    expect(scan.hash.digest('hex')).toBe(expected)
  })
})

describe('writeIncoming', () => {
  it('writes from the offset on and feeds the hash', async () => {
    const data = randomBytes(3 * CHUNK)
    const file = await open(join(dir, 'part'), 'w+')
    const hash = createHash('sha256').update(data.subarray(0, CHUNK))
    await file.write(data.subarray(0, CHUNK), 0, CHUNK, 0)
    const seen: number[] = []
    await writeIncoming({
      file: writer(file),
      offset: CHUNK,
      size: data.length,
      hash,
      data: pieces(data.subarray(CHUNK), 100_000),
      onBytes: (b) => seen.push(b)
    })
    await file.close()
    expect(await readFile(join(dir, 'part'))).toEqual(data)
    expect(hash.digest('hex')).toBe(createHash('sha256').update(data).digest('hex'))
    expect(seen.at(-1)).toBe(data.length)
  })

  it('gathers the small pieces of a stream into writes of WRITE_BATCH_BYTES', async () => {
    const data = randomBytes(4 * WRITE_BATCH_BYTES + 1000)
    const file = await open(join(dir, 'part'), 'w+')
    const writes: number[] = []
    await writeIncoming({
      file: writer(file),
      offset: 0,
      size: data.length,
      hash: createHash('sha256'),
      data: pieces(data, 64 * 1024),
      onBytes: (b) => writes.push(b)
    })
    await file.close()
    expect(await readFile(join(dir, 'part'))).toEqual(data)
    // one write per MiB and one for the rest, not one per 64 KiB piece
    expect(writes).toEqual([1, 2, 3, 4].map((n) => n * WRITE_BATCH_BYTES).concat(data.length))
  })

  it('refuses more bytes than announced, and notices data that stops early', async () => {
    const file = await open(join(dir, 'part'), 'w+')
    const w = { file: writer(file), offset: 0, size: 10, hash: createHash('sha256') }
    await expect(writeIncoming({ ...w, data: pieces(randomBytes(11), 4) })).rejects.toThrow(SizeMismatchError)
    await expect(writeIncoming({ ...w, data: pieces(randomBytes(6), 4) })).rejects.toThrow(TransferInterruptedError)
    await file.close()
  })

  it('turns ENOSPC into DiskFullError', () => {
    const enospc = Object.assign(new Error('no space'), { code: 'ENOSPC' })
    expect(asDiskError(enospc)).toBeInstanceOf(DiskFullError)
    const other = new Error('other')
    expect(asDiskError(other)).toBe(other)
  })
})

describe('readForSending', () => {
  it('reads from the offset to the end', async () => {
    const data = randomBytes(2 * CHUNK + 5)
    await writeFile(join(dir, 'f'), data)
    const out: Uint8Array[] = []
    for await (const block of readForSending({ path: join(dir, 'f'), offset: CHUNK, size: data.length })) {
      out.push(block)
    }
    expect(Buffer.concat(out)).toEqual(data.subarray(CHUNK))
  })

  it('stops when the file changed since the offer', async () => {
    await writeFile(join(dir, 'f'), randomBytes(100))
    const read = async (): Promise<void> => {
      for await (const _ of readForSending({ path: join(dir, 'f'), offset: 0, size: 99 })) {
        // nothing
      }
    }
    await expect(read()).rejects.toThrow(FileChangedError)
  })
})

describe('moveIntoPlace', () => {
  it('never overwrites: takes the next free name', async () => {
    await writeFile(join(dir, 'a.txt'), 'old')
    await writeFile(join(dir, 'a (1).txt'), 'older')
    await writeFile(join(dir, 'x.part'), 'new')
    expect(await moveIntoPlace(join(dir, 'x.part'), dir, 'a.txt')).toBe(join(dir, 'a (2).txt'))
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('old')
    expect((await readdir(dir)).sort()).toEqual(['a (1).txt', 'a (2).txt', 'a.txt'])
  })
})

describe('TransferStore', () => {
  const record: TransferRecord = {
    id: '0123456789abcdef0123456789abcdef',
    direction: 'in',
    peerId: '12D3KooWexample',
    peerName: 'alice',
    name: 'x.bin',
    size: 10,
    sha256: 'ab',
    chunkSize: CHUNK,
    createdAt: 1,
    expiresAt: 2,
    state: 'offered',
    bytes: 0,
    updatedAt: 1
  }

  it('saves and loads records and hashes, skipping damaged files', async () => {
    const store = new TransferStore(dir)
    await store.open()
    await store.save(record)
    await store.saveHashes(record.id, new Uint8Array(32).fill(3))
    await writeFile(join(store.dir, 'ffffffffffffffffffffffffffffffff.json'), '{ not json')
    await writeFile(
      join(store.dir, 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee.json'),
      JSON.stringify({ ...record, state: 'bogus' })
    )
    const bad: string[] = []
    expect(await store.loadAll((file) => bad.push(file))).toEqual([record])
    expect(bad.sort()).toEqual(['eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee.json', 'ffffffffffffffffffffffffffffffff.json'])
    expect(await store.loadHashes(record.id)).toEqual(Buffer.alloc(32, 3))
    await store.removeHashes(record.id)
    expect(await store.loadHashes(record.id)).toBeUndefined()
    await store.remove(record.id)
    expect(await store.loadAll()).toEqual([])
  })
})

/** The partial file's write of a plain file handle. */
function writer(file: FileHandle): Pick<PartialFile, 'write'> {
  return {
    write: async (bufs, position) => {
      await file.writev(bufs, position)
    }
  }
}
