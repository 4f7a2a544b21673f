import type { Uint8ArrayList } from 'uint8arraylist'
import { concat } from 'uint8arrays/concat'
import { safeDecode } from '../common/decode.ts'
import { InvalidMessageError } from '../common/errors.ts'
import { MAX_FRAME_BYTES } from '../common/limits.ts'
import {
  MAX_MESSAGES_PER_CONVERSATION,
  MAX_REQUEST_BYTES,
  MAX_RESPONSE_FRAME_BYTES,
  MAX_TOPIC_LENGTH
} from './constants.ts'
import { CatchUpRequest, CatchUpResponse, SignedGossip } from './pb/catchup.ts'

export { SignedGossip } from './pb/catchup.ts'

/** What a requester asks for: messages of `topic` the responder received at or after `since`. */
export interface Request {
  topic: string
  since: number
  limit: number
}

export type ResponseStatus = 'ok' | 'refused' | 'invalid' | 'rate-limited'

/** One frame of an answer: the status (meaningful in the first), messages, and whether more frames follow. */
export interface ResponseFrame {
  status: ResponseStatus
  reason: string
  messages: SignedGossip[]
  last: boolean
  truncated: boolean
}

/** A multihash PeerId is at most this long (identity-hashed Ed25519 keys are 38 bytes). */
const MAX_FROM_BYTES = 64
/** Gossipsub sequence numbers are 8 bytes; Ed25519 signatures 64. */
const SEQNO_BYTES = 8
const SIGNATURE_BYTES = 64
/** Tag of field 3 (messages, length-delimited) in CatchUpResponse. */
const MESSAGES_TAG = 0x1a

const STATUS_TO_WIRE: Record<ResponseStatus, CatchUpResponse.Status> = {
  ok: CatchUpResponse.Status.OK,
  refused: CatchUpResponse.Status.REFUSED,
  invalid: CatchUpResponse.Status.INVALID,
  'rate-limited': CatchUpResponse.Status.RATE_LIMITED
}

function fail(reason: string): never {
  throw new InvalidMessageError(reason)
}

/** A topic as a request or a message may name it: printable, bounded. */
export function isValidTopic(topic: string): boolean {
  return topic.length > 0 && topic.length <= MAX_TOPIC_LENGTH && /^[\x21-\x7e]+$/.test(topic)
}

export function encodeRequest(r: Request): Uint8Array {
  return CatchUpRequest.encode({ topic: r.topic, since: BigInt(Math.max(0, Math.floor(r.since))), limit: r.limit })
}

/** Decodes and validates a request; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeRequest(bytes: Uint8Array | Uint8ArrayList): Request {
  const r = safeDecode(bytes, MAX_REQUEST_BYTES, (buf) => CatchUpRequest.decode(buf))
  if (!isValidTopic(r.topic)) {
    fail('bad topic')
  }
  if (r.since > BigInt(Number.MAX_SAFE_INTEGER)) {
    fail('bad since')
  }
  if (r.limit === 0) {
    fail('limit must be at least 1')
  }
  return { topic: r.topic, since: Number(r.since), limit: Math.min(r.limit, MAX_MESSAGES_PER_CONVERSATION) }
}

/** Checks the shape of a relayed gossip message (not its signature: see verifyGossip). */
export function checkSignedGossip(g: SignedGossip): SignedGossip {
  if (g.from.byteLength === 0 || g.from.byteLength > MAX_FROM_BYTES) {
    fail('bad sender')
  }
  if (g.seqno.byteLength !== SEQNO_BYTES) {
    fail('bad sequence number')
  }
  if (g.signature.byteLength !== SIGNATURE_BYTES) {
    fail('bad signature length')
  }
  if (g.data.byteLength === 0 || g.data.byteLength > MAX_FRAME_BYTES) {
    fail('bad message size')
  }
  if (!isValidTopic(g.topic)) {
    fail('bad topic')
  }
  return g
}

export function encodeSignedGossip(g: SignedGossip): Uint8Array {
  return SignedGossip.encode(g)
}

/** Decodes one stored or relayed gossip message; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeSignedGossip(bytes: Uint8Array | Uint8ArrayList): SignedGossip {
  return checkSignedGossip(safeDecode(bytes, MAX_RESPONSE_FRAME_BYTES, (buf) => SignedGossip.decode(buf)))
}

/** Bytes `encoded` (a SignedGossip) takes inside an answer frame: tag, length prefix and the message. */
export function framedSize(encoded: Uint8Array): number {
  let prefix = 1
  for (let v = encoded.byteLength; v >= 0x80; v = Math.floor(v / 128)) {
    prefix++
  }
  return 1 + prefix + encoded.byteLength
}

/**
 * An answer frame around messages already encoded (as the store keeps them), so serving copies bytes instead of
 * decoding and encoding each message again.
 */
export function encodeResponseFrame(
  head: Omit<ResponseFrame, 'messages'>,
  encodedMessages: Uint8Array[] = []
): Uint8Array {
  const header = CatchUpResponse.encode({
    status: STATUS_TO_WIRE[head.status],
    reason: head.reason,
    last: head.last,
    truncated: head.truncated
  })
  const parts: Uint8Array[] = [header]
  for (const m of encodedMessages) {
    parts.push(Uint8Array.of(MESSAGES_TAG), varint(m.byteLength), m)
  }
  return concat(parts)
}

/** Decodes and validates an answer frame; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeResponseFrame(bytes: Uint8Array | Uint8ArrayList): ResponseFrame {
  const r = safeDecode(bytes, MAX_RESPONSE_FRAME_BYTES, (buf) =>
    CatchUpResponse.decode(buf, { limits: { messages: MAX_MESSAGES_PER_CONVERSATION } })
  )
  const status = (Object.keys(STATUS_TO_WIRE) as ResponseStatus[]).find((s) => STATUS_TO_WIRE[s] === r.status)
  if (status == null) {
    fail('unknown status')
  }
  if (status !== 'ok' && (r.messages.length > 0 || !r.last)) {
    fail('a refusal carries no messages and ends the answer')
  }
  return {
    status,
    reason: r.reason.slice(0, 200),
    messages: r.messages.map(checkSignedGossip),
    last: r.last,
    truncated: r.truncated
  }
}

function varint(value: number): Uint8Array {
  const out: number[] = []
  let v = value
  while (v >= 0x80) {
    out.push((v % 128) | 0x80)
    v = Math.floor(v / 128)
  }
  out.push(v)
  return Uint8Array.from(out)
}
