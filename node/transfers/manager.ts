import { homedir } from 'node:os'
import { join } from 'node:path'
import type { AbortOptions, Libp2pEvents, Logger, PeerId, TypedEventTarget } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { FileRequestHandler, FileTransfer, Reply } from '../../protocols/file/index.ts'
import {
  DEFAULT_OFFER_TTL_MS,
  InvalidTransferStateError,
  MAX_OFFER_TTL_MS,
  MIN_OFFER_TTL_MS,
  OfferExpiredError,
  TransferInterruptedError
} from '../../protocols/file/index.ts'
import { type PeerLookup, TransferBook, type TransferInfo } from './book.ts'
import { diskTransferFiles } from './disk-transfer-files.ts'
import type { TransferFiles } from './files.ts'
import { resolveId } from './ids.ts'
import { Downloads } from './incoming.ts'
import { sanitizeFileName } from './names.ts'
import { Uploads } from './outgoing.ts'
import { isExpired, isFinal, nextState } from './state.ts'
import { MemoryTransferStore, type TransferRecord, TransferStore } from './store.ts'

/** Largest file we accept unless told otherwise: 100 GiB, far past any chat attachment yet a bound. */
export const DEFAULT_MAX_FILE_SIZE = 100 * 1024 ** 3

/** Finished transfers are forgotten after this long (7 days), so the list and the state folder stay short. */
export const FORGET_AFTER_MS = 7 * 24 * 60 * 60 * 1000

/** Where accepted files go unless the user names a folder: ~/Downloads. */
export function defaultDownloadDir(): string {
  return join(homedir(), 'Downloads')
}

export interface TransferManagerInit {
  /** where transfer state lives (`<dataDir>/transfers`); without one (an ephemeral session) it stays in memory */
  dataDir?: string
  /** our display name */
  selfName: string
  /** @default defaultDownloadDir() */
  downloadDir?: string
  /** @default DEFAULT_MAX_FILE_SIZE */
  maxFileSize?: number
  /** @default DEFAULT_OFFER_TTL_MS */
  offerTtlMs?: number
  /** first retry delay after a broken transfer. @default 1000 */
  retryBaseMs?: number
  /** cap on each upload, bytes per second. @default no cap */
  maxUploadRate?: number
  /** where files are read and written. @default diskTransferFiles */
  files?: TransferFiles
}

export interface TransferManagerDeps {
  service: FileTransfer
  /** libp2p events: a peer connecting wakes transfers waiting for it */
  events: TypedEventTarget<Libp2pEvents>
  peers: PeerLookup
  log: Logger
}

/** File transfers of one node: the commands, the answers to peers, expiry, and resuming after restarts. */
export class TransferManager {
  readonly book: TransferBook
  readonly downloadDir: string
  private readonly service: FileTransfer
  private readonly events: TypedEventTarget<Libp2pEvents>
  private readonly downloads: Downloads
  private readonly uploads: Uploads
  private readonly shutdown = new AbortController()
  private readonly expiryTimers = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly offerTtlMs: number

  constructor(init: TransferManagerInit, deps: TransferManagerDeps) {
    this.book = new TransferBook(
      init.dataDir == null ? new MemoryTransferStore() : new TransferStore(init.dataDir),
      deps.peers,
      deps.log
    )
    this.service = deps.service
    this.events = deps.events
    this.downloadDir = init.downloadDir ?? defaultDownloadDir()
    // receivers give an offer at least MIN_OFFER_TTL_MS: asking for less would only make our two clocks disagree
    this.offerTtlMs = Math.min(Math.max(init.offerTtlMs ?? DEFAULT_OFFER_TTL_MS, MIN_OFFER_TTL_MS), MAX_OFFER_TTL_MS)
    const files = init.files ?? diskTransferFiles
    this.downloads = new Downloads(this.book, this.service, this.shutdown.signal, {
      files,
      maxFileSize: init.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
      retryBaseMs: init.retryBaseMs,
      known: (peerId) => deps.peers.isKnown?.(peerId) ?? false
    })
    this.uploads = new Uploads(this.book, this.service, this.shutdown.signal, {
      offerTtlMs: this.offerTtlMs,
      selfName: init.selfName,
      maxUploadRate: init.maxUploadRate,
      files
    })
    this.onConnect = this.onConnect.bind(this)
    this.onDisconnect = this.onDisconnect.bind(this)
    this.book.addEventListener('transfer', (evt) => this.scheduleExpiry(evt.detail))
  }

  /** Loads saved transfers; call before the node starts so no request finds us without them. */
  async load(): Promise<void> {
    await this.book.store.open()
    const now = Date.now()
    const records = await this.book.store.loadAll((file, err) => this.book.log('skipping damaged %s - %e', file, err))
    for (const rec of records) {
      if (isFinal(rec.state) && now - rec.updatedAt > FORGET_AFTER_MS) {
        await this.book.store
          .remove(rec.id)
          .catch((err: unknown) => this.book.log('could not forget %s - %e', rec.id, err))
        continue
      }
      this.book.records.set(rec.id, rec)
    }
    this.service.setHandler(this.handler())
  }

  /** Resumes what was moving when we stopped, and expires what ran out meanwhile. */
  async start(): Promise<void> {
    this.events.addEventListener('peer:connect', this.onConnect)
    this.events.addEventListener('peer:disconnect', this.onDisconnect)
    for (const rec of this.book.records.values()) {
      if (rec.state === 'preparing') {
        await this.book.fail(rec, new TransferInterruptedError('stopped while preparing the offer'))
      } else if (rec.state === 'transferring') {
        await this.book.apply(rec, 'interrupt')
      }
      if (rec.direction === 'in' && rec.state === 'waiting') {
        this.downloads.run(rec)
      }
      this.scheduleExpiry(this.book.info(rec))
    }
  }

  stop(): void {
    this.shutdown.abort()
    this.events.removeEventListener('peer:connect', this.onConnect)
    this.events.removeEventListener('peer:disconnect', this.onDisconnect)
    for (const timer of this.expiryTimers.values()) {
      clearTimeout(timer)
    }
    this.expiryTimers.clear()
  }

  /** Every transfer we know, newest first. */
  list(): TransferInfo[] {
    return [...this.book.records.values()].sort((a, b) => b.createdAt - a.createdAt).map((r) => this.book.info(r))
  }

  /** The transfer an id prefix stands for. */
  find(prefix: string): TransferRecord {
    return this.book.records.get(resolveId(prefix, this.book.records.keys()))!
  }

  /** Offers a file to a peer. Throws only if the file cannot be read; later failures show in the transfer's state. */
  async send(peerId: string, peerName: string, path: string, options: AbortOptions = {}): Promise<TransferInfo> {
    const file = await this.uploads.check(path)
    return this.book.info(await this.uploads.offer(peerId, peerName, file, options))
  }

  /** Accepts an offer (or retries a failed download) into `dir`. */
  async accept(prefix: string, dir: string = this.downloadDir): Promise<TransferInfo> {
    const rec = this.find(prefix)
    if (rec.direction !== 'in') {
      throw new InvalidTransferStateError(`${rec.name} is one you are sending`)
    }
    if (isExpired(rec.state, rec.expiresAt, Date.now())) {
      await this.book.apply(rec, 'expire')
    }
    if (rec.state === 'expired') {
      throw new OfferExpiredError(`the offer of ${rec.name} has expired`)
    }
    if (rec.state !== 'offered' && rec.state !== 'failed') {
      throw new InvalidTransferStateError(`${rec.name} is ${rec.state}, there is nothing to accept`)
    }
    await this.downloads.accept(rec, dir)
    return this.book.info(rec)
  }

  /** Turns down an offer. */
  async decline(prefix: string): Promise<TransferInfo> {
    const rec = this.find(prefix)
    if (rec.direction !== 'in' || rec.state !== 'offered') {
      throw new InvalidTransferStateError(`${rec.name} is not an offer waiting for your answer`)
    }
    await this.book.apply(rec, 'decline')
    this.notify(rec, 'decline')
    return this.book.info(rec)
  }

  /** Stops a transfer for good, on both sides. An incoming offer not yet accepted is declined. */
  async cancel(prefix: string): Promise<TransferInfo> {
    const rec = this.find(prefix)
    if (rec.direction === 'in' && rec.state === 'offered') {
      return this.decline(prefix)
    }
    const wasOffered = rec.state !== 'preparing'
    if (nextState(rec.state, 'cancel') == null) {
      throw new InvalidTransferStateError(`${rec.name} is ${rec.state} and cannot be cancelled`)
    }
    await this.stopMoving(rec)
    await this.book.apply(rec, 'cancel')
    if (wasOffered) {
      this.notify(rec, 'cancel')
    }
    return this.book.info(rec)
  }

  /** Tells the peer about a decline or cancel; if it is away it learns at its next request. */
  private notify(rec: TransferRecord, kind: 'decline' | 'cancel'): void {
    void this.service
      .request(peerIdFromString(rec.peerId), { kind, id: rec.id, reason: '' })
      .catch((err: unknown) => this.book.log('could not tell %s about %s - %e', rec.peerId, kind, err))
  }

  private handler(): FileRequestHandler {
    const mine = (peer: PeerId, id: string): TransferRecord | undefined => {
      const rec = this.book.get(id)
      return rec?.peerId === peer.toString() ? rec : undefined
    }
    return {
      offer: async (peer, offer) => {
        const reply = await this.downloads.onOffer(peer.toString(), offer, offer.senderName)
        if (reply.status !== 'ok' && reply.quiet !== true) {
          this.book.safeDispatchEvent('offer-refused', {
            detail: {
              peerId: peer.toString(),
              peerName: offer.senderName,
              name: sanitizeFileName(offer.name),
              size: offer.size,
              code: reply.code ?? 'TRANSFER_REFUSED',
              reason: reply.reason ?? ''
            }
          })
        }
        return { status: reply.status, reason: reply.reason }
      },
      fetch: (peer, req) => this.uploads.onFetch(peer.toString(), req),
      decline: (peer, id, reason) => this.uploads.onDecline(peer.toString(), id, reason),
      complete: (peer, id, sha256) => this.uploads.onComplete(peer.toString(), id, sha256),
      cancel: async (peer, id): Promise<Reply> => {
        const rec = mine(peer, id)
        if (rec == null) {
          return { status: 'unknown' }
        }
        if (nextState(rec.state, 'cancel') != null) {
          await this.stopMoving(rec)
          const error = { code: 'CANCELLED_BY_PEER', message: `${rec.name} was cancelled by the other side` }
          await this.book.apply(rec, 'cancel', { error })
        }
        return { status: 'ok' }
      }
    }
  }

  /** Stops hashing, sending or receiving; a download's partial file is removed before this returns. */
  private async stopMoving(rec: TransferRecord): Promise<void> {
    if (rec.direction === 'in') {
      await this.downloads.discard(rec)
    } else {
      this.uploads.stop(rec)
    }
  }

  private onConnect(evt: CustomEvent<PeerId>): void {
    this.downloads.wake(evt.detail.toString())
  }

  private onDisconnect(evt: CustomEvent<PeerId>): void {
    this.uploads
      .peerGone(evt.detail.toString())
      .catch((err: unknown) => this.book.log('could not interrupt uploads - %e', err))
  }

  /** Arms (or clears) the expiry timer of an unanswered offer. */
  private scheduleExpiry(info: TransferInfo): void {
    clearTimeout(this.expiryTimers.get(info.id))
    this.expiryTimers.delete(info.id)
    if (info.state !== 'offered' || this.shutdown.signal.aborted) {
      return
    }
    // setTimeout holds at most ~24.8 days; offers live 7 days at most
    const delay = Math.max(0, Math.min(info.expiresAt - Date.now(), 2 ** 31 - 1))
    const timer = setTimeout(() => {
      this.expiryTimers.delete(info.id)
      const rec = this.book.get(info.id)
      if (rec != null) {
        void this.book.apply(rec, 'expire')
      }
    }, delay)
    timer.unref?.()
    this.expiryTimers.set(info.id, timer)
  }
}
