import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import { InvalidMessageError, MessageTooLargeError } from '../../../protocols/common/errors.ts'
import { MAX_ID_LENGTH, MAX_TEXT_BYTES } from '../../../protocols/common/limits.ts'
import { isValidName, MAX_NAME_LENGTH } from '../../../protocols/common/names.ts'
import { utf8Length } from '../../../protocols/common/text.ts'
import { type Mutation, mutate } from '../../fuzz/mutate.ts'

/** Fixed clock for decoders, so generated timestamps are valid or not independently of when the test runs. */
export const NOW = 1_700_000_000_000

/** Runs per decoder property: enough to shake out parser edge cases, fast enough for the unit suite. */
export const RUNS = 1000

/** Calls a decoder: the value it returns, or undefined when it rejected the bytes with a decode error. */
export function decodeOrReject<T>(decode: () => T): T | undefined {
  try {
    return decode()
  } catch (err) {
    if (err instanceof InvalidMessageError || err instanceof MessageTooLargeError) {
      if (err.message.length === 0) {
        throw new Error(`${err.name} without a message`)
      }
      return undefined
    }
    // Anything else escaping a decoder is the bug these properties look for: fail with it.
    throw err
  }
}

/** Whether `decode` returns or throws one of the named decode errors; anything else fails the property. */
export function onlyDecodeErrors(decode: () => unknown): boolean {
  try {
    decode()
    return true
  } catch (err) {
    return err instanceof InvalidMessageError || err instanceof MessageTooLargeError
  }
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) })
)

/** Valid encodings from `valid`, each with one to four edits. */
export function mutatedArb(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(valid, fc.array(mutationArb, { minLength: 1, maxLength: 4 }))
    .map(([bytes, mutations]) => mutate(bytes, mutations))
}

/** `good` with one byte set and, one time in three, cut short: cheap corruptions of a fixed valid encoding. */
export function corruptedArb(good: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.nat({ max: good.length }))
    .map(([i, byte, cut]) => {
      const copy = Uint8Array.from(good)
      copy[i] = byte
      return cut % 3 === 0 ? copy.subarray(0, cut) : copy
    })
}

/** Arbitrary bytes, mostly short (where parsers branch) and sometimes long. */
export const randomBytesArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }) }
)

/** The same bytes as a Uint8ArrayList cut into chunks, the form stream readers hand to decoders. */
export function asList(bytes: Uint8Array, cuts: number[]): Uint8ArrayList {
  const points = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))].sort((a, b) => a - b)
  const list = new Uint8ArrayList()
  let from = 0
  for (const p of points) {
    list.append(bytes.subarray(from, p))
    from = p
  }
  list.append(bytes.subarray(from))
  return list
}

/** Message ids as senders generate them (UUIDs) and other ids that follow the rules. */
export const idArb: fc.Arbitrary<string> = fc.oneof(
  fc.uuid(),
  fc.stringMatching(new RegExp(`^[\\w-]{1,${MAX_ID_LENGTH}}$`))
)

/** Names that follow the rules, drawn from all of Unicode (emoji and other scripts included). */
export const nameArb: fc.Arbitrary<string> = fc
  .string({ unit: 'binary', minLength: 1, maxLength: MAX_NAME_LENGTH })
  .filter(isValidName)

/** Chat texts within the limit: any Unicode, and long ones close to MAX_TEXT_BYTES. */
export const textArb: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1200 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 4000, maxLength: MAX_TEXT_BYTES }) }
  )
  .filter((t) => t.trim().length > 0 && utf8Length(t) <= MAX_TEXT_BYTES)

/**
 * Sender timestamps up to the allowed clock skew past NOW. protons-runtime 7.1.2 mis-encodes uint64 values in
 * [2^31, 2^32) (LongBits keeps the low word signed), so that range (January 1970) is left out of round trips.
 */
export const tsArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  fc.integer({ min: 2 ** 32, max: NOW + 5 * 60 * 1000 })
)

/** Strings of any kind, for fields an attacker controls: empty, long, controls, all of Unicode. */
export const anyStringArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  fc.constantFrom('', ' ', '\t', '\n', '#', 'a#b', '\u200b', '\u202e'),
  fc.string({ unit: 'grapheme-ascii', minLength: 4090, maxLength: 4200 })
)

/** Any uint64 the encoder writes correctly (see tsArb), biased towards the edges and realistic timestamps. */
export const anyUint64Arb: fc.Arbitrary<bigint> = fc
  .oneof(
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    fc.constantFrom(0n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n, BigInt(NOW), BigInt(NOW + 5 * 60 * 1000 + 1)),
    fc.integer({ min: 0, max: NOW * 2 }).map(BigInt)
  )
  .filter((v) => v < 2n ** 31n || v >= 2n ** 32n)
