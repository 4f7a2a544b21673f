import type { Uint8ArrayList } from 'uint8arraylist'
import { safeDecode } from '../common/decode.ts'
import { InvalidMessageError } from '../common/errors.ts'
import { isValidName } from '../common/names.ts'
import { chunkCount, isValidChunkSize } from './chunks.ts'
import {
  HASH_BYTES,
  MAX_FILE_NAME_BYTES,
  MAX_FILE_SIZE,
  MAX_OFFER_TTL_MS,
  MAX_REASON_LENGTH,
  MAX_REQUEST_BYTES,
  MAX_RESPONSE_BYTES
} from './constants.ts'
import { FileRequest, FileResponse } from './pb/file.ts'

/** What a sender announces. `name` is the sender's word only: receivers sanitize it before touching a disk. */
export interface Offer {
  id: string
  name: string
  size: number
  sha256: Uint8Array
  chunkSize: number
  senderName: string
  ttlMs: number
}

export type Request =
  | { kind: 'offer'; offer: Offer }
  | { kind: 'fetch'; id: string; offset: number; wantHashes: boolean }
  | { kind: 'decline'; id: string; reason: string }
  | { kind: 'cancel'; id: string; reason: string }
  | { kind: 'complete'; id: string; reason: string }

export type ResponseStatus = 'ok' | 'refused' | 'unknown' | 'cancelled' | 'expired' | 'invalid' | 'failed'

export interface Response {
  status: ResponseStatus
  reason: string
  /** the SHA-256 of every chunk, concatenated (FETCH with wantHashes only) */
  chunkHashes: Uint8Array
}

const KIND_TO_WIRE: Record<Request['kind'], FileRequest.Kind> = {
  offer: FileRequest.Kind.OFFER,
  fetch: FileRequest.Kind.FETCH,
  decline: FileRequest.Kind.DECLINE,
  cancel: FileRequest.Kind.CANCEL,
  complete: FileRequest.Kind.COMPLETE
}

const STATUS_TO_WIRE: Record<ResponseStatus, FileResponse.Status> = {
  ok: FileResponse.Status.OK,
  refused: FileResponse.Status.REFUSED,
  unknown: FileResponse.Status.UNKNOWN,
  cancelled: FileResponse.Status.CANCELLED,
  expired: FileResponse.Status.EXPIRED,
  invalid: FileResponse.Status.INVALID,
  failed: FileResponse.Status.FAILED
}

const encoder = new TextEncoder()

/** Transfer ids are random lowercase hex, so users can type any unique prefix of one. */
export function isTransferId(id: string): boolean {
  return /^[0-9a-f]{16,64}$/.test(id)
}
const EMPTY = new Uint8Array(0)

function clip(reason: string): string {
  return reason.slice(0, MAX_REASON_LENGTH)
}

export function encodeRequest(req: Request): Uint8Array {
  const base = {
    kind: KIND_TO_WIRE[req.kind],
    id: '',
    name: '',
    size: 0,
    sha256: new Uint8Array(0),
    chunkSize: 0,
    senderName: '',
    ttlMs: 0,
    offset: 0,
    wantHashes: false,
    reason: ''
  }
  switch (req.kind) {
    case 'offer': {
      const o = req.offer
      return FileRequest.encode({
        ...base,
        id: o.id,
        name: o.name,
        size: o.size,
        sha256: Uint8Array.from(o.sha256),
        chunkSize: o.chunkSize,
        senderName: o.senderName,
        ttlMs: o.ttlMs
      })
    }
    case 'fetch':
      return FileRequest.encode({ ...base, id: req.id, offset: req.offset, wantHashes: req.wantHashes })
    case 'decline':
    case 'cancel':
    case 'complete':
      return FileRequest.encode({ ...base, id: req.id, reason: clip(req.reason) })
  }
}

/** A 64-bit field as decoded (a number: past 2^53 it is no longer exact, and so refused), at most `max`. */
function toSafeNumber(value: number, what: string, max: number): number {
  if (!Number.isSafeInteger(value) || value > max) {
    throw new InvalidMessageError(`${what} is too large`)
  }
  return value
}

function checkReason(reason: string): string {
  if (reason.length > MAX_REASON_LENGTH) {
    throw new InvalidMessageError('reason too long')
  }
  return reason
}

/** Decodes and validates a request from an untrusted peer; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeRequest(bytes: Uint8Array | Uint8ArrayList): Request {
  const msg = safeDecode(bytes, MAX_REQUEST_BYTES, (buf) => FileRequest.decode(buf))
  if (!isTransferId(msg.id)) {
    throw new InvalidMessageError('bad transfer id')
  }
  switch (msg.kind) {
    case FileRequest.Kind.OFFER: {
      const size = toSafeNumber(msg.size, 'size', MAX_FILE_SIZE)
      if (msg.name.length === 0 || encoder.encode(msg.name).byteLength > MAX_FILE_NAME_BYTES) {
        throw new InvalidMessageError('file name is empty or too long')
      }
      if (msg.sha256.byteLength !== HASH_BYTES) {
        throw new InvalidMessageError('sha256 must be 32 bytes')
      }
      if (!isValidChunkSize(msg.chunkSize, size)) {
        throw new InvalidMessageError('bad chunk size')
      }
      if (!isValidName(msg.senderName)) {
        throw new InvalidMessageError('bad sender name')
      }
      const ttlMs = toSafeNumber(msg.ttlMs, 'ttl', MAX_OFFER_TTL_MS)
      if (ttlMs === 0) {
        throw new InvalidMessageError('offer has no lifetime')
      }
      return {
        kind: 'offer',
        offer: {
          id: msg.id,
          name: msg.name,
          size,
          sha256: msg.sha256,
          chunkSize: msg.chunkSize,
          senderName: msg.senderName,
          ttlMs
        }
      }
    }
    case FileRequest.Kind.FETCH:
      return {
        kind: 'fetch',
        id: msg.id,
        offset: toSafeNumber(msg.offset, 'offset', MAX_FILE_SIZE),
        wantHashes: msg.wantHashes
      }
    case FileRequest.Kind.DECLINE:
      return { kind: 'decline', id: msg.id, reason: checkReason(msg.reason) }
    case FileRequest.Kind.CANCEL:
      return { kind: 'cancel', id: msg.id, reason: checkReason(msg.reason) }
    case FileRequest.Kind.COMPLETE:
      return { kind: 'complete', id: msg.id, reason: checkReason(msg.reason) }
    default:
      throw new InvalidMessageError('unknown request kind')
  }
}

export function encodeResponse(res: Partial<Response> & { status: ResponseStatus }): Uint8Array {
  return FileResponse.encode({
    status: STATUS_TO_WIRE[res.status],
    reason: clip(res.reason ?? ''),
    chunkHashes: Uint8Array.from(res.chunkHashes ?? EMPTY)
  })
}

/** Decodes a response; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeResponse(bytes: Uint8Array | Uint8ArrayList): Response {
  const msg = safeDecode(bytes, MAX_RESPONSE_BYTES, (buf) => FileResponse.decode(buf))
  const status = (Object.keys(STATUS_TO_WIRE) as ResponseStatus[]).find((s) => STATUS_TO_WIRE[s] === msg.status)
  if (status == null) {
    throw new InvalidMessageError('unknown response status')
  }
  if (msg.chunkHashes.byteLength % HASH_BYTES !== 0) {
    throw new InvalidMessageError('chunk hashes are not a whole number of digests')
  }
  return { status, reason: checkReason(msg.reason), chunkHashes: msg.chunkHashes }
}

/** Checks a chunk hash list against the offer it belongs to. */
export function checkChunkHashes(hashes: Uint8Array, offer: Pick<Offer, 'size' | 'chunkSize'>): Uint8Array {
  if (hashes.byteLength !== chunkCount(offer.size, offer.chunkSize) * HASH_BYTES) {
    throw new InvalidMessageError('chunk hash list does not match the file size')
  }
  return hashes
}
