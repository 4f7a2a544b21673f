import type { AbortOptions, Connection, PeerId, Stream } from '@libp2p/interface'
import { sourceOf } from '../common/addrs.ts'
import { errorMessage } from '../common/errors.ts'
import { frameStream } from '../common/frames.ts'
import { PeerBudget } from '../common/peer-budget.ts'
import { decodeRequest, encodeResponseFrame, framedSize, type Request, type ResponseStatus } from './codec.ts'
import {
  FRAME_HEADER_BYTES,
  MAX_CONCURRENT_ANSWERS,
  MAX_RESPONSE_BYTES,
  MAX_RESPONSE_FRAME_BYTES,
  RATE_KEYS,
  REQUESTS_PER_IP_BURST,
  REQUESTS_PER_IP_PER_SECOND,
  REQUESTS_PER_PEER_BURST,
  REQUESTS_PER_PEER_PER_SECOND
} from './constants.ts'
import type { CatchUpStore, KeptMessage } from './store.ts'

/** Whether `peer` may have `topic`: the window to serve it within (ms), or the reason it may not. */
export type ServePolicy = (peer: PeerId, topic: string) => { windowMs: number } | { refused: string }

export interface CatchUpServerInit {
  store: CatchUpStore
  policy: ServePolicy
  /** signs one of our own kept posts the first time it is served */
  signOwn: (topic: string, data: Uint8Array) => Promise<Uint8Array>
  now?: () => number
}

/** Raised when a requester broke the protocol; the stream is aborted with it. */
class RequestError extends Error {
  static override readonly name = 'RequestError'
  override readonly name = 'RequestError'
}

/**
 * The answering side of catch-up: rate limits per peer and per address, at most MAX_CONCURRENT_ANSWERS at once, and
 * only what the policy allows, from what the store kept.
 */
export class CatchUpServer {
  private readonly perPeer = new PeerBudget({
    capacity: REQUESTS_PER_PEER_BURST,
    refillPerSecond: REQUESTS_PER_PEER_PER_SECOND,
    maxKeys: RATE_KEYS
  })
  private readonly perIp = new PeerBudget({
    capacity: REQUESTS_PER_IP_BURST,
    refillPerSecond: REQUESTS_PER_IP_PER_SECOND,
    maxKeys: RATE_KEYS
  })
  private answering = 0
  private readonly now: () => number

  constructor(private readonly init: CatchUpServerInit) {
    this.now = init.now ?? Date.now
  }

  /** Serves one stream; throws (after telling the requester why, when it can) if the requester broke the rules. */
  async serve(
    stream: Stream,
    connection: Pick<Connection, 'remotePeer' | 'remoteAddr'>,
    signal: AbortSignal
  ): Promise<void> {
    const frames = frameStream(stream, MAX_RESPONSE_FRAME_BYTES)
    const options = { signal }
    const refuse = async (status: ResponseStatus, reason: string): Promise<void> => {
      await frames.write(encodeResponseFrame({ status, reason, last: true, truncated: false }), options)
      await stream.close(options)
    }
    // the request is read before any answer, so that a refusal never races the requester's write
    const request = await frames.read(options).then(
      (raw) => ({ raw }),
      (err: unknown) => ({ err })
    )
    const limited = this.admit(connection)
    if (limited != null) {
      await refuse('rate-limited', limited)
      return
    }
    this.answering++
    try {
      let decoded: Request
      try {
        if ('err' in request) {
          throw request.err
        }
        decoded = decodeRequest(request.raw)
      } catch (err) {
        await refuse('invalid', errorMessage(err)).catch(() => undefined)
        throw new RequestError(`bad catch-up request: ${errorMessage(err)}`)
      }
      const verdict = this.init.policy(connection.remotePeer, decoded.topic)
      if ('refused' in verdict) {
        await refuse('refused', verdict.refused)
        return
      }
      await this.answer(frames, decoded, verdict.windowMs, options)
      await stream.close(options)
    } finally {
      this.answering--
    }
  }

  /** A reason to turn the requester away for now, or undefined. */
  private admit(connection: Pick<Connection, 'remotePeer' | 'remoteAddr'>): string | undefined {
    const now = this.now()
    if (this.answering >= MAX_CONCURRENT_ANSWERS) {
      return 'busy: try again later'
    }
    const ip = sourceOf(connection.remoteAddr)
    if (!this.perIp.take(ip, 1, now)) {
      return 'too many catch-up requests from your address'
    }
    if (!this.perPeer.take(connection.remotePeer.toString(), 1, now)) {
      return 'too many catch-up requests'
    }
    return undefined
  }

  private async answer(
    frames: ReturnType<typeof frameStream>,
    request: Request,
    windowMs: number,
    options: AbortOptions
  ): Promise<void> {
    const found = this.init.store.find(
      request.topic,
      request.since,
      this.now(),
      request.limit,
      MAX_RESPONSE_BYTES,
      windowMs
    )
    const head = { status: 'ok' as const, reason: '', truncated: found.truncated }
    let batch: Uint8Array[] = []
    let batchBytes = 0
    for (const m of found.messages) {
      const bytes = await this.signedBytes(m)
      if (batch.length > 0 && batchBytes + framedSize(bytes) > MAX_RESPONSE_FRAME_BYTES - FRAME_HEADER_BYTES) {
        await frames.write(encodeResponseFrame({ ...head, last: false }, batch), options)
        batch = []
        batchBytes = 0
      }
      batch.push(bytes)
      batchBytes += framedSize(bytes)
    }
    await frames.write(encodeResponseFrame({ ...head, last: true }, batch), options)
  }

  private async signedBytes(m: KeptMessage): Promise<Uint8Array> {
    if (m.signed == null) {
      // kept unsigned until now: only our own posts
      m.signed = await this.init.signOwn(m.topic, m.own ?? new Uint8Array(0))
    }
    return m.signed
  }
}
