import { open } from 'node:fs/promises'
import { FileChangedError, READ_BLOCK_BYTES } from '../../protocols/file/index.ts'

export interface OutgoingRead {
  path: string
  offset: number
  size: number
  /** the file's modification time when it was offered */
  mtimeMs?: number
  /** after each block is handed on: bytes sent so far */
  onBytes?: (bytes: number) => void
}

/**
 * Reads a file from `offset` on in blocks for sending. The file must still have the size and modification
 * time it had when offered, checked before the first and after the last block: an edited file stops with
 * FileChangedError (the recipient's final SHA-256 check would reject it anyway, but later and less clearly).
 */
export async function* readForSending(r: OutgoingRead): AsyncGenerator<Uint8Array> {
  let fh: Awaited<ReturnType<typeof open>>
  try {
    fh = await open(r.path, 'r')
  } catch (err) {
    throw new FileChangedError(`cannot read ${r.path} any more: ${(err as Error).message}`)
  }
  try {
    const unchanged = async (): Promise<void> => {
      const s = await fh.stat()
      if (s.size !== r.size || (r.mtimeMs != null && s.mtimeMs !== r.mtimeMs)) {
        throw new FileChangedError(`${r.path} changed since it was offered`)
      }
    }
    await unchanged()
    let position = r.offset
    while (position < r.size) {
      const want = Math.min(READ_BLOCK_BYTES, r.size - position)
      // a fresh buffer per block: the stream keeps a reference until the bytes are encrypted and sent
      const block = Buffer.allocUnsafe(want)
      let got = 0
      while (got < want) {
        const { bytesRead } = await fh.read(block, got, want - got, position + got)
        if (bytesRead === 0) {
          throw new FileChangedError(`${r.path} got shorter since it was offered`)
        }
        got += bytesRead
      }
      if (position + want === r.size) {
        await unchanged()
      }
      yield block
      position += want
      r.onBytes?.(position)
    }
  } finally {
    await fh.close()
  }
}
