import { InvalidMessageError, MessageTooLargeError } from '../common/errors.ts'
import {
  ATTR_FINGERPRINT,
  ATTR_XOR_MAPPED_ADDRESS,
  BINDING_REQUEST,
  BINDING_SUCCESS,
  FINGERPRINT_XOR,
  HEADER_BYTES,
  KNOWN_REQUIRED_ATTRIBUTES,
  MAGIC_COOKIE,
  MAX_REQUEST_BYTES
} from './constants.ts'

// STUN (RFC 8489, which obsoletes RFC 5389) as far as a binding responder needs it: reading Binding requests and
// writing Binding success responses with XOR-MAPPED-ADDRESS. Pure: no sockets, no Node APIs.

/** A Binding request worth answering. */
export interface BindingRequest {
  /** the 96-bit transaction id, echoed in the response */
  transactionId: Uint8Array
  /** the request ended in a valid FINGERPRINT, so the answer carries one too */
  fingerprint: boolean
}

/** A transport address as STUN carries it: 4 or 16 address bytes and a port. */
export interface MappedAddress {
  address: Uint8Array
  port: number
}

/** A Binding success response as a client reads it. */
export interface BindingResponse {
  transactionId: Uint8Array
  mapped: MappedAddress
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    }
    table[n] = c >>> 0
  }
  return table
})()

/** CRC-32 (ISO HDLC, as zlib computes it), which STUN's FINGERPRINT is made of. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of bytes) {
    crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8)
  }
  return (crc ^ 0xffffffff) >>> 0
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** The header's type and body length, after checking what every STUN message shares (RFC 8489 section 5). */
function readHeader(packet: Uint8Array): { type: number; length: number } {
  if (packet.byteLength < HEADER_BYTES) {
    throw new InvalidMessageError('shorter than a STUN header')
  }
  const dv = view(packet)
  const type = dv.getUint16(0)
  const length = dv.getUint16(2)
  if ((type & 0xc000) !== 0) {
    throw new InvalidMessageError('the two leading bits of a STUN message are zero')
  }
  if (dv.getUint32(4) !== MAGIC_COOKIE) {
    throw new InvalidMessageError('no STUN magic cookie')
  }
  if (length % 4 !== 0 || HEADER_BYTES + length !== packet.byteLength) {
    throw new InvalidMessageError('STUN length does not match the packet')
  }
  return { type, length }
}

/** Calls `visit` for each attribute (type, value offset, value length); throws when one overruns the message. */
function walkAttributes(packet: Uint8Array, visit: (type: number, offset: number, length: number) => void): void {
  const dv = view(packet)
  let offset = HEADER_BYTES
  while (offset < packet.byteLength) {
    if (offset + 4 > packet.byteLength) {
      throw new InvalidMessageError('truncated STUN attribute header')
    }
    const type = dv.getUint16(offset)
    const length = dv.getUint16(offset + 2)
    const padded = (length + 3) & ~3
    if (offset + 4 + padded > packet.byteLength) {
      throw new InvalidMessageError('STUN attribute runs past the message')
    }
    visit(type, offset + 4, length)
    offset += 4 + padded
  }
}

/**
 * Reads a Binding request. Throws InvalidMessageError for anything else: another message type, a malformed header
 * or attribute, a FINGERPRINT that is wrong or not last, or a comprehension-required attribute we do not know.
 */
export function decodeBindingRequest(packet: Uint8Array): BindingRequest {
  if (packet.byteLength > MAX_REQUEST_BYTES) {
    throw new MessageTooLargeError(`STUN request is ${packet.byteLength} bytes, the limit is ${MAX_REQUEST_BYTES}`)
  }
  const { type } = readHeader(packet)
  if (type !== BINDING_REQUEST) {
    throw new InvalidMessageError(`not a Binding request (type 0x${type.toString(16).padStart(4, '0')})`)
  }
  let fingerprint = false
  walkAttributes(packet, (attr, offset, length) => {
    if (fingerprint) {
      throw new InvalidMessageError('FINGERPRINT must be the last attribute')
    }
    if (attr === ATTR_FINGERPRINT) {
      if (length !== 4 || offset + 4 !== packet.byteLength) {
        throw new InvalidMessageError('FINGERPRINT must be the last attribute, 4 bytes long')
      }
      if (view(packet).getUint32(offset) !== (crc32(packet.subarray(0, offset - 4)) ^ FINGERPRINT_XOR) >>> 0) {
        throw new InvalidMessageError('wrong FINGERPRINT')
      }
      fingerprint = true
    } else if (attr < 0x8000 && !KNOWN_REQUIRED_ATTRIBUTES.has(attr)) {
      throw new InvalidMessageError(`unknown comprehension-required attribute 0x${attr.toString(16)}`)
    }
  })
  return { transactionId: packet.slice(8, HEADER_BYTES), fingerprint }
}

/** XORs an address and port with the magic cookie and transaction id, both ways (RFC 8489 section 14.2). */
function xorAddress(mapped: MappedAddress, transactionId: Uint8Array): MappedAddress {
  const mask = new Uint8Array(16)
  view(mask).setUint32(0, MAGIC_COOKIE)
  mask.set(transactionId, 4)
  return {
    address: mapped.address.map((b, i) => b ^ mask[i]),
    port: mapped.port ^ (MAGIC_COOKIE >>> 16)
  }
}

/** The XOR-MAPPED-ADDRESS attribute for `mapped`, header included. */
export function encodeXorMappedAddress(mapped: MappedAddress, transactionId: Uint8Array): Uint8Array {
  if (mapped.address.byteLength !== 4 && mapped.address.byteLength !== 16) {
    throw new RangeError('an address is 4 (IPv4) or 16 (IPv6) bytes')
  }
  const xored = xorAddress(mapped, transactionId)
  const out = new Uint8Array(8 + xored.address.byteLength)
  const dv = view(out)
  dv.setUint16(0, ATTR_XOR_MAPPED_ADDRESS)
  dv.setUint16(2, 4 + xored.address.byteLength)
  dv.setUint8(5, xored.address.byteLength === 4 ? 0x01 : 0x02)
  dv.setUint16(6, xored.port)
  out.set(xored.address, 8)
  return out
}

/**
 * A Binding success response telling the requester the address its request came from, with a FINGERPRINT when the
 * request had one. 32 bytes for IPv4 and 44 for IPv6 (8 more with FINGERPRINT): never more than 24 bytes over the
 * smallest request that gets it, so the responder cannot amplify a flood.
 */
export function encodeBindingSuccess(request: BindingRequest, mapped: MappedAddress): Uint8Array {
  const attribute = encodeXorMappedAddress(mapped, request.transactionId)
  const total = HEADER_BYTES + attribute.byteLength + (request.fingerprint ? 8 : 0)
  const out = new Uint8Array(total)
  const dv = view(out)
  dv.setUint16(0, BINDING_SUCCESS)
  dv.setUint16(2, total - HEADER_BYTES)
  dv.setUint32(4, MAGIC_COOKIE)
  out.set(request.transactionId, 8)
  out.set(attribute, HEADER_BYTES)
  if (request.fingerprint) {
    const at = HEADER_BYTES + attribute.byteLength
    dv.setUint16(at, ATTR_FINGERPRINT)
    dv.setUint16(at + 2, 4)
    dv.setUint32(at + 4, (crc32(out.subarray(0, at)) ^ FINGERPRINT_XOR) >>> 0)
  }
  return out
}

/** Reads a Binding success response's XOR-MAPPED-ADDRESS (what a client does with the answer). */
export function decodeBindingSuccess(packet: Uint8Array): BindingResponse {
  const { type } = readHeader(packet)
  if (type !== BINDING_SUCCESS) {
    throw new InvalidMessageError('not a Binding success response')
  }
  const transactionId = packet.slice(8, HEADER_BYTES)
  let mapped: MappedAddress | undefined
  walkAttributes(packet, (attr, offset, length) => {
    if (attr !== ATTR_XOR_MAPPED_ADDRESS || mapped != null) {
      return
    }
    const family = packet[offset + 1]
    const size = family === 0x01 ? 4 : family === 0x02 ? 16 : 0
    if (size === 0 || length !== 4 + size) {
      throw new InvalidMessageError('malformed XOR-MAPPED-ADDRESS')
    }
    const xored = { address: packet.slice(offset + 4, offset + 4 + size), port: view(packet).getUint16(offset + 2) }
    mapped = xorAddress(xored, transactionId)
  })
  if (mapped == null) {
    throw new InvalidMessageError('no XOR-MAPPED-ADDRESS')
  }
  return { transactionId, mapped }
}
