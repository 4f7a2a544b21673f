import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { defaultLogger } from '@libp2p/logger'
import { describe, expect, it } from 'vitest'
import { TransferBook } from '../../../node/transfers/book.ts'
import { Uploads } from '../../../node/transfers/outgoing.ts'
import { MemoryTransferStore, type TransferRecord } from '../../../node/transfers/store.ts'
import type { FileTransfer } from '../../../protocols/file/index.ts'
import { tempDirs } from '../../support/temp-dirs.ts'

const tempDir = tempDirs('uploads')

const MiB = 1024 * 1024

async function uploading(): Promise<{
  uploads: Uploads
  rec: TransferRecord
  signal: AbortSignal
  book: TransferBook
}> {
  const dir = tempDir()
  const path = join(dir, 'big.bin')
  writeFileSync(path, new Uint8Array(4 * MiB))
  const book = new TransferBook(
    new MemoryTransferStore(),
    { onlineName: () => undefined },
    defaultLogger().forComponent('test')
  )
  const now = Date.now()
  const rec: TransferRecord = {
    id: '0123456789abcdef0123456789abcdef',
    direction: 'out',
    peerId: 'bob',
    peerName: 'bob',
    name: 'big.bin',
    size: 4 * MiB,
    sha256: '00'.repeat(32),
    chunkSize: MiB,
    createdAt: now,
    expiresAt: now + 3_600_000,
    state: 'waiting',
    bytes: 0,
    path,
    mtimeMs: statSync(path).mtimeMs,
    updatedAt: now
  }
  book.records.set(rec.id, rec)
  await book.store.saveHashes(rec.id, new Uint8Array(4 * 32))
  const uploads = new Uploads(book, {} as FileTransfer, new AbortController().signal, {
    offerTtlMs: 3_600_000,
    selfName: 'alice'
  })
  const reply = await uploads.onFetch('bob', { id: rec.id, offset: 0, wantHashes: false })
  if (reply.status !== 'ok') throw new Error(`fetch refused: ${reply.status}`)
  // the stream takes one block and then goes silent, as one whose connection died without a close event
  await reply.source[Symbol.asyncIterator]().next()
  return { uploads, rec, signal: reply.signal, book }
}

describe('uploads', () => {
  it('a recipient that disconnects interrupts the send at once, even when its stream never reports closing', async () => {
    const { uploads, rec, signal } = await uploading()
    expect(rec.state).toBe('transferring')
    await uploads.peerGone('carol')
    expect(rec.state).toBe('transferring')
    await uploads.peerGone('bob')
    expect(rec.state).toBe('waiting')
    expect(signal.aborted).toBe(true)
  })
})
