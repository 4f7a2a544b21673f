import type { ComponentLogger, Connection, Logger, Startable, Stream } from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'
import { lpStream } from '@libp2p/utils'
import { bytesToHex } from '@noble/hashes/utils.js'
import { sourceOf } from '../common/addrs.ts'
import { MailboxBook, RateLimiter, type StoredMail } from './book.ts'
import { decodeRequest, encodeResponse, type Request, type Response } from './codec.ts'
import {
  MAILBOX_DEFAULTS,
  MAILBOX_PROTOCOL,
  MAILBOX_TIMEOUT_MS,
  MAX_BATCH,
  MAX_INBOUND_STREAMS,
  MAX_REQUEST_BYTES,
  MAX_RESPONSE_BYTES,
  type MailboxSettings
} from './constants.ts'
import { MailboxRefusedError } from './errors.ts'

/** Where the relay keeps mail across restarts; each call resolves once the change is durable. */
export interface MailPersistence {
  put: (mail: StoredMail) => Promise<void>
  delete: (mails: StoredMail[]) => Promise<void>
}

export interface MailboxServerComponents {
  registrar: Pick<Registrar, 'handle' | 'unhandle'>
  logger: ComponentLogger
}

export interface MailboxServerInit {
  /** @default MAILBOX_DEFAULTS */
  settings?: MailboxSettings
  /** mail already on disk, loaded at start */
  stored?: StoredMail[]
  /** @default memory only */
  persistence?: MailPersistence
  /** @default Date.now */
  now?: () => number
}

const MEMORY_ONLY: MailPersistence = { put: async () => {}, delete: async () => {} }

/** Recipients are keyed by the hex of their PeerId's bytes, which is what a deposit names and a connection proves. */
export function recipientKey(peerIdBytes: Uint8Array): string {
  return bytesToHex(peerIdBytes)
}

/** The relay side of `/p2pchat/mailbox/1.0.0`: one request and one response per stream. */
export class MailboxServer implements Startable {
  readonly book: MailboxBook
  private readonly log: Logger
  private readonly persistence: MailPersistence
  private readonly now: () => number
  private senders: RateLimiter
  private sources: RateLimiter

  constructor(
    private readonly components: MailboxServerComponents,
    init: MailboxServerInit = {}
  ) {
    const settings = init.settings ?? { ...MAILBOX_DEFAULTS }
    this.log = components.logger.forComponent('p2pchat:mailbox')
    this.book = new MailboxBook(settings)
    this.persistence = init.persistence ?? MEMORY_ONLY
    this.now = init.now ?? Date.now
    this.senders = new RateLimiter(settings.senderBurst, settings.senderPerMinute, settings.maxBuckets)
    this.sources = new RateLimiter(settings.ipBurst, settings.ipPerMinute, settings.maxBuckets)
    for (const mail of init.stored ?? []) {
      this.book.restore(mail)
    }
    this.handleStream = this.handleStream.bind(this)
  }

  /** Applies changed settings (an admin command) to later requests. */
  configure(settings: MailboxSettings): void {
    this.book.configure(settings)
    this.senders = new RateLimiter(settings.senderBurst, settings.senderPerMinute, settings.maxBuckets)
    this.sources = new RateLimiter(settings.ipBurst, settings.ipPerMinute, settings.maxBuckets)
  }

  async start(): Promise<void> {
    // people behind NAT may reach the relay only over a relayed connection of their own
    await this.components.registrar.handle(MAILBOX_PROTOCOL, this.handleStream, {
      maxInboundStreams: MAX_INBOUND_STREAMS,
      maxOutboundStreams: 1,
      runOnLimitedConnection: true
    })
  }

  async stop(): Promise<void> {
    await this.components.registrar.unhandle(MAILBOX_PROTOCOL)
  }

  /** Deletes expired mail from memory and disk; the relay calls this on a timer. */
  async expire(): Promise<number> {
    const expired = this.book.expire(this.now())
    if (expired.length > 0) {
      await this.persistence.delete(expired)
    }
    return expired.length
  }

  /** Serves one request stream (the registered handler). */
  async handleStream(stream: Stream, connection: Pick<Connection, 'remotePeer' | 'remoteAddr'>): Promise<void> {
    const signal = AbortSignal.timeout(MAILBOX_TIMEOUT_MS)
    const lp = lpStream(stream, { maxDataLength: MAX_REQUEST_BYTES })
    let response: Response
    try {
      const request = decodeOrRefuse(await lp.read({ signal }).catch(refuseUnreadable))
      response = await this.serve(request, connection)
    } catch (err) {
      const refusal = err instanceof MailboxRefusedError ? err : new MailboxRefusedError('INTERNAL', 'mailbox failed')
      if (!(err instanceof MailboxRefusedError)) {
        this.log.error('mailbox request from %p failed - %e', connection.remotePeer, err)
      }
      response = { ok: false, code: refusal.code, message: refusal.message }
    }
    try {
      await lp.write(encodeResponse(response), { signal })
      await stream.close({ signal })
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }

  /** Runs one decoded request for the peer the connection authenticated. */
  async serve(request: Request, connection: Pick<Connection, 'remotePeer' | 'remoteAddr'>): Promise<Response> {
    const self = recipientKey(connection.remotePeer.toMultihash().bytes)
    const now = this.now()
    switch (request.op) {
      case 'deposit': {
        if (!this.senders.take(self, now) || !this.sources.take(sourceOf(connection.remoteAddr), now)) {
          throw new MailboxRefusedError('RATE_LIMITED', 'too many deposits: try again in a minute')
        }
        const mail = {
          recipient: recipientKey(request.recipient),
          id: request.id,
          envelope: request.envelope,
          depositedAt: now
        }
        if (this.book.deposit(mail)) {
          try {
            await this.persistence.put(mail)
          } catch (err) {
            this.book.delete(mail.recipient, [mail.id])
            throw err
          }
        }
        return { ok: true, mail: [], count: this.book.count(mail.recipient) }
      }
      case 'fetch': {
        const { mail, remaining } = this.book.fetch(
          self,
          Math.min(request.limit, MAX_BATCH),
          MAX_RESPONSE_BYTES - 64 * 1024
        )
        return { ok: true, mail, count: remaining }
      }
      case 'delete': {
        const deleted = this.book.delete(self, request.ids)
        await this.persistence.delete(deleted)
        return { ok: true, mail: [], count: deleted.length }
      }
    }
  }
}

function refuseUnreadable(err: unknown): never {
  const tooLarge = err instanceof Error && err.name === 'InvalidDataLengthError'
  throw new MailboxRefusedError(
    tooLarge ? 'TOO_LARGE' : 'BAD_REQUEST',
    tooLarge ? 'request too large' : 'could not read the request'
  )
}

function decodeOrRefuse(frame: Parameters<typeof decodeRequest>[0]): Request {
  try {
    return decodeRequest(frame)
  } catch (err) {
    throw new MailboxRefusedError('BAD_REQUEST', err instanceof Error ? err.message : 'malformed request')
  }
}
