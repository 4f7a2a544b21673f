import type { SignedMessage } from '@libp2p/gossipsub'
import type { AbortOptions, PeerId, Stream } from '@libp2p/interface'
import { InvalidMessageError, MessageTooLargeError } from '../common/errors.ts'
import { frameStream } from '../common/frames.ts'
import { decodeResponseFrame, encodeRequest, type Request } from './codec.ts'
import { MAX_MESSAGES_PER_CONVERSATION, MAX_RESPONSE_BYTES, MAX_RESPONSE_FRAME_BYTES } from './constants.ts'
import { verifyGossip } from './envelope.ts'
import { CatchUpRateLimitedError, CatchUpRefusedError, ForgedMessageError } from './errors.ts'

/** A verified answer: the messages as gossipsub would have delivered them, and the ones that failed the checks. */
export interface Fetched {
  from: PeerId
  topic: string
  /** the point in time asked from (ms, our clock) */
  since: number
  messages: SignedMessage[]
  forged: ForgedMessageError[]
  /** the responder held more than one answer carries */
  truncated: boolean
}

/**
 * Asks on an open catch-up stream for `request`, reads the whole answer within its bounds, and verifies it. The
 * stream is closed when done and aborted on any failure, so a refusal never leaves it open.
 */
export async function requestOn(
  stream: Stream,
  peer: PeerId,
  request: Request,
  options: AbortOptions
): Promise<Fetched> {
  try {
    const fetched = await exchange(stream, peer, request, options)
    await stream.close(options)
    return fetched
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}

async function exchange(stream: Stream, peer: PeerId, request: Request, options: AbortOptions): Promise<Fetched> {
  const frames = frameStream(stream, MAX_RESPONSE_FRAME_BYTES)
  await frames.write(encodeRequest(request), options)
  const fetched: Fetched = {
    from: peer,
    topic: request.topic,
    since: request.since,
    messages: [],
    forged: [],
    truncated: false
  }
  let bytes = 0
  let count = 0
  for (;;) {
    const raw = await frames.read(options)
    bytes += raw.byteLength
    // the responder's own bound, with room for frame headers
    if (bytes > MAX_RESPONSE_BYTES + MAX_RESPONSE_FRAME_BYTES) {
      throw new MessageTooLargeError('catch-up answer over the size limit')
    }
    const frame = decodeResponseFrame(raw)
    if (frame.status === 'refused') {
      throw new CatchUpRefusedError(`${peer} refused: ${frame.reason}`)
    }
    if (frame.status === 'rate-limited') {
      throw new CatchUpRateLimitedError(`${peer}: ${frame.reason}`)
    }
    if (frame.status === 'invalid') {
      throw new InvalidMessageError(`${peer} found our request invalid: ${frame.reason}`)
    }
    count += frame.messages.length
    if (count > Math.min(request.limit, MAX_MESSAGES_PER_CONVERSATION)) {
      throw new InvalidMessageError('catch-up answer with more messages than asked for')
    }
    fetched.truncated ||= frame.truncated
    for (const g of frame.messages) {
      try {
        if (g.topic !== request.topic) {
          throw new ForgedMessageError(`a message of another conversation (${g.topic})`)
        }
        fetched.messages.push(await verifyGossip(g))
      } catch (err) {
        fetched.forged.push(err instanceof ForgedMessageError ? err : new ForgedMessageError(String(err)))
      }
    }
    if (frame.last) {
      return fetched
    }
  }
}
