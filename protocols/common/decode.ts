import type { Uint8ArrayList } from 'uint8arraylist'
import { InvalidMessageError, MessageTooLargeError } from './errors.ts'
import { MAX_ID_LENGTH } from './limits.ts'

/** The one error family a decoder may throw: anything else escaping a decoder is a bug. */
export type DecodeError = InvalidMessageError | MessageTooLargeError

/**
 * Runs a protons decoder over untrusted bytes with a size cap, so that every failure,
 * whatever protons throws for it, surfaces as InvalidMessageError.
 */
export function safeDecode<T>(
  bytes: Uint8Array | Uint8ArrayList,
  maxBytes: number,
  decode: (buf: Uint8Array | Uint8ArrayList) => T
): T {
  if (bytes.byteLength > maxBytes) {
    throw new MessageTooLargeError(`frame is ${bytes.byteLength} bytes, the limit is ${maxBytes}`)
  }
  try {
    return decode(bytes)
  } catch (err) {
    throw new InvalidMessageError(`malformed message: ${err instanceof Error ? err.message : String(err)}`)
  }
}

/** A message id as we generate them: short and printable. */
export function isValidId(id: string): boolean {
  return id.length > 0 && id.length <= MAX_ID_LENGTH && /^[\w-]+$/.test(id)
}

/** Converts a wire timestamp to ms since the epoch, refusing ones from too far in the future. */
export function checkTimestamp(ts: bigint, now: number, maxSkewMs: number): number {
  if (ts > BigInt(now + maxSkewMs)) {
    throw new InvalidMessageError('timestamp is in the future')
  }
  return Number(ts)
}
