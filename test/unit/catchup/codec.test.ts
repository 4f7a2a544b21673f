import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  decodeRequest,
  decodeResponseFrame,
  decodeSignedGossip,
  encodeRequest,
  encodeResponseFrame,
  encodeSignedGossip,
  type SignedGossip
} from '../../../protocols/catchup/codec.ts'
import { MAX_MESSAGES_PER_CONVERSATION, MAX_REQUEST_BYTES } from '../../../protocols/catchup/constants.ts'
import { checkSenderSeq } from '../../../protocols/common/decode.ts'
import { InvalidMessageError, MessageTooLargeError } from '../../../protocols/common/errors.ts'
import { decodeLobbyPost, encodeLobbyPost } from '../../../protocols/lobby/codec.ts'
import { decodeOrReject, mutatedArb, NOW, RUNS, randomBytesArb } from '../protocols/fuzz.ts'

const topicArb = fc.stringMatching(/^[\x21-\x7e]{1,128}$/)
const requestArb = fc.record({
  topic: topicArb,
  since: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  limit: fc.integer({ min: 1, max: MAX_MESSAGES_PER_CONVERSATION })
})
const gossipArb: fc.Arbitrary<SignedGossip> = fc.record({
  from: fc.uint8Array({ minLength: 1, maxLength: 64 }),
  data: fc.uint8Array({ minLength: 1, maxLength: 300 }),
  seqno: fc.uint8Array({ minLength: 8, maxLength: 8 }),
  topic: topicArb,
  signature: fc.uint8Array({ minLength: 64, maxLength: 64 })
}) as fc.Arbitrary<SignedGossip>

describe('catch-up codec', () => {
  it('round-trips requests, and any bytes decode to a valid request or a decode error', () => {
    fc.assert(
      fc.property(requestArb, (r) => {
        expect(decodeRequest(encodeRequest(r))).toEqual(r)
      }),
      { numRuns: RUNS }
    )
    fc.assert(
      fc.property(fc.oneof(randomBytesArb, mutatedArb(requestArb.map(encodeRequest))), (bytes) => {
        const r = decodeOrReject(() => decodeRequest(bytes))
        if (r != null) {
          expect(r.topic.length).toBeGreaterThan(0)
          expect(r.limit).toBeGreaterThanOrEqual(1)
          expect(r.limit).toBeLessThanOrEqual(MAX_MESSAGES_PER_CONVERSATION)
        }
      }),
      { numRuns: RUNS }
    )
  })

  it('refuses an oversized request, an empty topic and a zero limit with named errors', () => {
    expect(() => decodeRequest(new Uint8Array(MAX_REQUEST_BYTES + 1))).toThrow(MessageTooLargeError)
    expect(() => decodeRequest(encodeRequest({ topic: '', since: 0, limit: 1 }))).toThrow(InvalidMessageError)
    expect(() => decodeRequest(encodeRequest({ topic: 'x', since: 0, limit: 0 }))).toThrow(InvalidMessageError)
    expect(() => decodeRequest(Uint8Array.of(0xff, 0xff))).toThrow(InvalidMessageError)
  })

  it('round-trips answer frames built around stored messages, and rejects anything else with decode errors', () => {
    fc.assert(
      fc.property(fc.array(gossipArb, { maxLength: 5 }), fc.boolean(), fc.boolean(), (msgs, last, truncated) => {
        const frame = encodeResponseFrame({ status: 'ok', reason: '', last, truncated }, msgs.map(encodeSignedGossip))
        const decoded = decodeResponseFrame(frame)
        expect(decoded).toMatchObject({ status: 'ok', last, truncated })
        expect(decoded.messages.map(encodeSignedGossip)).toEqual(msgs.map(encodeSignedGossip))
      }),
      { numRuns: RUNS }
    )
    const valid = fc
      .array(gossipArb, { maxLength: 3 })
      .map((m) =>
        encodeResponseFrame({ status: 'ok', reason: '', last: true, truncated: false }, m.map(encodeSignedGossip))
      )
    fc.assert(
      fc.property(fc.oneof(randomBytesArb, mutatedArb(valid)), (bytes) => {
        decodeOrReject(() => decodeResponseFrame(bytes))
        decodeOrReject(() => decodeSignedGossip(bytes))
      }),
      { numRuns: RUNS }
    )
  })

  it('a refusal carries no messages and ends the answer', () => {
    const refusal = encodeResponseFrame({ status: 'refused', reason: 'no', last: true, truncated: false })
    expect(decodeResponseFrame(refusal)).toMatchObject({ status: 'refused', reason: 'no', messages: [] })
    const sneaky = encodeResponseFrame({ status: 'refused', reason: 'no', last: false, truncated: false })
    expect(() => decodeResponseFrame(sneaky)).toThrow(InvalidMessageError)
  })
})

describe('sequence numbers in posts', () => {
  it('round-trip in lobby posts, and posts of older versions (no numbers) still decode', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        (epoch, seq) => {
          const post = { id: 'p-1', ts: NOW - 1000, senderName: 'alice', text: 'hi', epoch, seq }
          expect(decodeLobbyPost(encodeLobbyPost(post), NOW)).toEqual(post)
        }
      )
    )
    const old = decodeLobbyPost(encodeLobbyPost({ id: 'p-1', ts: NOW, senderName: 'alice', text: 'hi' }), NOW)
    expect(old.seq).toBeUndefined()
    expect(old.epoch).toBeUndefined()
  })

  it('one number without the other, or one past 2^53, is malformed', () => {
    expect(checkSenderSeq(0n, 0n)).toBeUndefined()
    expect(checkSenderSeq(5n, 7n)).toEqual({ epoch: 5, seq: 7 })
    expect(() => checkSenderSeq(0n, 1n)).toThrow(InvalidMessageError)
    expect(() => checkSenderSeq(1n, 0n)).toThrow(InvalidMessageError)
    expect(() => checkSenderSeq(1n, 2n ** 60n)).toThrow(InvalidMessageError)
  })
})
