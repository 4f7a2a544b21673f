import { createHmac } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ATTR_FINGERPRINT,
  BINDING_REQUEST,
  crc32,
  decodeBindingRequest,
  decodeBindingSuccess,
  encodeBindingSuccess,
  encodeXorMappedAddress,
  FINGERPRINT_XOR,
  ipBytes,
  MAGIC_COOKIE
} from '../../../protocols/stun/index.ts'
import { decodeOrReject, mutatedArb, RUNS } from '../protocols/fuzz.ts'
import {
  IPV4_XOR_MAPPED,
  IPV6_XOR_MAPPED,
  SAMPLE_IPV4_RESPONSE,
  SAMPLE_IPV6_RESPONSE,
  SAMPLE_LONG_TERM_REQUEST,
  SAMPLE_PASSWORD,
  SAMPLE_REQUEST,
  TRANSACTION_ID
} from './vectors.ts'

const IPV4 = ipBytes('192.0.2.1')!
const IPV6 = ipBytes('2001:db8:1234:5678:11:2233:4455:6677')!
const PORT = 32853

/** A Binding request with these attributes (type, value) and, optionally, a FINGERPRINT. */
function request(id: Uint8Array, attributes: Array<[number, Uint8Array]> = [], fingerprint = false): Uint8Array {
  const parts = attributes.map(([type, value]) => {
    const out = new Uint8Array(4 + ((value.length + 3) & ~3))
    new DataView(out.buffer).setUint16(0, type)
    new DataView(out.buffer).setUint16(2, value.length)
    out.set(value, 4)
    return out
  })
  const body = parts.reduce((n, p) => n + p.length, 0) + (fingerprint ? 8 : 0)
  const out = new Uint8Array(20 + body)
  const dv = new DataView(out.buffer)
  dv.setUint16(0, BINDING_REQUEST)
  dv.setUint16(2, body)
  dv.setUint32(4, MAGIC_COOKIE)
  out.set(id, 8)
  let at = 20
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  if (fingerprint) {
    dv.setUint16(at, ATTR_FINGERPRINT)
    dv.setUint16(at + 2, 4)
    dv.setUint32(at + 4, (crc32(out.subarray(0, at)) ^ FINGERPRINT_XOR) >>> 0)
  }
  return out
}

const idArb = fc.uint8Array({ minLength: 12, maxLength: 12 })
const optionalAttrArb = fc.tuple(
  fc.integer({ min: 0x8000, max: 0xffff }).filter((t) => t !== ATTR_FINGERPRINT),
  fc.uint8Array({ maxLength: 40 })
)
const validRequestArb = fc
  .tuple(idArb, fc.array(optionalAttrArb, { maxLength: 4 }), fc.boolean())
  .map(([id, attrs, fp]) => request(id, attrs, fp))

describe('STUN binding codec against RFC 5769', () => {
  it('reads the sample request (2.1): its FINGERPRINT checks, and its MESSAGE-INTEGRITY proves the vector intact', () => {
    const mi = SAMPLE_REQUEST.subarray(SAMPLE_REQUEST.length - 28, SAMPLE_REQUEST.length - 8)
    // MESSAGE-INTEGRITY is computed over the message up to it, with the length field counting up to its end
    const signed = SAMPLE_REQUEST.slice(0, SAMPLE_REQUEST.length - 32)
    new DataView(signed.buffer).setUint16(2, SAMPLE_REQUEST.length - 20 - 8)
    expect(createHmac('sha1', SAMPLE_PASSWORD).update(signed).digest()).toEqual(Buffer.from(mi))

    const parsed = decodeBindingRequest(SAMPLE_REQUEST)
    expect(parsed.transactionId).toEqual(TRANSACTION_ID)
    expect(parsed.fingerprint).toBe(true)
  })

  it('reads the long-term authentication sample (2.4): no FINGERPRINT, so none in the answer', () => {
    const parsed = decodeBindingRequest(SAMPLE_LONG_TERM_REQUEST)
    expect(parsed.fingerprint).toBe(false)
    expect(encodeBindingSuccess(parsed, { address: IPV4, port: PORT }).length).toBe(32)
  })

  it('writes XOR-MAPPED-ADDRESS exactly as the sample responses (2.2 IPv4, 2.3 IPv6)', () => {
    expect(encodeXorMappedAddress({ address: IPV4, port: PORT }, TRANSACTION_ID)).toEqual(IPV4_XOR_MAPPED)
    expect(encodeXorMappedAddress({ address: IPV6, port: PORT }, TRANSACTION_ID)).toEqual(IPV6_XOR_MAPPED)
  })

  it('reads the mapped address of the sample responses', () => {
    expect(decodeBindingSuccess(SAMPLE_IPV4_RESPONSE).mapped).toEqual({ address: IPV4, port: PORT })
    expect(decodeBindingSuccess(SAMPLE_IPV6_RESPONSE).mapped).toEqual({ address: IPV6, port: PORT })
  })

  it('answers the sample request with a response whose FINGERPRINT the RFC 5769 rules accept', () => {
    const reply = encodeBindingSuccess(decodeBindingRequest(SAMPLE_REQUEST), { address: IPV4, port: PORT })
    expect(reply.length).toBe(40)
    expect(reply.subarray(20, 32)).toEqual(IPV4_XOR_MAPPED)
    const fp = new DataView(reply.buffer).getUint32(36)
    expect(fp).toBe((crc32(reply.subarray(0, 32)) ^ FINGERPRINT_XOR) >>> 0)
    expect(decodeBindingSuccess(reply)).toEqual({
      transactionId: TRANSACTION_ID,
      mapped: { address: IPV4, port: PORT }
    })
  })

  it('computes CRC-32 as zlib does (check value of "123456789")', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926)
  })
})

describe('STUN binding decoder properties', () => {
  it('answers every well-formed binding request with its own transaction id and the address it came from', () => {
    fc.assert(
      fc.property(validRequestArb, fc.boolean(), fc.integer({ min: 0, max: 65535 }), (packet, v6, port) => {
        const parsed = decodeBindingRequest(packet)
        const address = v6 ? IPV6 : IPV4
        const reply = encodeBindingSuccess(parsed, { address, port })
        const back = decodeBindingSuccess(reply)
        expect(back.transactionId).toEqual(packet.subarray(8, 20))
        expect(back.mapped).toEqual({ address, port })
        // no amplification: a response is at most 24 bytes over the request it answers
        expect(reply.length).toBeLessThanOrEqual(packet.length + 24)
      }),
      { numRuns: RUNS }
    )
  })

  it('never throws anything but a decode error on random or mutated packets', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), mutatedArb(validRequestArb)), (packet) => {
        const parsed = decodeOrReject(() => decodeBindingRequest(packet))
        if (parsed != null) {
          // whatever passes is a binding request in the sense of RFC 8489: header, cookie, length, attributes
          const dv = new DataView(packet.buffer, packet.byteOffset, packet.byteLength)
          expect(dv.getUint16(0)).toBe(BINDING_REQUEST)
          expect(dv.getUint32(4)).toBe(MAGIC_COOKIE)
          expect(dv.getUint16(2) + 20).toBe(packet.length)
        }
        decodeOrReject(() => decodeBindingSuccess(packet))
      }),
      { numRuns: RUNS }
    )
  })

  it('refuses other message types, a wrong FINGERPRINT and unknown comprehension-required attributes', () => {
    const id = TRANSACTION_ID
    const indication = request(id)
    new DataView(indication.buffer).setUint16(0, 0x0011)
    expect(decodeOrReject(() => decodeBindingRequest(indication))).toBeUndefined()
    const badFingerprint = request(id, [], true)
    badFingerprint[badFingerprint.length - 1] ^= 1
    expect(decodeOrReject(() => decodeBindingRequest(badFingerprint))).toBeUndefined()
    expect(decodeOrReject(() => decodeBindingRequest(request(id, [[0x0003, new Uint8Array(4)]])))).toBeUndefined()
    expect(decodeOrReject(() => decodeBindingRequest(request(id, [[0x0024, new Uint8Array(4)]])))).toBeDefined()
    expect(decodeOrReject(() => decodeBindingRequest(new Uint8Array(1000)))).toBeUndefined()
  })
})

describe('ipBytes', () => {
  it('reads the forms Node prints and refuses the rest', () => {
    expect(ipBytes('10.0.0.1')).toEqual(Uint8Array.from([10, 0, 0, 1]))
    expect(ipBytes('::1')).toEqual(Uint8Array.from([...new Array(15).fill(0), 1]))
    expect(ipBytes('fe80::1%eth0')?.[0]).toBe(0xfe)
    expect(ipBytes('::ffff:1.2.3.4')?.subarray(10)).toEqual(Uint8Array.from([0xff, 0xff, 1, 2, 3, 4]))
    for (const bad of ['1.2.3', '256.0.0.1', '1::2::3', 'x', '1:2:3:4:5:6:7:8:9', '']) {
      expect(ipBytes(bad)).toBeUndefined()
    }
  })

  it('round-trips any IPv6 address written out in full', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), (groups) => {
        const bytes = ipBytes(groups.map((g) => g.toString(16)).join(':'))
        expect(bytes).toEqual(Uint8Array.from(groups.flatMap((g) => [g >> 8, g & 0xff])))
      })
    )
  })
})
