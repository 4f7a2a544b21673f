import { MAX_CHUNK_SIZE, MAX_CHUNKS, MIN_CHUNK_SIZE } from './constants.ts'

/** The chunk size for a file: MIN_CHUNK_SIZE, doubled until the file has at most MAX_CHUNKS chunks. */
export function chooseChunkSize(size: number): number {
  let chunkSize = MIN_CHUNK_SIZE
  while (chunkSize < MAX_CHUNK_SIZE && Math.ceil(size / chunkSize) > MAX_CHUNKS) {
    chunkSize *= 2
  }
  return chunkSize
}

/** Number of chunks of a file (0 for an empty file). */
export function chunkCount(size: number, chunkSize: number): number {
  return Math.ceil(size / chunkSize)
}

/** Length of chunk `index`: chunkSize, except for a shorter last one. */
export function chunkLength(index: number, size: number, chunkSize: number): number {
  return Math.max(0, Math.min(chunkSize, size - index * chunkSize))
}

/** True when `chunkSize` is a power of two within the protocol's bounds and gives at most MAX_CHUNKS chunks. */
export function isValidChunkSize(chunkSize: number, size: number): boolean {
  return (
    Number.isInteger(chunkSize) &&
    chunkSize >= MIN_CHUNK_SIZE &&
    chunkSize <= MAX_CHUNK_SIZE &&
    (chunkSize & (chunkSize - 1)) === 0 &&
    chunkCount(size, chunkSize) <= MAX_CHUNKS
  )
}
