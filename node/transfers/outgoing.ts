import type { AbortOptions } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { abortableDelay } from '../../protocols/common/index.ts'
import type { FetchReply, FileTransfer, Reply, Response } from '../../protocols/file/index.ts'
import {
  chooseChunkSize,
  FileChangedError,
  TransferInterruptedError,
  TransferRefusedError
} from '../../protocols/file/index.ts'
import type { TransferBook } from './book.ts'
import type { SendableFile, TransferFiles } from './files.ts'
import { pacingDelay } from './rate.ts'
import { isExpired, isValidOffset } from './state.ts'
import type { TransferRecord } from './store.ts'

export interface UploadsInit {
  /** how long an offer waits for an answer */
  offerTtlMs: number
  /** our display name, carried in offers */
  selfName: string
  /** upload cap per transfer in bytes per second; 0 or undefined for none */
  maxUploadRate?: number
  /** where files are read */
  files: TransferFiles
}

/** Outgoing transfers: hashing and offering a file, then serving its bytes to every fetch until it is confirmed. */
export class Uploads {
  private readonly running = new Map<string, AbortController>()
  /** offers still hashing or waiting for their answer, by transfer id; each settles without throwing */
  private readonly offering = new Map<string, Promise<void>>()

  constructor(
    private readonly book: TransferBook,
    private readonly service: FileTransfer,
    private readonly shutdown: AbortSignal,
    private readonly init: UploadsInit
  ) {}

  /** Checks that `path` can be sent; throws FileNotReadableError before anything is recorded. */
  check(path: string): Promise<SendableFile> {
    return this.init.files.inspect(path)
  }

  /** Hashes the file and offers it; the record reports how it went (failures become its state, not a throw). */
  async offer(
    peerId: string,
    peerName: string,
    file: SendableFile,
    options: AbortOptions = {}
  ): Promise<TransferRecord> {
    const rec = outgoingRecord(peerId, peerName, file, this.init.offerTtlMs, Date.now())
    await this.book.add(rec)
    const settled = this.offerAndRecord(rec, file.path, options)
    this.offering.set(rec.id, settled)
    try {
      await settled
    } finally {
      this.offering.delete(rec.id)
    }
    return rec
  }

  /** Runs the offer and records its outcome; never throws. */
  private async offerAndRecord(rec: TransferRecord, path: string, options: AbortOptions): Promise<void> {
    const controller = new AbortController()
    this.running.set(rec.id, controller)
    const signal = AbortSignal.any([controller.signal, this.shutdown, ...(options.signal ? [options.signal] : [])])
    try {
      await this.hashAndOffer(rec, path, signal)
    } catch (err) {
      if (!controller.signal.aborted && !this.shutdown.aborted) {
        await this.book.fail(rec, err)
      }
    } finally {
      // a fetch may already have put its own controller here: removing that would leave its send unstoppable
      if (this.running.get(rec.id) === controller) {
        this.running.delete(rec.id)
      }
    }
  }

  /** Hashes the file into `rec` and its chunk hashes, sends the offer, and records it once the peer has it. */
  private async hashAndOffer(rec: TransferRecord, path: string, signal: AbortSignal): Promise<void> {
    const digest = await this.init.files.hash(path, rec.size, rec.chunkSize, {
      signal,
      onProgress: (bytes) => this.book.progress(rec, bytes, 'hashing')
    })
    rec.sha256 = Buffer.from(digest.sha256).toString('hex')
    await this.book.store.saveHashes(rec.id, digest.chunkHashes)
    const response = await this.service.request(
      peerIdFromString(rec.peerId),
      {
        kind: 'offer',
        offer: {
          id: rec.id,
          name: rec.name,
          size: rec.size,
          sha256: digest.sha256,
          chunkSize: rec.chunkSize,
          senderName: this.init.selfName,
          ttlMs: this.init.offerTtlMs
        }
      },
      { signal }
    )
    if (response.status !== 'ok') {
      throw refused(response)
    }
    // the lifetime counts from when the peer has the offer
    await this.book.apply(rec, 'offer', { expiresAt: Date.now() + this.init.offerTtlMs })
  }

  /** The recipient wants bytes: serve them if the transfer is ours, theirs and still alive. */
  async onFetch(peerId: string, req: { id: string; offset: number; wantHashes: boolean }): Promise<FetchReply> {
    // the recipient may accept before the answer to our offer is back and recorded: wait for that first
    await this.offering.get(req.id)
    const rec = this.book.get(req.id)
    if (rec == null || rec.direction !== 'out' || rec.peerId !== peerId || rec.state === 'preparing') {
      return { status: 'unknown', reason: 'no such transfer' }
    }
    if (isExpired(rec.state, rec.expiresAt, Date.now())) {
      await this.book.apply(rec, 'expire')
    }
    switch (rec.state) {
      case 'cancelled':
        return { status: 'cancelled' }
      case 'declined':
        return { status: 'refused', reason: 'declined' }
      case 'expired':
        return { status: 'expired' }
      case 'failed':
        return { status: 'failed', reason: rec.error?.message ?? 'failed' }
      case 'done':
        return { status: 'unknown', reason: 'already complete' }
    }
    if (!isValidOffset(req.offset, rec.size, rec.chunkSize)) {
      return { status: 'invalid', reason: 'offset is not a chunk boundary within the file' }
    }
    const hashes = await this.book.store.loadHashes(rec.id)
    if (hashes == null || rec.path == null) {
      return { status: 'failed', reason: 'the sender lost its record of the file' }
    }
    // a new fetch replaces a stale one (the recipient reconnected before we noticed the old stream died)
    this.running.get(rec.id)?.abort()
    const controller = new AbortController()
    this.running.set(rec.id, controller)
    await this.book.apply(rec, 'start')
    return {
      status: 'ok',
      ...(req.wantHashes ? { chunkHashes: hashes } : {}),
      source: this.serve(rec, rec.path, req.offset, controller),
      signal: AbortSignal.any([controller.signal, this.shutdown])
    }
  }

  private async *serve(
    rec: TransferRecord,
    path: string,
    offset: number,
    controller: AbortController
  ): AsyncGenerator<Uint8Array> {
    let position = offset
    const startedAt = Date.now()
    try {
      this.book.progress(rec, position, 'sending')
      const blocks = this.init.files.read({
        path,
        offset,
        size: rec.size,
        mtimeMs: rec.mtimeMs,
        onBytes: (bytes) => {
          position = bytes
          this.book.progress(rec, bytes, 'sending')
        }
      })
      for await (const block of blocks) {
        const wait = pacingDelay(position - offset, Date.now() - startedAt, this.init.maxUploadRate ?? 0)
        if (wait > 0) {
          await abortableDelay(wait, controller.signal)
        }
        yield block
      }
    } catch (err) {
      if (err instanceof FileChangedError) {
        await this.book.fail(rec, err)
      }
      throw err
    } finally {
      if (this.running.get(rec.id) === controller) {
        this.running.delete(rec.id)
        // the stream broke (or we stopped) before the end: the recipient will fetch the rest later
        if (position < rec.size && rec.state === 'transferring') {
          await this.book.apply(rec, 'interrupt')
        }
      }
    }
  }

  /** The recipient has the file and its hash matched. */
  async onComplete(peerId: string, id: string, sha256: string): Promise<Reply> {
    const rec = this.book.get(id)
    if (rec == null || rec.direction !== 'out' || rec.peerId !== peerId) {
      return { status: 'unknown' }
    }
    if (sha256 !== rec.sha256) {
      return { status: 'invalid', reason: 'that is not the hash we offered' }
    }
    await this.book.apply(rec, 'complete', { bytes: rec.size })
    return { status: 'ok' }
  }

  /** The recipient said no. */
  async onDecline(peerId: string, id: string, reason: string): Promise<Reply> {
    const rec = this.book.get(id)
    if (rec == null || rec.direction !== 'out' || rec.peerId !== peerId) {
      return { status: 'unknown' }
    }
    await this.book.apply(rec, 'decline', reason ? { error: { code: 'DECLINED', message: reason } } : {})
    return { status: 'ok' }
  }

  /**
   * The recipient's last connection closed: what we were sending it is interrupted now. Waiting for its stream to
   * say so is not enough: a stream of a connection that died can stay silent, and the send would never end.
   */
  async peerGone(peerId: string): Promise<void> {
    for (const [id, controller] of [...this.running]) {
      const rec = this.book.get(id)
      if (rec == null || rec.direction !== 'out' || rec.peerId !== peerId || rec.state !== 'transferring') {
        continue
      }
      this.running.delete(id)
      controller.abort(new TransferInterruptedError('the recipient disconnected'))
      if (rec.bytes < rec.size) {
        await this.book.apply(rec, 'interrupt')
      }
    }
  }

  /** Stops hashing or sending. */
  stop(rec: TransferRecord): void {
    this.running.get(rec.id)?.abort()
    this.running.delete(rec.id)
  }
}

function refused(res: Response): Error {
  return new TransferRefusedError(`the recipient refused the offer${res.reason ? `: ${res.reason}` : ''}`)
}

/** A new outgoing transfer, still preparing: its hash is filled in once the file has been read. */
function outgoingRecord(
  peerId: string,
  peerName: string,
  file: SendableFile,
  offerTtlMs: number,
  now: number
): TransferRecord {
  return {
    id: Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex'),
    direction: 'out',
    peerId,
    peerName,
    name: file.name,
    size: file.size,
    sha256: '',
    chunkSize: chooseChunkSize(file.size),
    createdAt: now,
    expiresAt: now + offerTtlMs,
    state: 'preparing',
    bytes: 0,
    path: file.path,
    mtimeMs: file.mtimeMs,
    updatedAt: now
  }
}
