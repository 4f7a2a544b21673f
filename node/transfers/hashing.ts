import { createHash, type Hash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { chunkCount, chunkLength } from '../../protocols/file/index.ts'
import { verifiedPrefix, wholeChunks } from './state.ts'

/** Disk reads while hashing: large enough for full disk speed, small enough to keep memory flat. */
const HASH_BLOCK_BYTES = 1024 * 1024

export interface FileDigest {
  sha256: Uint8Array
  /** SHA-256 of every chunk, concatenated */
  chunkHashes: Uint8Array
}

/**
 * Hashes a file in one pass: the whole-file SHA-256 and one SHA-256 per chunk. Memory stays at one block
 * whatever the size; `onProgress` gets the bytes hashed so far.
 */
export async function hashFile(
  path: string,
  size: number,
  chunkSize: number,
  options: { signal?: AbortSignal; onProgress?: (bytes: number) => void } = {}
): Promise<FileDigest> {
  const whole = createHash('sha256')
  const chunks = Buffer.alloc(chunkCount(size, chunkSize) * 32)
  const fh = await open(path, 'r')
  try {
    const block = Buffer.alloc(HASH_BLOCK_BYTES)
    for (let index = 0; index < chunkCount(size, chunkSize); index++) {
      const chunk = createHash('sha256')
      let left = chunkLength(index, size, chunkSize)
      let position = index * chunkSize
      while (left > 0) {
        options.signal?.throwIfAborted()
        const { bytesRead } = await fh.read(block, 0, Math.min(block.byteLength, left), position)
        if (bytesRead === 0) {
          throw new Error('file shrank while it was being hashed')
        }
        const data = block.subarray(0, bytesRead)
        whole.update(data)
        chunk.update(data)
        left -= bytesRead
        position += bytesRead
        options.onProgress?.(position)
      }
      chunk.digest().copy(chunks, index * 32)
    }
  } finally {
    await fh.close()
  }
  return { sha256: whole.digest(), chunkHashes: chunks }
}

export interface PartialScan {
  /** leading chunks on disk that match their announced hashes */
  verifiedChunks: number
  /** the whole-file hash fed with exactly those chunks, ready to continue */
  hash: Hash
}

/**
 * Checks a partial download against the announced chunk hashes, chunk by chunk from the start, stopping
 * at the first chunk that is missing, short or different: everything before it need not be sent again.
 */
export async function scanPartial(
  path: string,
  partLength: number,
  expected: Uint8Array,
  size: number,
  chunkSize: number,
  signal?: AbortSignal
): Promise<PartialScan> {
  let hash = createHash('sha256')
  const candidates = wholeChunks(partLength, size, chunkSize)
  if (candidates === 0) {
    return { verifiedChunks: 0, hash }
  }
  const fh = await open(path, 'r')
  try {
    const block = Buffer.alloc(HASH_BLOCK_BYTES)
    let verified = 0
    for (; verified < candidates; verified++) {
      // the whole-file hash as it was before this chunk, to fall back to if the chunk is bad
      const before = hash.copy()
      const chunk = createHash('sha256')
      let left = chunkLength(verified, size, chunkSize)
      let position = verified * chunkSize
      while (left > 0) {
        signal?.throwIfAborted()
        const { bytesRead } = await fh.read(block, 0, Math.min(block.byteLength, left), position)
        if (bytesRead === 0) {
          break
        }
        chunk.update(block.subarray(0, bytesRead))
        hash.update(block.subarray(0, bytesRead))
        left -= bytesRead
        position += bytesRead
      }
      if (left > 0 || verifiedPrefix(expected.subarray(verified * 32), [chunk.digest()]) !== 1) {
        hash = before
        break
      }
    }
    return { verifiedChunks: verified, hash }
  } finally {
    await fh.close()
  }
}
