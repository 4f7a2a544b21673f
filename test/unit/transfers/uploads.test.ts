import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { TransferBook } from '../../../node/transfers/book.ts'
import { diskTransferFiles } from '../../../node/transfers/disk-transfer-files.ts'
import { Uploads } from '../../../node/transfers/outgoing.ts'
import { MemoryTransferStore, type TransferRecord } from '../../../node/transfers/store.ts'
import type { FileTransfer, Response } from '../../../protocols/file/index.ts'
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
    selfName: 'alice',
    files: diskTransferFiles
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

/** A recipient: offers go to real peer ids. */
const BOB = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()

/** A store whose save of an `offered` record waits until `release` is called: a slow disk at that moment. */
class SlowOfferStore extends MemoryTransferStore {
  private readonly gate = Promise.withResolvers<void>()
  readonly reached = Promise.withResolvers<void>()

  override async save(record: TransferRecord): Promise<void> {
    if (record.state === 'offered') {
      this.reached.resolve()
      await this.gate.promise
    }
    await super.save(record)
  }

  release(): void {
    this.gate.resolve()
  }
}

/** Uploads of a 4 MiB file to bob whose offer answer comes when `answer` is called. */
function offering(store: MemoryTransferStore): {
  uploads: Uploads
  book: TransferBook
  path: string
  asked: Promise<void>
  answer: () => void
} {
  const dir = tempDir()
  const path = join(dir, 'big.bin')
  writeFileSync(path, new Uint8Array(4 * MiB))
  const book = new TransferBook(store, { onlineName: () => undefined }, defaultLogger().forComponent('test'))
  const asked = Promise.withResolvers<void>()
  const answered = Promise.withResolvers<void>()
  const service = {
    request: async (): Promise<Response> => {
      asked.resolve()
      await answered.promise
      return { status: 'ok', reason: '', chunkHashes: new Uint8Array() }
    }
  }
  // only request() is used while offering
  const uploads = new Uploads(
    book,
    service as Pick<FileTransfer, 'request'> as FileTransfer,
    new AbortController().signal,
    {
      offerTtlMs: 3_600_000,
      selfName: 'alice',
      files: diskTransferFiles
    }
  )
  return { uploads, book, path, asked: asked.promise, answer: () => answered.resolve() }
}

describe('uploads while the offer is still being answered', () => {
  it('serve a fetch that arrives before the answer to the offer is back', async () => {
    const { uploads, book, path, asked, answer } = offering(new MemoryTransferStore())
    const offered = uploads.offer(BOB, 'bob', await uploads.check(path))
    await asked
    // the recipient has the offer and accepts at once; its fetch overtakes the answer on its way back
    const [id] = book.records.keys()
    const fetched = uploads.onFetch(BOB, { id, offset: 0, wantHashes: true })
    answer()
    const rec = await offered
    const reply = await fetched
    expect(reply.status).toBe('ok')
    expect(rec.state).toBe('transferring')
  })

  it('a recipient that disconnects interrupts a send whose fetch came while the offer was being recorded', async () => {
    const store = new SlowOfferStore()
    const { uploads, path, answer } = offering(store)
    answer()
    const offered = uploads.offer(BOB, 'bob', await uploads.check(path))
    await store.reached.promise
    const rec = [...(await store.loadAll())][0]
    const fetched = uploads.onFetch(BOB, { id: rec.id, offset: 0, wantHashes: false })
    store.release()
    await offered
    const reply = await fetched
    if (reply.status !== 'ok') throw new Error(`fetch refused: ${reply.status}`)
    await reply.source[Symbol.asyncIterator]().next()
    const live = await offered
    expect(live.state).toBe('transferring')
    await uploads.peerGone(BOB)
    expect(live.state).toBe('waiting')
    expect(reply.signal.aborted).toBe(true)
  })
})
