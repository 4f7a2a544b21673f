import { createHash, type Hash } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'
import type { Uint8ArrayList } from 'uint8arraylist'
import { chunkLength } from '../../protocols/file/chunks.ts'
import { HASH_BYTES } from '../../protocols/file/constants.ts'
import {
  DiskFullError,
  HashMismatchError,
  SizeMismatchError,
  TransferInterruptedError
} from '../../protocols/file/errors.ts'
import { verifiedPrefix } from './state.ts'

export interface IncomingWrite {
  /** the partial file, open for writing */
  file: FileHandle
  /** where the bytes start: a chunk boundary */
  offset: number
  size: number
  chunkSize: number
  chunkHashes: Uint8Array
  /** the whole-file hash, fed with everything before `offset` */
  hash: Hash
  data: AsyncIterable<Uint8Array | Uint8ArrayList>
  /** after each written byte batch: bytes on disk so far */
  onBytes?: (bytes: number) => void
  /** after each chunk that matched its hash: bytes verified so far */
  onVerified?: (bytes: number) => void
}

/**
 * Writes a download's bytes to disk as they arrive, checking each chunk against its announced hash.
 * Each write is awaited before the next piece is read, so a slow disk slows the sender instead of
 * filling memory. Throws SizeMismatchError for bytes beyond the announced size, HashMismatchError for a
 * bad chunk, DiskFullError when the disk fills, TransferInterruptedError when the data stops early.
 */
export async function writeIncoming(w: IncomingWrite): Promise<void> {
  let position = w.offset
  let index = Math.floor(w.offset / w.chunkSize)
  let inChunk = 0
  let chunk = createHash('sha256')
  for await (const piece of w.data) {
    const bufs = piece instanceof Uint8Array ? [piece] : [...piece]
    if (position + piece.byteLength > w.size) {
      throw new SizeMismatchError(`the sender sent more than the ${w.size} bytes it announced`)
    }
    await writeAll(w.file, bufs, position)
    for (const buf of bufs) {
      let at = 0
      while (at < buf.byteLength) {
        const length = chunkLength(index, w.size, w.chunkSize)
        const take = Math.min(length - inChunk, buf.byteLength - at)
        const part = buf.subarray(at, at + take)
        chunk.update(part)
        w.hash.update(part)
        inChunk += take
        at += take
        if (inChunk === length) {
          const digest = chunk.digest()
          if (verifiedPrefix(w.chunkHashes.subarray(index * HASH_BYTES), [digest]) !== 1) {
            throw new HashMismatchError(`chunk ${index} does not match its announced hash`)
          }
          index++
          inChunk = 0
          chunk = createHash('sha256')
          w.onVerified?.(Math.min(w.size, index * w.chunkSize))
        }
      }
    }
    position += piece.byteLength
    w.onBytes?.(position)
  }
  if (position < w.size) {
    throw new TransferInterruptedError(`the sender stopped after ${position} of ${w.size} bytes`)
  }
}

async function writeAll(file: FileHandle, bufs: Uint8Array[], position: number): Promise<void> {
  let pending = bufs
  let at = position
  try {
    while (pending.length > 0) {
      const { bytesWritten } = await file.writev(pending, at)
      at += bytesWritten
      pending = dropBytes(pending, bytesWritten)
    }
  } catch (err) {
    throw asDiskError(err)
  }
}

function dropBytes(bufs: Uint8Array[], count: number): Uint8Array[] {
  const out: Uint8Array[] = []
  let skip = count
  for (const buf of bufs) {
    if (skip >= buf.byteLength) {
      skip -= buf.byteLength
      continue
    }
    out.push(skip > 0 ? buf.subarray(skip) : buf)
    skip = 0
  }
  return out
}

/** Disk full (or over quota) becomes DiskFullError with a message a user understands; others pass through. */
export function asDiskError(err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException)?.code
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new DiskFullError('the download disk is full')
  }
  return err
}
