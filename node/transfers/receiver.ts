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
 * Bytes gathered from the stream before one write: a stream yields pieces of at most a Noise message (64 KiB), and
 * a write (a thread-pool round trip) per piece cost the receiver more than the write itself.
 */
export const WRITE_BATCH_BYTES = 1024 * 1024

/**
 * Writes a download's bytes to disk as they arrive, feeding the whole-file hash. Pieces are gathered into writes of
 * up to WRITE_BATCH_BYTES, and each write is awaited before more is read, so a slow disk slows the sender (the reader
 * pauses the stream) instead of filling memory; the hash is fed while the write is under way. Chunks are checked
 * against their hashes when a download resumes (scanPartial), not here: the final SHA-256 catches bad data anyway,
 * and a second hash per byte would cost a fifth of the speed. Throws SizeMismatchError for bytes beyond the
 * announced size, DiskFullError when the disk fills, TransferInterruptedError when the data stops early.
 */
export async function writeIncoming(w: IncomingWrite): Promise<void> {
  let position = w.offset
  let batch: Uint8Array[] = []
  let batched = 0
  const flush = async (): Promise<void> => {
    const writing = w.file.write(batch, position)
    for (const buf of batch) {
      w.hash.update(buf)
    }
    await writing
    position += batched
    batch = []
    batched = 0
    w.onBytes?.(position)
  }
  for await (const piece of w.data) {
    if (position + batched + piece.byteLength > w.size) {
      throw new SizeMismatchError(`the sender sent more than the ${w.size} bytes it announced`)
    }
    if (piece instanceof Uint8Array) {
      batch.push(piece)
    } else {
      batch.push(...piece)
    }
    batched += piece.byteLength
    if (batched >= WRITE_BATCH_BYTES) {
      await flush()
    }
  }
  if (batched > 0) {
    await flush()
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
