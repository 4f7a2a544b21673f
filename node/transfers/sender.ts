import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { chunkLength } from '../../protocols/file/chunks.ts'
import { HASH_BYTES, READ_BLOCK_BYTES } from '../../protocols/file/constants.ts'
import { FileChangedError } from '../../protocols/file/errors.ts'
import { verifiedPrefix } from './state.ts'

export interface OutgoingRead {
  path: string
  offset: number
  size: number
  chunkSize: number
  chunkHashes: Uint8Array
  /** after each block is handed on: bytes sent so far */
  onBytes?: (bytes: number) => void
}

/**
 * Reads a file from `offset` on in blocks for sending, re-hashing every chunk against the hashes taken
 * when it was offered. A chunk that changed is never completed: the read stops with FileChangedError
 * before its last block leaves, so the recipient never verifies changed data.
 */
export async function* readForSending(r: OutgoingRead): AsyncGenerator<Uint8Array> {
  let fh: Awaited<ReturnType<typeof open>>
  try {
    fh = await open(r.path, 'r')
  } catch (err) {
    throw new FileChangedError(`cannot read ${r.path} any more: ${(err as Error).message}`)
  }
  try {
    if ((await fh.stat()).size !== r.size) {
      throw new FileChangedError(`${r.path} changed size since it was offered`)
    }
    let position = r.offset
    let index = Math.floor(r.offset / r.chunkSize)
    let inChunk = 0
    let chunk = createHash('sha256')
    while (position < r.size) {
      const length = chunkLength(index, r.size, r.chunkSize)
      // blocks never straddle chunks, so a chunk is checked before its last block is sent
      const want = Math.min(READ_BLOCK_BYTES, length - inChunk)
      const block = Buffer.allocUnsafe(want)
      let got = 0
      while (got < want) {
        const { bytesRead } = await fh.read(block, got, want - got, position + got)
        if (bytesRead === 0) {
          throw new FileChangedError(`${r.path} got shorter since it was offered`)
        }
        got += bytesRead
      }
      chunk.update(block)
      inChunk += want
      if (inChunk === length) {
        if (verifiedPrefix(r.chunkHashes.subarray(index * HASH_BYTES), [chunk.digest()]) !== 1) {
          throw new FileChangedError(`${r.path} changed since it was offered`)
        }
        index++
        inChunk = 0
        chunk = createHash('sha256')
      }
      yield block
      position += want
      r.onBytes?.(position)
    }
  } finally {
    await fh.close()
  }
}
