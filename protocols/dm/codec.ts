import type { Uint8ArrayList } from 'uint8arraylist'
import { checkText, checkTimestamp, isValidId, safeDecode } from '../common/decode.ts'
import { InvalidMessageError } from '../common/errors.ts'
import { MAX_CLOCK_SKEW_MS, MAX_FRAME_BYTES, MAX_ID_LENGTH } from '../common/limits.ts'
import { isValidName } from '../common/names.ts'
import { validateText } from '../common/text.ts'
import { DirectMessage, DirectMessageAck } from './pb/dm.ts'

/** A validated direct message. */
export interface Dm {
  id: string
  ts: number
  senderName: string
  text: string
}

export type AckStatus = 'ok' | 'invalid' | 'refused'

export interface Ack {
  id: string
  status: AckStatus
  reason: string
}

/** Longest reason text an ack may carry. */
const MAX_REASON_LENGTH = 256

const STATUS_TO_WIRE: Record<AckStatus, DirectMessageAck.Status> = {
  ok: DirectMessageAck.Status.OK,
  invalid: DirectMessageAck.Status.INVALID,
  refused: DirectMessageAck.Status.REFUSED
}

export function encodeDm(dm: Dm): Uint8Array {
  validateText(dm.text)
  return DirectMessage.encode({ ...dm, timestamp: BigInt(dm.ts) })
}

/** Decodes and validates untrusted bytes; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeDm(bytes: Uint8Array | Uint8ArrayList, now: number = Date.now()): Dm {
  const msg = safeDecode(bytes, MAX_FRAME_BYTES, (buf) => DirectMessage.decode(buf))
  if (!isValidId(msg.id)) {
    throw new InvalidMessageError('bad message id')
  }
  if (!isValidName(msg.senderName)) {
    throw new InvalidMessageError('bad sender name')
  }
  checkText(msg.text)
  return {
    id: msg.id,
    ts: checkTimestamp(msg.timestamp, now, MAX_CLOCK_SKEW_MS),
    senderName: msg.senderName,
    text: msg.text
  }
}

export function encodeAck(ack: Ack): Uint8Array {
  return DirectMessageAck.encode({
    id: ack.id,
    status: STATUS_TO_WIRE[ack.status],
    reason: ack.reason.slice(0, MAX_REASON_LENGTH)
  })
}

/** Decodes an ack; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeAck(bytes: Uint8Array | Uint8ArrayList): Ack {
  const msg = safeDecode(bytes, MAX_FRAME_BYTES, (buf) => DirectMessageAck.decode(buf))
  const status = (Object.keys(STATUS_TO_WIRE) as AckStatus[]).find((s) => STATUS_TO_WIRE[s] === msg.status)
  if (status == null) {
    throw new InvalidMessageError('unknown ack status')
  }
  if (msg.id.length > MAX_ID_LENGTH || msg.reason.length > MAX_REASON_LENGTH) {
    throw new InvalidMessageError('ack fields too long')
  }
  return { id: msg.id, status, reason: msg.reason }
}
