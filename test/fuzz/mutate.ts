import fc from 'fast-check'

/** Structure-aware byte mutations: what a hostile peer does to a valid message before sending it. */

/** Bytes of `value` as a protobuf varint (values up to 2^64 - 1, as bigint so that huge lengths stay exact). */
export function varint(value: number | bigint): Uint8Array {
  const out: number[] = []
  let v = BigInt(value)
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80)
    v >>= 7n
  }
  out.push(Number(v))
  return Uint8Array.from(out)
}

/** `frame` behind its varint length prefix, as every stream protocol here sends it. */
export function lengthPrefixed(frame: Uint8Array): Uint8Array {
  return concat(varint(frame.byteLength), frame)
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.byteLength
  }
  return out
}

/** Lengths a liar announces: off by one, zero, past every limit, the 64-bit edge. */
const LIES: ReadonlyArray<bigint> = [
  0n,
  1n,
  127n,
  128n,
  0xffffn,
  0x10000n,
  2n ** 31n,
  2n ** 32n,
  2n ** 53n,
  2n ** 64n - 1n
]

/** One edit; positions are taken modulo the length so that every edit lands inside the bytes. */
export type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; count: number }
  | { op: 'truncate'; at: number }
  | { op: 'duplicate'; at: number; count: number }
  | { op: 'extend'; bytes: Uint8Array }
  /** rewrites the varint starting at `at` (a length, tag or number) to a lie, or to itself plus `delta` */
  | { op: 'lie'; at: number; lie: number; delta: number }
  /** inserts a length-delimited field that announces a huge length, or an overlong varint */
  | { op: 'huge'; at: number; field: number; lie: number }

/**
 * A small seeded PRNG (mulberry32). Mutations are drawn from it rather than from fast-check arbitraries: a case
 * stays a pure function of its fast-check seed, and drawing a few numbers costs nanoseconds, not microseconds.
 */
export function prng(seed: number): (below: number) => number {
  let a = seed | 0
  return (below) => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below)
  }
}

function randomBytes(next: (below: number) => number, length: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) {
    out[i] = next(256)
  }
  return out
}

/** One to four edits drawn from `seed`. */
export function randomMutations(seed: number): Mutation[] {
  const next = prng(seed)
  return Array.from({ length: 1 + next(4) }, (): Mutation => {
    const at = next(2 ** 31)
    switch (next(9)) {
      case 0:
        return { op: 'flip', at, bit: next(8) }
      case 1:
        return { op: 'set', at, value: [0, 1, 0x7f, 0x80, 0xff][next(5)] }
      case 2:
        return { op: 'insert', at, bytes: randomBytes(next, 1 + next(8)) }
      case 3:
        return { op: 'delete', at, count: 1 + next(16) }
      case 4:
        return { op: 'truncate', at }
      case 5:
        return { op: 'duplicate', at, count: 1 + next(64) }
      case 6:
        return { op: 'extend', bytes: randomBytes(next, 1 + next(64)) }
      case 7:
        return { op: 'lie', at, lie: next(LIES.length + 1) - 1, delta: next(5) - 2 }
      default:
        return { op: 'huge', at, field: 1 + next(20), lie: next(LIES.length + 1) - 1 }
    }
  })
}

/** Replaces the varint at `start` (ending at the first byte under 0x80, or the end of the bytes). */
function rewriteVarint(bytes: Uint8Array, start: number, lie: number, delta: number): Uint8Array {
  let end = start
  let value = 0n
  while (end < bytes.length && end - start < 10) {
    value |= BigInt(bytes[end] & 0x7f) << BigInt(7 * (end - start))
    if (bytes[end++] < 0x80) {
      break
    }
  }
  const next = lie >= 0 ? LIES[lie] : value + BigInt(delta)
  const clamped = next < 0n ? 0n : next >= 2n ** 64n ? 2n ** 64n - 1n : next
  return concat(bytes.subarray(0, start), varint(clamped), bytes.subarray(end))
}

function apply(out: Uint8Array, m: Mutation): Uint8Array {
  const pos = out.length === 0 ? 0 : m.op === 'extend' ? 0 : m.at % out.length
  switch (m.op) {
    case 'flip':
    case 'set': {
      if (out.length === 0) {
        return out
      }
      const copy = Uint8Array.from(out)
      copy[pos] = m.op === 'flip' ? copy[pos] ^ (1 << m.bit) : m.value
      return copy
    }
    case 'insert':
      return concat(out.subarray(0, pos), m.bytes, out.subarray(pos))
    case 'delete':
      return concat(out.subarray(0, pos), out.subarray(pos + m.count))
    case 'truncate':
      return out.slice(0, pos)
    case 'duplicate':
      return concat(out.subarray(0, pos + m.count), out.subarray(pos))
    case 'extend':
      return concat(out, m.bytes)
    case 'lie':
      return rewriteVarint(out, pos, m.lie, m.delta)
    case 'huge': {
      // a field header (wire type 2) and a length far past the bytes that follow, or a varint that never ends
      const length = m.lie >= 0 ? varint(LIES[m.lie]) : new Uint8Array(11).fill(0xff)
      return concat(out.subarray(0, pos), varint((m.field << 3) | 2), length, out.subarray(pos))
    }
  }
}

/** Applies the edits in order; the input is never changed. */
export function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  return mutations.reduce(apply, bytes)
}

/** Valid encodings from `valid`, each with one to four edits. */
export function mutatedArb(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(valid, fc.integer()).map(([bytes, seed]) => mutate(bytes, randomMutations(seed)))
}

/** Arbitrary bytes, mostly short (where parsers branch) and sometimes long. */
export const randomBytesArb: fc.Arbitrary<Uint8Array> = fc.integer().map((seed) => {
  const next = prng(seed)
  return randomBytes(next, next(5) === 0 ? next(4097) : next(65))
})

/** A protobuf field of any number and wire type, its payload well-formed or not. */
function randomField(next: (below: number) => number): Uint8Array {
  const wire = [0, 1, 2, 5, 3, 4, 6, 7][next(8)]
  const tag = varint((1 + next(20)) * 8 + wire)
  const payload = randomBytes(next, next(49))
  switch (wire) {
    case 0:
      return concat(tag, varint(next(2) === 0 ? LIES[next(LIES.length)] : BigInt(next(2 ** 31))))
    case 1:
      return concat(tag, payload.slice(0, 8))
    case 5:
      return concat(tag, payload.slice(0, 4))
    case 2:
      return concat(tag, varint(payload.byteLength), payload)
    default:
      return concat(tag, payload)
  }
}

/** Messages built of random protobuf fields: the decoder's schema, seen by someone who does not know it. */
export const randomFieldsArb: fc.Arbitrary<Uint8Array> = fc.integer().map((seed) => {
  const next = prng(seed)
  return concat(...Array.from({ length: next(13) }, () => randomField(next)))
})

/** What a decoder is fed: valid messages, mutated ones, random fields and random bytes. */
export function bytesFrom(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 2, arbitrary: valid },
    { weight: 6, arbitrary: mutatedArb(valid) },
    { weight: 1, arbitrary: randomFieldsArb },
    { weight: 1, arbitrary: randomBytesArb }
  )
}

/** Cuts `bytes` into chunks at the given points, the way a network hands them over. */
export function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  if (bytes.length === 0) {
    return [bytes]
  }
  const points = [...new Set(cuts.map((c) => c % bytes.length))].filter((p) => p > 0).sort((a, b) => a - b)
  const chunks: Uint8Array[] = []
  let from = 0
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, p))
    from = p
  }
  return chunks
}

/**
 * What the remote writes on a stream: `frames` length-prefixed, then as a whole either intact, edited (lengths that
 * lie, cut short, extended) or replaced by random bytes, and cut into chunks at random points.
 */
export function streamFrom(frames: fc.Arbitrary<Uint8Array[]>): fc.Arbitrary<Uint8Array[]> {
  const wire = frames.map((fs) => concat(...fs.map(lengthPrefixed)))
  return fc
    .tuple(
      fc.oneof(
        { weight: 4, arbitrary: wire },
        { weight: 4, arbitrary: mutatedArb(wire) },
        { weight: 1, arbitrary: randomBytesArb }
      ),
      fc.array(fc.nat(), { maxLength: 4 })
    )
    .map(([bytes, cuts]) => split(bytes, cuts))
}
