import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isValidId } from '../../../protocols/common/decode.ts'
import { EmptyMessageError, InvalidMessageError, MessageTooLargeError } from '../../../protocols/common/errors.ts'
import { MAX_CLOCK_SKEW_MS, MAX_FRAME_BYTES, MAX_TEXT_BYTES } from '../../../protocols/common/limits.ts'
import { isValidName } from '../../../protocols/common/names.ts'
import { utf8Length } from '../../../protocols/common/text.ts'
import { decodeLobbyPost, encodeLobbyPost, type LobbyPost } from '../../../protocols/lobby/codec.ts'
import { LobbyMessage } from '../../../protocols/lobby/pb/lobby.ts'
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

const post: LobbyPost = { id: 'c0ffee-1', ts: NOW - 1000, senderName: 'alice', text: 'hello, world' }

const postArb: fc.Arbitrary<LobbyPost> = fc.record({ id: idArb, ts: tsArb, senderName: nameArb, text: textArb })

/** Wire bytes with every field under the attacker's control, bypassing encodeLobbyPost's checks. */
function raw(fields: { id: string; timestamp: bigint; senderName: string; text: string }): Uint8Array {
  return LobbyMessage.encode(fields)
}

/** The rules every accepted post satisfies. */
function expectFollowsRules(p: LobbyPost): void {
  expect(isValidId(p.id)).toBe(true)
  expect(isValidName(p.senderName)).toBe(true)
  expect(p.text.trim().length).toBeGreaterThan(0)
  expect(utf8Length(p.text)).toBeLessThanOrEqual(MAX_TEXT_BYTES)
  expect(Number.isSafeInteger(p.ts)).toBe(true)
  expect(p.ts).toBeGreaterThanOrEqual(0)
  expect(p.ts).toBeLessThanOrEqual(NOW + MAX_CLOCK_SKEW_MS)
}

describe('lobby codec', () => {
  it('round-trips a post', () => {
    expect(decodeLobbyPost(encodeLobbyPost(post), NOW)).toEqual(post)
  })

  it('decodes from a chunked Uint8ArrayList', () => {
    expect(decodeLobbyPost(asList(encodeLobbyPost(post), [3, 7, 20]), NOW)).toEqual(post)
  })

  it('refuses to encode empty or oversized text', () => {
    expect(() => encodeLobbyPost({ ...post, text: '  \n ' })).toThrow(EmptyMessageError)
    expect(() => encodeLobbyPost({ ...post, text: 'x'.repeat(MAX_TEXT_BYTES + 1) })).toThrow(MessageTooLargeError)
  })

  it('accepts text of exactly MAX_TEXT_BYTES', () => {
    const text = 'é'.repeat(MAX_TEXT_BYTES / 2)
    expect(decodeLobbyPost(encodeLobbyPost({ ...post, text }), NOW).text).toBe(text)
  })

  it.each([
    ['an empty id', { id: '' }],
    ['an id with a space', { id: 'a b' }],
    ['an id over 64 characters', { id: 'a'.repeat(65) }],
    ['an empty sender name', { senderName: '' }],
    ['a sender name of 33 characters', { senderName: 'a'.repeat(33) }],
    ['a sender name with a control character', { senderName: 'ali\u001bce' }],
    ['a sender name with a space', { senderName: 'al ice' }],
    ['a sender name with #', { senderName: 'alice#3fa9' }],
    ['empty text', { text: '' }],
    ['whitespace-only text', { text: ' \t\n ' }],
    ['a timestamp beyond the allowed clock skew', { timestamp: BigInt(NOW + MAX_CLOCK_SKEW_MS + 1) }],
    ['a timestamp beyond 2^53', { timestamp: 2n ** 64n - 1n }]
  ])('rejects %s with InvalidMessageError', (_what, change) => {
    const bytes = raw({
      id: post.id,
      timestamp: BigInt(post.ts),
      senderName: post.senderName,
      text: post.text,
      ...change
    })
    expect(() => decodeLobbyPost(bytes, NOW)).toThrow(InvalidMessageError)
  })

  it('accepts a timestamp exactly at the skew limit', () => {
    const bytes = raw({ ...post, timestamp: BigInt(NOW + MAX_CLOCK_SKEW_MS) })
    expect(decodeLobbyPost(bytes, NOW).ts).toBe(NOW + MAX_CLOCK_SKEW_MS)
  })

  it('rejects text over MAX_TEXT_BYTES (counted in UTF-8 bytes) with MessageTooLargeError', () => {
    // 2049 two-byte characters: under the limit in UTF-16 code units, over it in UTF-8 bytes
    const bytes = raw({ ...post, timestamp: BigInt(post.ts), text: 'é'.repeat(MAX_TEXT_BYTES / 2 + 1) })
    expect(() => decodeLobbyPost(bytes, NOW)).toThrow(MessageTooLargeError)
  })

  it('rejects a frame over MAX_FRAME_BYTES with MessageTooLargeError before parsing it', () => {
    expect(() => decodeLobbyPost(new Uint8Array(MAX_FRAME_BYTES + 1), NOW)).toThrow(MessageTooLargeError)
  })

  it('rejects truncated and garbage bytes with InvalidMessageError', () => {
    const bytes = encodeLobbyPost(post)
    expect(() => decodeLobbyPost(bytes.subarray(0, bytes.length - 3), NOW)).toThrow(InvalidMessageError)
    expect(() => decodeLobbyPost(Uint8Array.of(0xff, 0xff, 0xff), NOW)).toThrow(InvalidMessageError)
    expect(() => decodeLobbyPost(new Uint8Array(0), NOW)).toThrow(InvalidMessageError)
  })
})

describe('lobby codec properties', () => {
  it('round-trips every valid post, whole or chunked', () => {
    fc.assert(
      fc.property(postArb, fc.array(fc.nat(), { maxLength: 4 }), (p, cuts) => {
        const bytes = encodeLobbyPost(p)
        expect(decodeLobbyPost(bytes, NOW)).toEqual(p)
        expect(decodeLobbyPost(asList(bytes, cuts), NOW)).toEqual(p)
      }),
      { numRuns: RUNS }
    )
  })

  it('random bytes: returns a post that follows the rules or throws a decode error, nothing else', () => {
    fc.assert(
      fc.property(randomBytesArb, (bytes) => {
        const p = decodeOrReject(() => decodeLobbyPost(bytes, NOW))
        if (p != null) {
          expectFollowsRules(p)
        }
      }),
      { numRuns: RUNS }
    )
  })

  it('mutated encodings: returns a post that follows the rules or throws a decode error, nothing else', () => {
    let accepted = 0
    let rejected = 0
    fc.assert(
      fc.property(mutatedArb(postArb.map(encodeLobbyPost)), (bytes) => {
        const p = decodeOrReject(() => decodeLobbyPost(bytes, NOW))
        if (p == null) {
          rejected++
        } else {
          accepted++
          expectFollowsRules(p)
        }
      }),
      { numRuns: RUNS }
    )
    // both outcomes must occur, or the mutations are not exercising the decoder
    expect(accepted).toBeGreaterThan(0)
    expect(rejected).toBeGreaterThan(0)
  })

  it('hostile field values: accepted exactly when every rule holds, and then unchanged', () => {
    fc.assert(
      fc.property(
        fc.record({ id: anyStringArb, timestamp: anyUint64Arb, senderName: anyStringArb, text: anyStringArb }),
        (fields) => {
          const p = decodeOrReject(() => decodeLobbyPost(raw(fields), NOW))
          const valid =
            isValidId(fields.id) &&
            isValidName(fields.senderName) &&
            fields.text.trim().length > 0 &&
            utf8Length(fields.text) <= MAX_TEXT_BYTES &&
            fields.timestamp <= BigInt(NOW + MAX_CLOCK_SKEW_MS)
          expect(p != null).toBe(valid)
          if (p != null) {
            expect(p).toEqual({
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
})
