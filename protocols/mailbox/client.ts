import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import { exchangeFrames } from '../common/streams.ts'
import { decodeResponse, encodeRequest, type FetchedMail, type Request } from './codec.ts'
import { type Bytes, MAILBOX_PROTOCOL, MAILBOX_TIMEOUT_MS, MAX_BATCH, MAX_RESPONSE_BYTES } from './constants.ts'
import { MailboxRefusedError } from './errors.ts'

export interface MailboxClientComponents {
  connectionManager: Pick<ConnectionManager, 'openStream'> & Partial<Pick<ConnectionManager, 'getConnections'>>
}

/** The client side of `/p2pchat/mailbox/1.0.0`. Every call throws MailboxRefusedError when the relay says no. */
export class MailboxClient {
  constructor(private readonly components: MailboxClientComponents) {}

  /** Leaves a sealed envelope for `recipient` at `relay`; resolves with the recipient's mail count there. */
  async deposit(
    relay: PeerId,
    recipient: PeerId,
    id: Bytes,
    envelope: Bytes,
    options: AbortOptions = {}
  ): Promise<number> {
    const { count } = await this.request(
      relay,
      { op: 'deposit', recipient: recipient.toMultihash().bytes as Bytes, id, envelope },
      options
    )
    return count
  }

  /** Our oldest mails at `relay`, and how many are left after them. */
  async fetch(relay: PeerId, options: AbortOptions = {}): Promise<{ mail: FetchedMail[]; remaining: number }> {
    const { mail, count } = await this.request(relay, { op: 'fetch', limit: MAX_BATCH }, options)
    return { mail, remaining: count }
  }

  /** Deletes our mails with these ids at `relay`; resolves with how many were there. */
  async delete(relay: PeerId, ids: Bytes[], options: AbortOptions = {}): Promise<number> {
    let deleted = 0
    for (let i = 0; i < ids.length; i += MAX_BATCH) {
      deleted += (await this.request(relay, { op: 'delete', ids: ids.slice(i, i + MAX_BATCH) }, options)).count
    }
    return deleted
  }

  private async request(
    relay: PeerId,
    request: Request,
    options: AbortOptions
  ): Promise<{ mail: FetchedMail[]; count: number }> {
    const response = await exchangeFrames(
      this.components.connectionManager,
      relay,
      MAILBOX_PROTOCOL,
      encodeRequest(request),
      {
        signal: options.signal ?? AbortSignal.timeout(MAILBOX_TIMEOUT_MS),
        maxResponseBytes: MAX_RESPONSE_BYTES,
        decode: decodeResponse
      }
    )
    if (!response.ok) {
      throw new MailboxRefusedError(response.code, response.message)
    }
    return response
  }
}
