import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import fc from 'fast-check'

/** Field values for structure-aware generation: mostly what the rules allow, sometimes just past them. */

/** Mostly `good`, sometimes `odd`: every validation branch gets both sides. */
export function mostly<T>(good: fc.Arbitrary<T>, odd: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 8, arbitrary: good }, { weight: 2, arbitrary: odd })
}

/** Strings an attacker controls: empty, blank, controls, lone surrogates, bidi, near the 4 KiB text limit. */
export const oddStringArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', '\t\n', '#', 'a#b', '\u200b', '\u202e', '\ud800', 'x'.repeat(65), '😀'.repeat(1025)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  // near the 4 KiB text limit in bytes; built by repetition, since generating 4,000 characters one by one is slow
  fc
    .tuple(fc.integer({ min: 1020, max: 1050 }), fc.constantFrom('x', 'é', '😀', 'abc '))
    .map(([n, unit]) => unit.repeat(Math.ceil((n * 4) / new TextEncoder().encode(unit).byteLength)))
)

export const idArb = mostly(fc.uuid(), oddStringArb)

export const nameArb = mostly(
  fc.constantFrom('alice', 'bob', 'zoë', '李', 'mallory_99', 'a'.repeat(32), '😀'),
  oddStringArb
)

export const textArb = mostly(
  fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }), fc.constant('hi 👋')),
  oddStringArb
)

/**
 * The clock generated timestamps are near, fixed so that a seed gives the same inputs on any day. Decoders that take
 * a clock are given this one; handlers read the real clock, to which these timestamps are simply in the past.
 */
export const NOW = 1_767_225_600_000

/** Timestamps near now, in the past, just past the allowed skew, and at the uint64 edges. */
export const tsArb: fc.Arbitrary<bigint> = mostly(
  fc.integer({ min: NOW - 60 * 60 * 1000, max: NOW + 60 * 1000 }).map(BigInt),
  fc.constantFrom(0n, BigInt(NOW + 5 * 60 * 1000 + 1), 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n, 4294967295n)
)

export const uint64Arb: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  fc.constantFrom(0n, 1n, 2n ** 32n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 64n - 1n),
  fc.nat().map(BigInt)
)

/** A uint64 field kept as a number (`jstype = JS_NUMBER`): any safe integer, the edges of 32 bits included. */
export const uint64NumberArb: fc.Arbitrary<number> = fc.oneof(
  fc.maxSafeNat(),
  fc.constantFrom(0, 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER),
  fc.nat()
)

export const uint32Arb: fc.Arbitrary<number> = fc.oneof(
  fc.nat({ max: 4096 }),
  fc.constantFrom(0, 1, 3600, 3601, 2 ** 31 - 1, 2 ** 32 - 1)
)

/** Bytes of exactly `length`, or of a length next to it. */
export function sizedBytesArb(length: number): fc.Arbitrary<Uint8Array<ArrayBuffer>> {
  return mostly(
    fc.uint8Array({ minLength: length, maxLength: length }),
    fc.oneof(
      fc.constant(new Uint8Array(0)),
      fc.uint8Array({ minLength: Math.max(0, length - 1), maxLength: length + 1 }),
      fc.uint8Array({ maxLength: 300 })
    )
  ).map((b) => Uint8Array.from(b))
}

/** Identities made once per session: PeerIds for fields that carry one. */
export interface PeerPool {
  keys: PrivateKey[]
  peers: PeerId[]
  /** a PeerId's multihash bytes, or bytes that only look like one */
  peerBytesArb: fc.Arbitrary<Uint8Array<ArrayBuffer>>
  peerStringArb: fc.Arbitrary<string>
}

export async function peerPool(size = 6): Promise<PeerPool> {
  // keys from fixed seeds: the same PeerIds in every run, so a seed replays the same bytes
  const keys = await Promise.all(
    Array.from({ length: size }, (_, i) => generateKeyPairFromSeed('Ed25519', new Uint8Array(32).fill(i + 1)))
  )
  const peers = keys.map((k) => peerIdFromPrivateKey(k))
  const multihashes = peers.map((p) => Uint8Array.from(p.toMultihash().bytes))
  const peerBytesArb = mostly(
    fc.constantFrom(...multihashes),
    fc.oneof(
      fc.uint8Array({ maxLength: 140 }).map((b) => Uint8Array.from(b)),
      // the identity multihash prefix of an Ed25519 key, then junk
      fc
        .uint8Array({ minLength: 0, maxLength: 40 })
        .map((b) => Uint8Array.from([0x00, 0x24, 0x08, 0x01, 0x12, 0x20, ...b]))
    )
  )
  const peerStringArb = mostly(
    fc.constantFrom(...peers.map((p) => p.toString())),
    fc.oneof(oddStringArb, fc.constantFrom('12D3KooW', 'QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N', 'bafz'))
  )
  return { keys, peers, peerBytesArb, peerStringArb }
}

/** Binary multiaddrs as peers announce them, and junk in their place. */
export const addrArb: fc.Arbitrary<Uint8Array<ArrayBuffer>> = mostly(
  fc
    .tuple(fc.nat({ max: 255 }), fc.integer({ min: 1, max: 65535 }))
    .map(([n, port]) => Uint8Array.from(multiaddr(`/ip4/10.0.0.${n}/tcp/${port}`).bytes)),
  fc.uint8Array({ maxLength: 300 }).map((b) => Uint8Array.from(b))
)
