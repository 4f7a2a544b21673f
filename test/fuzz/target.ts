import fc from 'fast-check'

/** What the fuzzer drives: a pure decoder, or a protocol handler fed through in-memory streams. */
export type TargetKind = 'decoder' | 'handler'

/** One fuzz target, set up and ready to run cases. */
export interface TargetSpec<T> {
  /** generated inputs: valid messages, mutated ones and random bytes */
  input: fc.Arbitrary<T>
  /** runs one case; what it throws is judged by `expected` */
  run: (input: T) => void | Promise<void>
  /** true for the named errors the target refuses bad input with; anything else escaping it is a crash */
  expected?: (err: unknown) => boolean
  /** how long one async case may take before it counts as a hang. @default CASE_TIMEOUT_MS */
  timeoutMs?: number
  /** releases what setting the target up took */
  close?: () => void | Promise<void>
}

/** A fuzz target as the registry lists it; `setup` may take time (keys, services), so it runs only when chosen. */
export interface Target {
  name: string
  kind: TargetKind
  setup: () => Promise<Session>
}

/** One generated input, bound to its target: run it, or show it for a replay. */
export interface Case {
  run: () => void | Promise<void>
  show: () => string
}

export interface Session {
  /** the cases of `batch`, generated from `seed`: the same seed and batch always give the same cases */
  cases: (seed: number, batch: number, size: number) => Case[]
  expected: (err: unknown) => boolean
  timeoutMs: number
  close: () => Promise<void>
}

/** Longest an async case may run: handlers here answer or give up within a few of their own (shortened) timeouts. */
export const CASE_TIMEOUT_MS = 5000

/** Errors the JavaScript runtime throws for programming mistakes; never a deliberate refusal. */
const RUNTIME_ERRORS = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'EvalError',
  'URIError',
  'AggregateError'
])

/** A named error class of the project or of libp2p: a refusal, not a crash. */
export function isNamedError(err: unknown): boolean {
  return err instanceof Error && !RUNTIME_ERRORS.has(err.name)
}

/** An error raised by a check of the fuzzer itself (a leaked stream, a hang): always a crash. */
export class FuzzFailure extends Error {
  static override readonly name = 'FuzzFailure'
  override readonly name = 'FuzzFailure'
}

/** Wraps a spec factory as a registry entry; the factory runs once per fuzz session. */
export function defineTarget<T>(
  name: string,
  kind: TargetKind,
  setup: () => TargetSpec<T> | Promise<TargetSpec<T>>
): Target {
  return {
    name,
    kind,
    setup: async () => {
      const spec = await setup()
      return {
        cases: (seed, batch, size) =>
          fc.sample(spec.input, { seed: mixSeed(seed, name, batch), numRuns: size }).map((input) => ({
            run: () => spec.run(input),
            show: () => show(input)
          })),
        expected: spec.expected ?? isNamedError,
        timeoutMs: spec.timeoutMs ?? CASE_TIMEOUT_MS,
        close: async () => {
          await spec.close?.()
        }
      }
    }
  }
}

/** A 32-bit seed for one batch of one target (FNV-1a), so that targets do not share inputs. */
export function mixSeed(seed: number, name: string, batch: number): number {
  let h = 0x811c9dc5
  for (const ch of `${seed}/${name}/${batch}`) {
    h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193)
  }
  return h | 0
}

/** A printable form of an input for a crash report: bytes as hex, the rest as JSON. */
export function show(input: unknown): string {
  const text = JSON.stringify(input, (_key, value: unknown) => {
    if (value instanceof Uint8Array) {
      return `0x${Buffer.from(value).toString('hex')}`
    }
    return typeof value === 'bigint' ? `${value}n` : value
  })
  return text.length > 2000 ? `${text.slice(0, 2000)}... (${text.length} characters)` : text
}
