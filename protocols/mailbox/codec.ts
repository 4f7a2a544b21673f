/** Mailbox frames; decoders take untrusted bytes and throw MailboxRefusedError('BAD_REQUEST') or InvalidMessageError. */
import type { Uint8ArrayList } from 'uint8arraylist'
import { safeDecode } from '../common/decode.ts'
import { InvalidMessageError } from '../common/errors.ts'
import {
  type Bytes,
  MAIL_ID_BYTES,
  MAX_BATCH,
  MAX_ENVELOPE_BYTES,
  MAX_PEER_ID_BYTES,
  MAX_REQUEST_BYTES,
  MAX_RESPONSE_BYTES
} from './constants.ts'
import type { MailboxErrorCode } from './errors.ts'
import { MailboxRequest, MailboxResponse } from './pb/mailbox.ts'

export type Request =
  | { op: 'deposit'; recipient: Bytes; id: Bytes; envelope: Bytes }
  | { op: 'fetch'; limit: number }
  | { op: 'delete'; ids: Bytes[] }

export interface FetchedMail {
  id: Bytes
  envelope: Bytes
  depositedAt: number
}

export type Response =
  | { ok: true; mail: FetchedMail[]; count: number }
  | { ok: false; code: MailboxErrorCode; message: string }

const STATUS: Record<'OK' | MailboxErrorCode, MailboxResponse.Status> = {
  OK: MailboxResponse.Status.OK,
  BAD_REQUEST: MailboxResponse.Status.BAD_REQUEST,
  TOO_LARGE: MailboxResponse.Status.TOO_LARGE,
  MAILBOX_FULL: MailboxResponse.Status.MAILBOX_FULL,
  RATE_LIMITED: MailboxResponse.Status.RATE_LIMITED,
  INTERNAL: MailboxResponse.Status.INTERNAL
}

const MAX_MESSAGE_LENGTH = 256

export function encodeRequest(request: Request): Uint8Array {
  switch (request.op) {
    case 'deposit':
      return MailboxRequest.encode({
        deposit: { recipient: request.recipient, id: request.id, envelope: request.envelope }
      })
    case 'fetch':
      return MailboxRequest.encode({ fetch: { limit: request.limit } })
    case 'delete':
      return MailboxRequest.encode({ delete: { ids: request.ids } })
  }
}

function isId(id: Uint8Array): boolean {
  return id.byteLength === MAIL_ID_BYTES
}

export function decodeRequest(bytes: Uint8Array | Uint8ArrayList): Request {
  const msg = safeDecode(bytes, MAX_REQUEST_BYTES, (b) =>
    MailboxRequest.decode(b, { limits: { delete: { ids: MAX_BATCH } } })
  )
  const ops = [msg.deposit, msg.fetch, msg.delete].filter((op) => op != null)
  if (ops.length !== 1) {
    throw new InvalidMessageError('a mailbox request carries exactly one operation')
  }
  if (msg.deposit != null) {
    const { recipient, id, envelope } = msg.deposit
    if (recipient.byteLength === 0 || recipient.byteLength > MAX_PEER_ID_BYTES || !isId(id)) {
      throw new InvalidMessageError('deposit has a bad recipient or id')
    }
    if (envelope.byteLength === 0 || envelope.byteLength > MAX_ENVELOPE_BYTES) {
      throw new InvalidMessageError('deposit envelope is empty or too large')
    }
    return { op: 'deposit', recipient, id, envelope }
  }
  if (msg.fetch != null) {
    return { op: 'fetch', limit: Math.max(1, Math.min(MAX_BATCH, msg.fetch.limit)) }
  }
  const ids = msg.delete?.ids ?? []
  if (!ids.every(isId)) {
    throw new InvalidMessageError('delete names a bad id')
  }
  return { op: 'delete', ids }
}

export function encodeResponse(response: Response): Uint8Array {
  if (response.ok) {
    return MailboxResponse.encode({
      status: STATUS.OK,
      message: '',
      count: response.count,
      mail: response.mail.map((m) => ({ id: m.id, envelope: m.envelope, depositedAt: BigInt(m.depositedAt) }))
    })
  }
  return MailboxResponse.encode({
    status: STATUS[response.code],
    message: response.message.slice(0, MAX_MESSAGE_LENGTH),
    mail: [],
    count: 0
  })
}

export function decodeResponse(bytes: Uint8Array | Uint8ArrayList): Response {
  const msg = safeDecode(bytes, MAX_RESPONSE_BYTES, (b) => MailboxResponse.decode(b, { limits: { mail: MAX_BATCH } }))
  const code = (Object.keys(STATUS) as Array<keyof typeof STATUS>).find((k) => STATUS[k] === msg.status)
  if (code == null) {
    throw new InvalidMessageError('unknown mailbox status')
  }
  if (code !== 'OK') {
    return { ok: false, code, message: msg.message.slice(0, MAX_MESSAGE_LENGTH) }
  }
  const mail = msg.mail.map((m) => {
    if (!isId(m.id) || m.envelope.byteLength > MAX_ENVELOPE_BYTES) {
      throw new InvalidMessageError('fetched mail has a bad id or envelope')
    }
    return { id: m.id, envelope: m.envelope, depositedAt: Number(m.depositedAt) }
  })
  return { ok: true, mail, count: msg.count }
}
