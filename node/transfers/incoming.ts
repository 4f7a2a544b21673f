import { peerIdFromString } from '@libp2p/peer-id'
import { InvalidMessageError } from '../../protocols/common/index.ts'
import type { FileTransfer, Reply } from '../../protocols/file/index.ts'
import {
  checkChunkHashes,
  FileChangedError,
  HashMismatchError,
  type Offer,
  OfferExpiredError,
  type Response,
  TransferCancelledError,
  TransferInterruptedError,
  TransferRefusedError,
  UnknownTransferError
} from '../../protocols/file/index.ts'
import { backoffDelay } from '../backoff.ts'
import { admitOffer, DEFAULT_OFFER_LIMITS, isStale, type OfferLimits, offerLifetime } from './admission.ts'
import { describeError, type TransferBook } from './book.ts'
import type { TransferFiles } from './files.ts'
import { sanitizeFileName } from './names.ts'
import { asDiskError, writeIncoming } from './receiver.ts'
import { isFinal } from './state.ts'
import type { TransferRecord } from './store.ts'

/** How often a receiver tries to tell the sender that the file arrived intact. */
const CONFIRM_ATTEMPTS = 5

export interface DownloadsInit {
  /** largest file we take */
  maxFileSize: number
  /** first retry delay after a broken transfer; doubles up to retryMaxMs. @default 1000 */
  retryBaseMs?: number
  /** @default 30000 */
  retryMaxMs?: number
  /** whether the node knows a peer (besides those we exchanged files with), so its offers win. @default nobody */
  known?: (peerId: string) => boolean
  /** @default DEFAULT_OFFER_LIMITS */
  offerLimits?: OfferLimits
  /** where downloads are written */
  files: TransferFiles
}

/** Incoming transfers: offers, then fetching with resume, verification and moving the file into place. */
export class Downloads {
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>()
  private readonly wakeups = new Map<string, () => void>()

  constructor(
    private readonly book: TransferBook,
    private readonly service: FileTransfer,
    private readonly shutdown: AbortSignal,
    private readonly init: DownloadsInit
  ) {}

  /** A peer offers a file: keep it for the user to accept, unless it breaks our limits. */
  async onOffer(peerId: string, offer: Offer, senderName: string): Promise<Reply & { code?: string; quiet?: boolean }> {
    const existing = this.book.get(offer.id)
    if (existing != null) {
      // a repeated offer (the sender retried) is fine; an id clash with anything else is not
      return existing.direction === 'in' && existing.peerId === peerId
        ? { status: 'ok' }
        : { status: 'refused', reason: 'transfer id already in use' }
    }
    if (offer.size > this.init.maxFileSize) {
      return {
        status: 'refused',
        code: 'FILE_TOO_LARGE',
        reason: `file is larger than the recipient's limit of ${this.init.maxFileSize} bytes`
      }
    }
    const now = Date.now()
    const known = this.knownPeers()
    const limits = this.init.offerLimits ?? DEFAULT_OFFER_LIMITS
    await this.forgetStale(now, limits)
    const admission = admitOffer(this.book.records.values(), peerId, known, now, limits)
    if (!admission.admit) {
      // not shown: an error per refused offer would carry the flood to the user
      return { status: 'refused', code: 'TRANSFER_REFUSED', reason: admission.reason, quiet: true }
    }
    // both calls change the records before their first await, so a concurrent offer sees the room as taken
    const evicted = admission.evict == null ? undefined : this.book.get(admission.evict)
    const eviction =
      evicted == null
        ? undefined
        : this.book.apply(evicted, 'expire', {
            error: { code: 'OFFER_EVICTED', message: 'dropped to make room for an offer from someone you know' }
          })
    await this.book.add({
      id: offer.id,
      direction: 'in',
      peerId,
      peerName: senderName,
      name: sanitizeFileName(offer.name),
      offeredName: offer.name,
      size: offer.size,
      sha256: Buffer.from(offer.sha256).toString('hex'),
      chunkSize: offer.chunkSize,
      createdAt: now,
      expiresAt: now + offerLifetime(offer.ttlMs, known(peerId), limits),
      state: 'offered',
      bytes: 0,
      updatedAt: now
    })
    await eviction
    return { status: 'ok' }
  }

  /** Who counts as known now: peers we sent a file to or took one from, and those the node vouches for. */
  private knownPeers(): (peerId: string) => boolean {
    const exchanged = new Set<string>()
    for (const rec of this.book.records.values()) {
      if (rec.direction === 'out' || rec.dir != null) {
        exchanged.add(rec.peerId)
      }
    }
    const vouched = this.init.known ?? (() => false)
    return memoized((peerId) => exchanged.has(peerId) || vouched(peerId))
  }

  /** Forgets offers that ended unanswered and stopped counting against their senders, so records stay bounded. */
  private async forgetStale(now: number, limits: OfferLimits): Promise<void> {
    for (const rec of [...this.book.records.values()]) {
      if (isStale(rec, now, limits)) {
        await this.book.forget(rec)
      }
    }
  }

  /** The user takes the offer (or retries a failed download): check the folder, then start fetching. */
  async accept(rec: TransferRecord, dir: string): Promise<void> {
    const target = await this.init.files.prepare(dir, rec.size)
    const applied =
      rec.state === 'failed'
        ? await this.book.apply(rec, 'retry', { dir: target, error: undefined, bytes: 0 })
        : await this.book.apply(rec, 'accept', { dir: target })
    if (applied) {
      this.run(rec)
    }
  }

  /** Starts (or restarts after a restart of ours) the fetch loop of an accepted transfer. */
  run(rec: TransferRecord): void {
    if (this.running.has(rec.id)) {
      return
    }
    const controller = new AbortController()
    const done = this.loop(rec, AbortSignal.any([controller.signal, this.shutdown])).finally(() => {
      if (this.running.get(rec.id)?.controller === controller) {
        this.running.delete(rec.id)
      }
    })
    this.running.set(rec.id, { controller, done })
  }

  /** A peer connected: transfers waiting for it try again now instead of at their next retry. */
  wake(peerId: string): void {
    for (const [id, wake] of this.wakeups) {
      if (this.book.get(id)?.peerId === peerId) {
        wake()
      }
    }
  }

  /** Stops the download (if running), waits until it has let go of its files, and removes the partial file. */
  async discard(rec: TransferRecord): Promise<void> {
    const running = this.running.get(rec.id)
    running?.controller.abort()
    await running?.done
    await this.removePartial(rec)
  }

  private async loop(rec: TransferRecord, signal: AbortSignal): Promise<void> {
    let attempt = 0
    while (!signal.aborted && !isFinal(rec.state) && rec.state !== 'failed') {
      const before = rec.bytes
      try {
        await this.fetchOnce(rec, signal)
        return
      } catch (err) {
        if (signal.aborted) {
          return
        }
        const error = asDiskError(err)
        if (!(error instanceof TransferInterruptedError)) {
          await this.finishBadly(rec, error)
          return
        }
        this.book.log('download %s interrupted - %e', rec.id, error)
        await this.book.apply(rec, 'interrupt')
        attempt = rec.bytes > before ? 0 : attempt + 1
        await this.pause(
          rec,
          backoffDelay(attempt, this.init.retryBaseMs ?? 1000, this.init.retryMaxMs ?? 30_000),
          signal
        )
      }
    }
  }

  /** One fetch: verify what is on disk, ask for the rest, write and check it, then move it into place. */
  private async fetchOnce(rec: TransferRecord, signal: AbortSignal): Promise<void> {
    let hashes = await this.book.store.loadHashes(rec.id)
    const file = await this.init.files.openPartial(rec.dir ?? '.', rec.id)
    let savedAs: string
    try {
      const { offset, hash } = await file.resume(hashes, rec.size, rec.chunkSize, signal)
      rec.bytes = offset
      const download = await this.service.fetch(
        peerIdFromString(rec.peerId),
        { id: rec.id, offset, wantHashes: hashes == null },
        { signal }
      )
      try {
        if (download.response.status !== 'ok') {
          throw responseError(download.response, rec)
        }
        if (hashes == null) {
          hashes = checkChunkHashes(download.response.chunkHashes, rec)
          await this.book.store.saveHashes(rec.id, hashes)
        }
        await this.book.apply(rec, 'start')
        this.book.progress(rec, offset, 'receiving')
        await writeIncoming({
          file,
          offset,
          size: rec.size,
          hash,
          data: download.data,
          onBytes: (bytes) => this.book.progress(rec, bytes, 'receiving')
        })
      } catch (err) {
        download.abort(err instanceof Error ? err : new Error(String(err)))
        throw err
      }
      const digest = Buffer.from(hash.digest()).toString('hex')
      if (digest !== rec.sha256) {
        throw new HashMismatchError(`${rec.name} does not match the SHA-256 it was offered with; it was deleted`)
      }
      savedAs = await file.finish(rec.name)
    } finally {
      await file.close()
    }
    await this.book.store.removeHashes(rec.id)
    await this.book.apply(rec, 'complete', { savedAs, bytes: rec.size })
    void this.confirm(rec)
  }

  /** Tells the sender the file arrived intact, so it can report `done` too; a few tries, then it is its loss. */
  private async confirm(rec: TransferRecord): Promise<void> {
    for (let attempt = 0; attempt < CONFIRM_ATTEMPTS && !this.shutdown.aborted; attempt++) {
      try {
        await this.service.request(peerIdFromString(rec.peerId), { kind: 'complete', id: rec.id, reason: rec.sha256 })
        return
      } catch (err) {
        this.book.log('could not confirm %s to the sender - %e', rec.id, err)
        await this.pause(rec, backoffDelay(attempt, this.init.retryBaseMs ?? 1000), this.shutdown)
      }
    }
  }

  /** A fatal error: nothing half-written stays behind; cancelled or expired ones get that state, others fail. */
  private async finishBadly(rec: TransferRecord, err: unknown): Promise<void> {
    await this.removePartial(rec)
    if (err instanceof TransferCancelledError) {
      await this.book.apply(rec, 'cancel', { error: describeError(err) })
    } else {
      await this.book.fail(rec, err)
    }
  }

  private async removePartial(rec: TransferRecord): Promise<void> {
    if (rec.dir == null) {
      return
    }
    await this.init.files.removePartial(rec.dir, rec.id)
    await this.book.store.removeHashes(rec.id).catch(() => {})
  }

  private pause(rec: TransferRecord, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((done) => {
      const finish = (): void => {
        clearTimeout(timer)
        this.wakeups.delete(rec.id)
        signal.removeEventListener('abort', finish)
        done()
      }
      const timer = setTimeout(finish, ms)
      this.wakeups.set(rec.id, finish)
      signal.addEventListener('abort', finish, { once: true })
    })
  }
}

/** The error a non-ok answer to a FETCH stands for. */
function responseError(res: Response, rec: TransferRecord): Error {
  const why = res.reason ? `: ${res.reason}` : ''
  switch (res.status) {
    case 'cancelled':
      return new TransferCancelledError(`the sender cancelled ${rec.name}`)
    case 'expired':
      return new OfferExpiredError(`the offer of ${rec.name} expired`)
    case 'unknown':
      return new UnknownTransferError(`the sender no longer has ${rec.name}`)
    case 'failed':
      return new FileChangedError(`the sender cannot send ${rec.name} any more${why}`)
    case 'invalid':
      return new InvalidMessageError(`the sender rejected our request${why}`)
    default:
      return new TransferRefusedError(`the sender refused${why}`)
  }
}

/** `fn` asked at most once per peer: admission asks about every record's sender. */
function memoized(fn: (peerId: string) => boolean): (peerId: string) => boolean {
  const answers = new Map<string, boolean>()
  return (peerId) => {
    let answer = answers.get(peerId)
    if (answer == null) {
      answer = fn(peerId)
      answers.set(peerId, answer)
    }
    return answer
  }
}
