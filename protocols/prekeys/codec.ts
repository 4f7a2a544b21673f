/** Prekey frames; decoders take untrusted bytes and throw InvalidMessageError or MessageTooLargeError only. */
import type { Uint8ArrayList } from 'uint8arraylist'
import type { Bytes } from '../common/bytes.ts'
import { safeDecode } from '../common/decode.ts'
import { InvalidMessageError } from '../common/errors.ts'
import { MAX_BUNDLE_BYTES, MAX_PUBLISHED_BYTES } from '../session/index.ts'
import { MAX_MESSAGE_LENGTH, MAX_PEER_ID_BYTES, MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES } from './constants.ts'
import type { PrekeyErrorCode } from './errors.ts'
import { PrekeyRequest, PrekeyResponse } from './pb/prekeys.ts'

/** `peer` empty: the answering peer's own bundle. `prekeys`: an encoded PublishedPrekeys, checked by the server. */
export type Request = { op: 'get'; peer: Bytes } | { op: 'publish'; prekeys: Bytes }

export type Response = { ok: true; bundle: Bytes } | { ok: false; code: PrekeyErrorCode; message: string }

const STATUS: Record<'OK' | PrekeyErrorCode, PrekeyResponse.Status> = {
  OK: PrekeyResponse.Status.OK,
  BAD_REQUEST: PrekeyResponse.Status.BAD_REQUEST,
  NOT_FOUND: PrekeyResponse.Status.NOT_FOUND,
  FULL: PrekeyResponse.Status.FULL,
  RATE_LIMITED: PrekeyResponse.Status.RATE_LIMITED,
  INTERNAL: PrekeyResponse.Status.INTERNAL
}

export function encodeRequest(request: Request): Uint8Array {
  return request.op === 'get'
    ? PrekeyRequest.encode({ get: { peer: request.peer } })
    : PrekeyRequest.encode({ publish: { prekeys: request.prekeys } })
}

export function decodeRequest(bytes: Uint8Array | Uint8ArrayList): Request {
  const msg = safeDecode(bytes, MAX_REQUEST_BYTES, (b) => PrekeyRequest.decode(b))
  if ((msg.get == null) === (msg.publish == null)) {
    throw new InvalidMessageError('a prekey request carries exactly one operation')
  }
  if (msg.get != null) {
    if (msg.get.peer.byteLength > MAX_PEER_ID_BYTES) {
      throw new InvalidMessageError('peer id too long')
    }
    return { op: 'get', peer: msg.get.peer }
  }
  const prekeys = msg.publish?.prekeys ?? new Uint8Array()
  if (prekeys.byteLength === 0 || prekeys.byteLength > MAX_PUBLISHED_BYTES) {
    throw new InvalidMessageError('published prekeys are empty or too large')
  }
  return { op: 'publish', prekeys }
}

export function encodeResponse(response: Response): Uint8Array {
  return response.ok
    ? PrekeyResponse.encode({ status: STATUS.OK, message: '', bundle: response.bundle })
    : PrekeyResponse.encode({
        status: STATUS[response.code],
        message: response.message.slice(0, MAX_MESSAGE_LENGTH),
        bundle: new Uint8Array(0)
      })
}

export function decodeResponse(bytes: Uint8Array | Uint8ArrayList): Response {
  const msg = safeDecode(bytes, MAX_RESPONSE_BYTES, (b) => PrekeyResponse.decode(b))
  const code = (Object.keys(STATUS) as Array<keyof typeof STATUS>).find((k) => STATUS[k] === msg.status)
  if (code == null) {
    throw new InvalidMessageError('unknown prekey status')
  }
  if (code !== 'OK') {
    return { ok: false, code, message: msg.message.slice(0, MAX_MESSAGE_LENGTH) }
  }
  if (msg.bundle.byteLength > MAX_BUNDLE_BYTES) {
    throw new InvalidMessageError('bundle too large')
  }
  return { ok: true, bundle: msg.bundle }
}
