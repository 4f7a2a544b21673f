import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidMessageError, MessageTooLargeError } from '../../../protocols/common/errors.ts'
import { chooseChunkSize } from '../../../protocols/file/chunks.ts'
import {
  checkChunkHashes,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  type Offer,
  type Request
} from '../../../protocols/file/codec.ts'
import {
  MAX_CHUNK_SIZE,
  MAX_CHUNKS,
  MAX_FILE_SIZE,
  MAX_OFFER_TTL_MS,
  MAX_REQUEST_BYTES,
  MAX_RESPONSE_BYTES
} from '../../../protocols/file/constants.ts'

const offer: Offer = {
  id: '0123456789abcdef0123456789abcdef',
  name: 'holiday photos.zip',
  size: 5 * 1024 * 1024 + 3,
  sha256: new Uint8Array(32).fill(9),
  chunkSize: chooseChunkSize(5 * 1024 * 1024 + 3),
  senderName: 'alice',
  ttlMs: 60_000
}

/** Runs a decoder on untrusted bytes: it may return or throw the named decode errors, nothing else. */
function decodesOrThrowsNamed(decode: (b: Uint8Array) => unknown, bytes: Uint8Array): void {
  try {
    decode(bytes)
  } catch (err) {
    expect(err instanceof InvalidMessageError || err instanceof MessageTooLargeError).toBe(true)
  }
}

function mutate(valid: Uint8Array) {
  return fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }).map((edits) => {
    const out = Uint8Array.from(valid)
    for (const [at, value] of edits) {
      out[at % out.length] = value
    }
    return out
  })
}

describe('file protocol codec', () => {
  it('round-trips every request kind', () => {
    const requests: Request[] = [
      { kind: 'offer', offer },
      { kind: 'fetch', id: offer.id, offset: 2 * 1024 * 1024, wantHashes: true },
      { kind: 'decline', id: offer.id, reason: 'no thanks' },
      { kind: 'cancel', id: offer.id, reason: '' },
      { kind: 'complete', id: offer.id, reason: 'ab'.repeat(32) }
    ]
    for (const req of requests) {
      expect(decodeRequest(encodeRequest(req))).toEqual(req)
    }
  })

  it('round-trips every size, offset and lifetime, 2 to 4 GiB included', () => {
    // protons-runtime 7.1.2 wrote a uint64 between 2^31 and 2^32 as one byte of a five-byte varint, leaving the
    // other four as whatever the buffer held: a 3 GB file's offer went out corrupt
    const inBuggyRange = fc.integer({ min: 2 ** 31, max: 2 ** 32 - 1 })
    const offerable = fc.oneof(inBuggyRange, fc.integer({ min: 1, max: MAX_CHUNK_SIZE * MAX_CHUNKS }))
    const ttlMs = fc.integer({ min: 1, max: MAX_OFFER_TTL_MS })
    fc.assert(
      fc.property(offerable, ttlMs, (s, ttl) => {
        const o: Offer = { ...offer, size: s, chunkSize: chooseChunkSize(s), ttlMs: ttl }
        expect(decodeRequest(encodeRequest({ kind: 'offer', offer: o }))).toEqual({ kind: 'offer', offer: o })
      }),
      { numRuns: 500 }
    )
    fc.assert(
      fc.property(fc.oneof(inBuggyRange, fc.integer({ min: 0, max: MAX_FILE_SIZE })), (offset) => {
        const fetch: Request = { kind: 'fetch', id: offer.id, offset, wantHashes: false }
        expect(decodeRequest(encodeRequest(fetch))).toEqual(fetch)
      }),
      { numRuns: 500 }
    )
  })

  it('round-trips responses', () => {
    const hashes = new Uint8Array(64).fill(1)
    expect(decodeResponse(encodeResponse({ status: 'ok', chunkHashes: hashes }))).toEqual({
      status: 'ok',
      reason: '',
      chunkHashes: hashes
    })
    expect(decodeResponse(encodeResponse({ status: 'refused', reason: 'blocked' })).status).toBe('refused')
  })

  it('rejects offers that break the rules', () => {
    const bad: Array<Partial<Offer>> = [
      { id: 'short' },
      { id: '../../../../etc/passwd0000000000' },
      { name: '' },
      { name: 'x'.repeat(2000) },
      { sha256: new Uint8Array(31) },
      { chunkSize: 1000 },
      { chunkSize: 3 * 1024 * 1024 },
      { chunkSize: 1024 * 1024, size: 1024 * 1024 * 1024 * 1024 },
      { senderName: 'has space' },
      { ttlMs: 0 },
      { ttlMs: 30 * 24 * 60 * 60 * 1000 }
    ]
    for (const patch of bad) {
      expect(() => decodeRequest(encodeRequest({ kind: 'offer', offer: { ...offer, ...patch } }))).toThrow(
        InvalidMessageError
      )
    }
  })

  it('rejects oversized frames and partial hash lists', () => {
    expect(() => decodeRequest(new Uint8Array(MAX_REQUEST_BYTES + 1))).toThrow(MessageTooLargeError)
    expect(() => decodeResponse(new Uint8Array(MAX_RESPONSE_BYTES + 1))).toThrow(MessageTooLargeError)
    expect(() => decodeResponse(encodeResponse({ status: 'ok', chunkHashes: new Uint8Array(33) }))).toThrow(
      InvalidMessageError
    )
    expect(() => checkChunkHashes(new Uint8Array(32), offer)).toThrow(InvalidMessageError)
    expect(checkChunkHashes(new Uint8Array(6 * 32), offer).byteLength).toBe(6 * 32)
  })

  it('decodeRequest returns or throws a named decode error for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => decodesOrThrowsNamed(decodeRequest, bytes)),
      { numRuns: 2000 }
    )
    fc.assert(
      fc.property(mutate(encodeRequest({ kind: 'offer', offer })), (bytes) =>
        decodesOrThrowsNamed(decodeRequest, bytes)
      ),
      { numRuns: 2000 }
    )
  })

  it('decodeResponse returns or throws a named decode error for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => decodesOrThrowsNamed(decodeResponse, bytes)),
      { numRuns: 2000 }
    )
    fc.assert(
      fc.property(mutate(encodeResponse({ status: 'ok', reason: 'x', chunkHashes: new Uint8Array(96) })), (bytes) =>
        decodesOrThrowsNamed(decodeResponse, bytes)
      ),
      { numRuns: 2000 }
    )
  })
})
