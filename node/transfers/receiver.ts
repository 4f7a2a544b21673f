import type { Uint8ArrayList } from 'uint8arraylist'
import { DiskFullError, SizeMismatchError, TransferInterruptedError } from '../../protocols/file/index.ts'
import type { PartialFile, RunningHash } from './files.ts'

export interface IncomingWrite {
  /** the partial file */
  file: Pick<PartialFile, 'write'>
  /** where the bytes start: a chunk boundary */
  offset: number
  size: number
  /** the whole-file hash, fed with everything before `offset` */
  hash: RunningHash
  data: AsyncIterable<Uint8Array | Uint8ArrayList>
  /** after each written byte batch: bytes on disk so far */
  onBytes?: (bytes: number) => void
}

/**
 * Writes a download's bytes to disk as they arrive, feeding the whole-file hash. Each write is awaited
 * before the next piece is read, so a slow disk slows the sender (the reader pauses the stream) instead of
 * filling memory. Chunks are checked against their hashes when a download resumes (scanPartial), not here:
 * the final SHA-256 catches bad data anyway, and a second hash per byte would cost a fifth of the speed.
 * Throws SizeMismatchError for bytes beyond the announced size, DiskFullError when the disk fills,
 * TransferInterruptedError when the data stops early.
 */
export async function writeIncoming(w: IncomingWrite): Promise<void> {
  let position = w.offset
  for await (const piece of w.data) {
    const bufs = piece instanceof Uint8Array ? [piece] : [...piece]
    if (position + piece.byteLength > w.size) {
      throw new SizeMismatchError(`the sender sent more than the ${w.size} bytes it announced`)
    }
    await w.file.write(bufs, position)
    for (const buf of bufs) {
      w.hash.update(buf)
    }
    position += piece.byteLength
    w.onBytes?.(position)
  }
  if (position < w.size) {
    throw new TransferInterruptedError(`the sender stopped after ${position} of ${w.size} bytes`)
  }
}

/** Disk full (or over quota) becomes DiskFullError with a message a user understands; others pass through. */
export function asDiskError(err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException)?.code
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new DiskFullError('the download disk is full')
  }
  return err
}
