/**
 * The Double Ratchet's HEADER and CONCAT: a fixed 40-byte encoding (ratchet public key, PN, N as big-endian
 * u32), and the associated data prefixed by its length so that (ad, header) parses one way only.
 */
import { concatBytes } from '@noble/hashes/utils.js'
import { type Bytes, HEADER_BYTES, KEY_BYTES } from './constants.ts'
import { InvalidSessionMessageError } from './errors.ts'

/** A ratchet message header. */
export interface Header {
  /** The sender's current ratchet public key (X25519). */
  dh: Bytes
  /** Messages in the sender's previous sending chain. */
  pn: number
  /** This message's number in the sender's current sending chain. */
  n: number
}

const MAX_U32 = 0xffff_ffff

export function encodeHeader(header: Header): Bytes {
  if (header.dh.byteLength !== KEY_BYTES || !isU32(header.pn) || !isU32(header.n)) {
    throw new InvalidSessionMessageError('header field out of range')
  }
  const out = new Uint8Array(HEADER_BYTES)
  out.set(header.dh, 0)
  const view = new DataView(out.buffer)
  view.setUint32(KEY_BYTES, header.pn)
  view.setUint32(KEY_BYTES + 4, header.n)
  return out
}

export function decodeHeader(bytes: Bytes): Header {
  if (bytes.byteLength !== HEADER_BYTES) {
    throw new InvalidSessionMessageError(`a header is ${HEADER_BYTES} bytes, not ${bytes.byteLength}`)
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return { dh: bytes.slice(0, KEY_BYTES), pn: view.getUint32(KEY_BYTES), n: view.getUint32(KEY_BYTES + 4) }
}

/** CONCAT(ad, header): u32 length of ad, ad, then the encoded header. */
export function concatAd(associatedData: Bytes, encodedHeader: Bytes): Bytes {
  const length = new Uint8Array(4)
  new DataView(length.buffer).setUint32(0, associatedData.byteLength)
  return concatBytes(length, associatedData, encodedHeader)
}

function isU32(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= MAX_U32
}
