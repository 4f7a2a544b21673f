import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidMessageError, MessageTooLargeError } from '../../../protocols/common/errors.ts'
import { MAX_CLOCK_SKEW_MS, MAX_FRAME_BYTES } from '../../../protocols/common/limits.ts'
import { isValidName } from '../../../protocols/common/names.ts'
import { type Announcement, decodeAnnouncement, encodeAnnouncement } from '../../../protocols/presence/codec.ts'
import { MAX_ADDR_BYTES, MAX_ANNOUNCED_ADDRS } from '../../../protocols/presence/constants.ts'
import { Presence } from '../../../protocols/presence/pb/presence.ts'
import {
  anyStringArb,
  anyUint64Arb,
  asList,
  decodeOrReject,
  mutatedArb,
  NOW,
  nameArb,
  RUNS,
  randomBytesArb,
  tsArb
} from './fuzz.ts'

// /ip4/127.0.0.1/tcp/4001 in binary form
const LOOPBACK_ADDR = Uint8Array.of(0x04, 127, 0, 0, 1, 0x06, 0x0f, 0xa1)

const announcement: Announcement = { kind: 'join', name: 'carol', ts: NOW, addrs: [LOOPBACK_ADDR] }

const kindArb = fc.constantFrom('alive' as const, 'join' as const, 'leave' as const)
const addrArb = fc.uint8Array({ minLength: 1, maxLength: MAX_ADDR_BYTES })

const announcementArb: fc.Arbitrary<Announcement> = fc.record({
  kind: kindArb,
  name: nameArb,
  ts: tsArb,
  addrs: fc.array(fc.oneof(addrArb, fc.constant(LOOPBACK_ADDR)), { maxLength: MAX_ANNOUNCED_ADDRS }),
  lifetimeMs: fc.option(fc.integer({ min: 1, max: 0xffff_ffff }), { nil: undefined })
})

function expectValid(a: Announcement): void {
  expect(['alive', 'join', 'leave']).toContain(a.kind)
  expect(isValidName(a.name)).toBe(true)
  expect(Number.isSafeInteger(a.ts)).toBe(true)
  expect(a.ts).toBeLessThanOrEqual(NOW + MAX_CLOCK_SKEW_MS)
  expect(a.addrs.length).toBeLessThanOrEqual(MAX_ANNOUNCED_ADDRS)
  for (const addr of a.addrs) {
    expect(addr.byteLength).toBeGreaterThan(0)
    expect(addr.byteLength).toBeLessThanOrEqual(MAX_ADDR_BYTES)
  }
}

/** Plain arrays, so that Buffer-backed and Uint8Array-backed bytes compare equal. */
function plain(a: Announcement): Omit<Announcement, 'addrs'> & { addrs: number[][] } {
  return { ...a, addrs: a.addrs.map((x) => [...x]) }
}

describe('presence codec', () => {
  it.each(['alive', 'join', 'leave'] as const)('round-trips a %s announcement', (kind) => {
    expect(plain(decodeAnnouncement(encodeAnnouncement({ ...announcement, kind }), NOW))).toEqual(
      plain({ ...announcement, kind })
    )
  })

  it("round-trips where the announcer's lobby posts stand, and leaves it out when both numbers are 0", () => {
    const withTail = { ...announcement, lobbyTail: { epoch: NOW - 5_000, seq: 42 } }
    expect(plain(decodeAnnouncement(encodeAnnouncement(withTail), NOW))).toEqual(plain(withTail))
    expect(decodeAnnouncement(encodeAnnouncement(announcement), NOW).lobbyTail).toBeUndefined()
  })

  it('rejects a lobby position with one number and not the other, or past 2^53', () => {
    const wire = (lobbyEpoch: bigint, lobbySeq: bigint) =>
      Presence.encode({
        kind: Presence.Kind.ALIVE,
        name: 'carol',
        timestamp: BigInt(NOW),
        addrs: [],
        lobbyEpoch,
        lobbySeq
      })
    expect(() => decodeAnnouncement(wire(0n, 3n), NOW)).toThrow(InvalidMessageError)
    expect(() => decodeAnnouncement(wire(BigInt(NOW), 0n), NOW)).toThrow(InvalidMessageError)
    expect(() => decodeAnnouncement(wire(2n ** 60n, 1n), NOW)).toThrow(InvalidMessageError)
  })

  it('round-trips an announcement with no addresses', () => {
    expect(decodeAnnouncement(encodeAnnouncement({ ...announcement, addrs: [] }), NOW).addrs).toEqual([])
  })

  it('accepts MAX_ANNOUNCED_ADDRS addresses and rejects one more', () => {
    const addrs = Array.from({ length: MAX_ANNOUNCED_ADDRS }, () => LOOPBACK_ADDR)
    expect(decodeAnnouncement(encodeAnnouncement({ ...announcement, addrs }), NOW).addrs).toHaveLength(
      MAX_ANNOUNCED_ADDRS
    )
    const tooMany = encodeAnnouncement({ ...announcement, addrs: [...addrs, LOOPBACK_ADDR] })
    expect(() => decodeAnnouncement(tooMany, NOW)).toThrow(InvalidMessageError)
  })

  it('rejects an empty or oversized address', () => {
    const empty = encodeAnnouncement({ ...announcement, addrs: [new Uint8Array(0)] })
    expect(() => decodeAnnouncement(empty, NOW)).toThrow(InvalidMessageError)
    const big = encodeAnnouncement({ ...announcement, addrs: [new Uint8Array(MAX_ADDR_BYTES + 1).fill(1)] })
    expect(() => decodeAnnouncement(big, NOW)).toThrow(InvalidMessageError)
  })

  it.each([
    ['an empty name', { name: '' }],
    ['a name of 33 characters', { name: 'c'.repeat(33) }],
    ['a name with a newline', { name: 'car\nol' }],
    ['a name with #', { name: '#carol' }],
    ['a future timestamp', { ts: NOW + MAX_CLOCK_SKEW_MS + 1 }]
  ])('rejects %s with InvalidMessageError', (_what, change) => {
    expect(() => decodeAnnouncement(encodeAnnouncement({ ...announcement, ...change }), NOW)).toThrow(
      InvalidMessageError
    )
  })

  it('rejects an unknown kind', () => {
    // field 1 (kind), varint 3: no such kind; then a valid name
    const bytes = Uint8Array.of(0x08, 0x03, 0x12, 0x01, 0x63)
    expect(() => decodeAnnouncement(bytes, NOW)).toThrow(InvalidMessageError)
  })

  it('rejects frames over MAX_FRAME_BYTES with MessageTooLargeError', () => {
    expect(() => decodeAnnouncement(new Uint8Array(MAX_FRAME_BYTES + 1), NOW)).toThrow(MessageTooLargeError)
  })
})

describe('presence codec properties', () => {
  it('round-trips every valid announcement, whole or chunked', () => {
    fc.assert(
      fc.property(announcementArb, fc.array(fc.nat(), { maxLength: 4 }), (a, cuts) => {
        const bytes = encodeAnnouncement(a)
        expect(plain(decodeAnnouncement(bytes, NOW))).toEqual(plain(a))
        expect(plain(decodeAnnouncement(asList(bytes, cuts), NOW))).toEqual(plain(a))
      }),
      { numRuns: RUNS }
    )
  })

  it('random bytes: a valid announcement or a decode error, nothing else', () => {
    fc.assert(
      fc.property(randomBytesArb, (bytes) => {
        const a = decodeOrReject(() => decodeAnnouncement(bytes, NOW))
        if (a != null) {
          expectValid(a)
        }
      }),
      { numRuns: RUNS }
    )
  })

  it('mutated encodings: a valid announcement or a decode error, nothing else', () => {
    let accepted = 0
    let rejected = 0
    fc.assert(
      fc.property(mutatedArb(announcementArb.map(encodeAnnouncement)), (bytes) => {
        const a = decodeOrReject(() => decodeAnnouncement(bytes, NOW))
        if (a == null) {
          rejected++
        } else {
          accepted++
          expectValid(a)
        }
      }),
      { numRuns: RUNS }
    )
    expect(accepted).toBeGreaterThan(0)
    expect(rejected).toBeGreaterThan(0)
  })

  it('hostile field values: accepted exactly when every rule holds', () => {
    fc.assert(
      fc.property(
        fc.record({
          kind: fc.constantFrom(Presence.Kind.ALIVE, Presence.Kind.JOIN, Presence.Kind.LEAVE),
          name: anyStringArb,
          timestamp: anyUint64Arb,
          addrs: fc.array(fc.uint8Array({ maxLength: MAX_ADDR_BYTES + 2 }), { maxLength: MAX_ANNOUNCED_ADDRS + 2 }),
          lifetimeMs: fc.nat({ max: 0xffff_ffff })
        }),
        (fields) => {
          const a = decodeOrReject(() => decodeAnnouncement(Presence.encode(fields), NOW))
          const valid =
            isValidName(fields.name) &&
            fields.timestamp <= BigInt(NOW + MAX_CLOCK_SKEW_MS) &&
            fields.addrs.length <= MAX_ANNOUNCED_ADDRS &&
            fields.addrs.every((x) => x.length > 0 && x.length <= MAX_ADDR_BYTES)
          expect(a != null).toBe(valid)
          if (a != null) {
            expect(a.name).toBe(fields.name)
            expect(a.ts).toBe(Number(fields.timestamp))
            expect(a.addrs.map((x) => [...x])).toEqual(fields.addrs.map((x) => [...x]))
            // 0 is what an older version sends: no lifetime asked, the receiver's own TTL applies
            expect(a.lifetimeMs).toBe(fields.lifetimeMs === 0 ? undefined : fields.lifetimeMs)
          }
        }
      ),
      { numRuns: RUNS }
    )
  })
})
