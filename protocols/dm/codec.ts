import type { Uint8ArrayList } from 'uint8arraylist'
import type { Bytes } from '../common/bytes.ts'
import { type ChatLine, checkChatLine, isValidId, safeDecode } from '../common/decode.ts'
import { InvalidMessageError, MessageTooLargeError } from '../common/errors.ts'
import { MAX_FRAME_BYTES, MAX_ID_LENGTH } from '../common/limits.ts'
import { validateText } from '../common/text.ts'
import { MAX_RECEIPT_IDS, MAX_SEALED_BYTES } from './constants.ts'
import { DirectMessage, DirectMessageAck, DmContent } from './pb/dm.ts'

/** A validated direct message. */
export type Dm = ChatLine

export type AckStatus = 'ok' | 'invalid' | 'refused' | 'undecryptable'

/** A DM frame as it arrives: in the clear (peers without sessions, tests) or sealed end to end. */
export type DmFrame = { kind: 'plain'; dm: Dm } | { kind: 'sealed'; id: string; sealed: Bytes }

/** What a sealed DM holds once opened: a message, or a receipt for DMs its sender received. */
export type DmContentValue = { kind: 'message'; dm: Dm } | { kind: 'receipt'; id: string; delivered: string[] }

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
  refused: DirectMessageAck.Status.REFUSED,
  undecryptable: DirectMessageAck.Status.UNDECRYPTABLE
}

export function encodeDm(dm: Dm): Uint8Array {
  validateText(dm.text)
  return DirectMessage.encode({ ...dm, timestamp: BigInt(dm.ts) })
}

/** Decodes and validates untrusted bytes; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeDm(bytes: Uint8Array | Uint8ArrayList, now: number = Date.now()): Dm {
  const msg = safeDecode(bytes, MAX_FRAME_BYTES, (buf) => DirectMessage.decode(buf))
  return checkChatLine(msg, now)
}

/** A sealed DM frame: only the id travels outside the encryption. */
export function encodeSealedDm(id: string, sealed: Bytes): Uint8Array {
  return DirectMessage.encode({ id, timestamp: 0n, senderName: '', text: '', sealed })
}

/** Decodes a DM frame of either kind; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeDmFrame(bytes: Uint8Array | Uint8ArrayList, now: number = Date.now()): DmFrame {
  const msg = safeDecode(bytes, MAX_FRAME_BYTES, (buf) => DirectMessage.decode(buf))
  if (msg.sealed.byteLength === 0) {
    return { kind: 'plain', dm: checkChatLine(msg, now) }
  }
  if (!isValidId(msg.id) || msg.text !== '' || msg.senderName !== '' || msg.timestamp !== 0n) {
    throw new InvalidMessageError('a sealed DM carries only its id in the clear')
  }
  if (msg.sealed.byteLength > MAX_SEALED_BYTES) {
    throw new MessageTooLargeError(`sealed DM is ${msg.sealed.byteLength} bytes, the limit is ${MAX_SEALED_BYTES}`)
  }
  return { kind: 'sealed', id: msg.id, sealed: msg.sealed }
}

/** The plaintext of a sealed DM or receipt. */
export function encodeContent(content: DmContentValue): Uint8Array {
  if (content.kind === 'receipt') {
    return DmContent.encode({ id: content.id, timestamp: 0n, senderName: '', text: '', delivered: content.delivered })
  }
  validateText(content.dm.text)
  const { id, ts, senderName, text } = content.dm
  return DmContent.encode({ id, timestamp: BigInt(ts), senderName, text, delivered: [] })
}

/** Decodes an opened DmContent; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeContent(bytes: Uint8Array, now: number = Date.now()): DmContentValue {
  const msg = safeDecode(bytes, MAX_SEALED_BYTES, (buf) =>
    DmContent.decode(buf, { limits: { delivered: MAX_RECEIPT_IDS } })
  )
  if (msg.delivered.length === 0) {
    return { kind: 'message', dm: checkChatLine(msg, now) }
  }
  if (!isValidId(msg.id) || msg.text !== '' || !msg.delivered.every(isValidId)) {
    throw new InvalidMessageError('bad receipt')
  }
  return { kind: 'receipt', id: msg.id, delivered: msg.delivered }
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
