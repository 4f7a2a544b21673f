import fc from 'fast-check'
import {
  crc32,
  decodeBindingRequest,
  decodeStunInfo,
  encodeStunInfo,
  FINGERPRINT_XOR,
  MAGIC_COOKIE
} from '../../../protocols/stun/index.ts'
import { StunBudget } from '../../../relay/stun-budget.ts'
import { StunServer } from '../../../relay/stun-server.ts'
import { bytesFrom } from '../mutate.ts'
import { defineTarget, type Target } from '../target.ts'
import { decoderSpec } from './codecs.ts'

/** A Binding request with a random transaction id, a few optional attributes and, half the time, a FINGERPRINT. */
export const bindingRequestArb: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.uint8Array({ minLength: 12, maxLength: 12 }),
    fc.array(fc.tuple(fc.integer({ min: 0x8000, max: 0x8027 }), fc.uint8Array({ maxLength: 24 })), { maxLength: 3 }),
    fc.boolean()
  )
  .map(([id, attributes, fingerprint]) => {
    const body = attributes.reduce((n, [, v]) => n + 4 + ((v.length + 3) & ~3), 0) + (fingerprint ? 8 : 0)
    const out = new Uint8Array(20 + body)
    const dv = new DataView(out.buffer)
    dv.setUint16(0, 0x0001)
    dv.setUint16(2, body)
    dv.setUint32(4, MAGIC_COOKIE)
    out.set(id, 8)
    let at = 20
    for (const [type, value] of attributes) {
      dv.setUint16(at, type)
      dv.setUint16(at + 2, value.length)
      out.set(value, at + 4)
      at += 4 + ((value.length + 3) & ~3)
    }
    if (fingerprint) {
      dv.setUint16(at, 0x8028)
      dv.setUint16(at + 2, 4)
      dv.setUint32(at + 4, (crc32(out.subarray(0, at)) ^ FINGERPRINT_XOR) >>> 0)
    }
    return out
  })

/** The STUN binding decoder, the relay's responder fed raw datagrams, and the relay's STUN advertisement. */
export const stunTargets: Target[] = [
  defineTarget('stun.decodeBindingRequest', 'decoder', () => decoderSpec(bindingRequestArb, decodeBindingRequest)),
  defineTarget('stun.responder', 'handler', () => {
    const server = new StunServer({ port: 0, listen: [], budget: new StunBudget({ totalPerSecond: 1e9 }) })
    const source = fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 40 }))
    return {
      input: fc.tuple(bytesFrom(bindingRequestArb), source, fc.integer({ min: 0, max: 65_535 })),
      // a datagram never makes the responder throw: it answers or stays silent
      run: ([packet, address, port]) => server.answer({ send: () => {} }, packet, { address, port }),
      expected: () => false
    }
  }),
  defineTarget('stun.decodeStunInfo', 'decoder', () =>
    decoderSpec(
      fc.integer({ min: 0, max: 65_535 }).map((port) => encodeStunInfo(port)),
      decodeStunInfo
    )
  )
]
