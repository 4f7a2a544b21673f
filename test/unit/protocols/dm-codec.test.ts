import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isValidId } from '../../../protocols/common/decode.ts'
import { EmptyMessageError, InvalidMessageError, MessageTooLargeError } from '../../../protocols/common/errors.ts'
import { MAX_CLOCK_SKEW_MS, MAX_FRAME_BYTES, MAX_ID_LENGTH, MAX_TEXT_BYTES } from '../../../protocols/common/limits.ts'
import { isValidName } from '../../../protocols/common/names.ts'
import { utf8Length } from '../../../protocols/common/text.ts'
import { type Ack, type Dm, decodeAck, decodeDm, encodeAck, encodeDm } from '../../../protocols/dm/codec.ts'
import { DirectMessage, DirectMessageAck } from '../../../protocols/dm/pb/dm.ts'
import {
  anyStringArb,
  anyUint64Arb,
  asList,
  decodeOrReject,
  idArb,
  mutatedArb,
  NOW,
  nameArb,
  RUNS,
  randomBytesArb,
  textArb,
  tsArb
} from './fuzz.ts'

const MAX_REASON_LENGTH = 256

const dm: Dm = { id: '5b1c7e0a-0d2e-4c3f-9a8b-7c6d5e4f3a2b', ts: NOW, senderName: 'bob', text: 'psst 🤫' }

const dmArb: fc.Arbitrary<Dm> = fc.record({ id: idArb, ts: tsArb, senderName: nameArb, text: textArb })

const ackArb: fc.Arbitrary<Ack> = fc.record({
  id: fc.oneof(fc.constant(''), idArb),
  status: fc.constantFrom('ok' as const, 'invalid' as const, 'refused' as const, 'undecryptable' as const),
  reason: fc.string({ unit: 'binary', maxLength: MAX_REASON_LENGTH })
})

function expectValidDm(d: Dm): void {
  expect(isValidId(d.id)).toBe(true)
  expect(isValidName(d.senderName)).toBe(true)
  expect(d.text.trim().length).toBeGreaterThan(0)
  expect(utf8Length(d.text)).toBeLessThanOrEqual(MAX_TEXT_BYTES)
  expect(Number.isSafeInteger(d.ts)).toBe(true)
  expect(d.ts).toBeLessThanOrEqual(NOW + MAX_CLOCK_SKEW_MS)
}

function expectValidAck(a: Ack): void {
  expect(['ok', 'invalid', 'refused', 'undecryptable']).toContain(a.status)
  expect(a.id.length).toBeLessThanOrEqual(MAX_ID_LENGTH)
  expect(a.reason.length).toBeLessThanOrEqual(MAX_REASON_LENGTH)
}

describe('DM codec', () => {
  it('round-trips a DM', () => {
    expect(decodeDm(encodeDm(dm), NOW)).toEqual(dm)
  })

  it('refuses to encode empty or oversized text', () => {
    expect(() => encodeDm({ ...dm, text: '' })).toThrow(EmptyMessageError)
    expect(() => encodeDm({ ...dm, text: '😀'.repeat(MAX_TEXT_BYTES / 4 + 1) })).toThrow(MessageTooLargeError)
  })

  it.each([
    ['an empty id', { id: '' }],
    ['an id with a slash', { id: 'a/b' }],
    ['a sender name of 33 characters', { senderName: 'b'.repeat(33) }],
    ['a sender name with a zero-width space', { senderName: 'b\u200bob' }],
    ['empty text', { text: '' }],
    ['whitespace-only text', { text: '\n\n' }],
    ['a future timestamp', { timestamp: BigInt(NOW + MAX_CLOCK_SKEW_MS + 1) }]
  ])('rejects %s with InvalidMessageError', (_what, change) => {
    const bytes = DirectMessage.encode({ ...dm, timestamp: BigInt(dm.ts), ...change })
    expect(() => decodeDm(bytes, NOW)).toThrow(InvalidMessageError)
  })

  it('rejects oversized text and frames with MessageTooLargeError', () => {
    const bigText = DirectMessage.encode({ ...dm, timestamp: BigInt(dm.ts), text: 'x'.repeat(MAX_TEXT_BYTES + 1) })
    expect(() => decodeDm(bigText, NOW)).toThrow(MessageTooLargeError)
    expect(() => decodeDm(new Uint8Array(MAX_FRAME_BYTES + 1), NOW)).toThrow(MessageTooLargeError)
  })

  it('rejects garbage with InvalidMessageError', () => {
    expect(() => decodeDm(Uint8Array.of(0x0a, 0x10, 0x41), NOW)).toThrow(InvalidMessageError)
  })
})

describe('DM ack codec', () => {
  it.each<Ack>([
    { id: dm.id, status: 'ok', reason: '' },
    { id: '', status: 'invalid', reason: 'message is empty' },
    { id: '', status: 'refused', reason: 'not accepting messages from you' }
  ])('round-trips a $status ack', (ack) => {
    expect(decodeAck(encodeAck(ack))).toEqual(ack)
  })

  it('truncates a long reason when encoding', () => {
    const ack = decodeAck(encodeAck({ id: 'x', status: 'invalid', reason: 'r'.repeat(1000) }))
    expect(ack.reason).toBe('r'.repeat(MAX_REASON_LENGTH))
  })

  it('decodes an empty frame as an ok ack with no id (all proto3 defaults)', () => {
    expect(decodeAck(new Uint8Array(0))).toEqual({ id: '', status: 'ok', reason: '' })
  })

  it('rejects an unknown status, overlong fields and oversized frames', () => {
    // field 2 (status), varint 7: no such status
    expect(() => decodeAck(Uint8Array.of(0x10, 0x07))).toThrow(InvalidMessageError)
    const longId = DirectMessageAck.encode({ id: 'i'.repeat(MAX_ID_LENGTH + 1) })
    expect(() => decodeAck(longId)).toThrow(InvalidMessageError)
    const longReason = DirectMessageAck.encode({ reason: 'r'.repeat(MAX_REASON_LENGTH + 1) })
    expect(() => decodeAck(longReason)).toThrow(InvalidMessageError)
    expect(() => decodeAck(new Uint8Array(MAX_FRAME_BYTES + 1))).toThrow(MessageTooLargeError)
  })
})

describe('DM codec properties', () => {
  it('round-trips every valid DM, whole or chunked', () => {
    fc.assert(
      fc.property(dmArb, fc.array(fc.nat(), { maxLength: 4 }), (d, cuts) => {
        const bytes = encodeDm(d)
        expect(decodeDm(bytes, NOW)).toEqual(d)
        expect(decodeDm(asList(bytes, cuts), NOW)).toEqual(d)
      }),
      { numRuns: RUNS }
    )
  })

  it('decodeDm on random bytes: a valid DM or a decode error, nothing else', () => {
    fc.assert(
      fc.property(randomBytesArb, (bytes) => {
        const d = decodeOrReject(() => decodeDm(bytes, NOW))
        if (d != null) {
          expectValidDm(d)
        }
      }),
      { numRuns: RUNS }
    )
  })

  it('decodeDm on mutated encodings: a valid DM or a decode error, nothing else', () => {
    let accepted = 0
    let rejected = 0
    fc.assert(
      fc.property(mutatedArb(dmArb.map(encodeDm)), (bytes) => {
        const d = decodeOrReject(() => decodeDm(bytes, NOW))
        if (d == null) {
          rejected++
        } else {
          accepted++
          expectValidDm(d)
        }
      }),
      { numRuns: RUNS }
    )
    expect(accepted).toBeGreaterThan(0)
    expect(rejected).toBeGreaterThan(0)
  })

  it('decodeDm on hostile field values: accepted exactly when every rule holds', () => {
    fc.assert(
      fc.property(
        fc.record({ id: anyStringArb, timestamp: anyUint64Arb, senderName: anyStringArb, text: anyStringArb }),
        (fields) => {
          const d = decodeOrReject(() => decodeDm(DirectMessage.encode(fields), NOW))
          const valid =
            isValidId(fields.id) &&
            isValidName(fields.senderName) &&
            fields.text.trim().length > 0 &&
            utf8Length(fields.text) <= MAX_TEXT_BYTES &&
            fields.timestamp <= BigInt(NOW + MAX_CLOCK_SKEW_MS)
          expect(d != null).toBe(valid)
          if (d != null) {
            expect(d).toEqual({
              id: fields.id,
              ts: Number(fields.timestamp),
              senderName: fields.senderName,
              text: fields.text
            })
          }
        }
      ),
      { numRuns: RUNS }
    )
  })

  it('round-trips every valid ack', () => {
    fc.assert(
      fc.property(ackArb, (a) => {
        expect(decodeAck(encodeAck(a))).toEqual(a)
      }),
      { numRuns: RUNS }
    )
  })

  it('decodeAck on random bytes: a valid ack or a decode error, nothing else', () => {
    fc.assert(
      fc.property(randomBytesArb, (bytes) => {
        const a = decodeOrReject(() => decodeAck(bytes))
        if (a != null) {
          expectValidAck(a)
        }
      }),
      { numRuns: RUNS }
    )
  })

  it('decodeAck on mutated encodings: a valid ack or a decode error, nothing else', () => {
    let accepted = 0
    let rejected = 0
    fc.assert(
      fc.property(mutatedArb(ackArb.map(encodeAck)), (bytes) => {
        const a = decodeOrReject(() => decodeAck(bytes))
        if (a == null) {
          rejected++
        } else {
          accepted++
          expectValidAck(a)
        }
      }),
      { numRuns: RUNS }
    )
    expect(accepted).toBeGreaterThan(0)
    expect(rejected).toBeGreaterThan(0)
  })

  it('decodeAck on hostile field values: accepted exactly when status is known and fields fit', () => {
    fc.assert(
      fc.property(
        fc.record({ id: anyStringArb, status: fc.integer({ min: -2, max: 6 }), reason: anyStringArb }),
        ({ id, status, reason }) => {
          // field 1 id, field 2 status as a raw varint (any value, not only the known ones), field 3 reason
          const bytes = DirectMessageAck.encode({ id, reason })
          const statusField = Uint8Array.of(0x10, ...varint(status))
          const frame = new Uint8Array([...bytes, ...statusField])
          const a = decodeOrReject(() => decodeAck(frame))
          const valid = status >= 0 && status <= 3 && id.length <= MAX_ID_LENGTH && reason.length <= MAX_REASON_LENGTH
          expect(a != null).toBe(valid)
          if (a != null) {
            expect(a).toEqual({ id, status: ['ok', 'invalid', 'refused', 'undecryptable'][status], reason })
          }
        }
      ),
      { numRuns: RUNS }
    )
  })
})

/** Protobuf varint of an int32 (negative ones take ten bytes, as the spec says). */
function varint(n: number): number[] {
  let v = BigInt.asUintN(64, BigInt(n))
  const out: number[] = []
  while (v > 127n) {
    out.push(Number(v & 127n) | 128)
    v >>= 7n
  }
  out.push(Number(v))
  return out
}
