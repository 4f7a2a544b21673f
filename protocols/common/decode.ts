import type { Uint8ArrayList } from 'uint8arraylist'
import { EmptyMessageError, InvalidMessageError, MessageTooLargeError } from './errors.ts'
import { MAX_ID_LENGTH } from './limits.ts'
import { validateText } from './text.ts'

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

/** validateText for received text: empty text on the wire is a malformed message, never an EmptyMessageError. */
export function checkText(text: string): string {
  try {
    return validateText(text)
  } catch (err) {
    throw err instanceof EmptyMessageError ? new InvalidMessageError('message text is empty') : err
  }
}

/** Converts a wire timestamp to ms since the epoch, refusing ones from too far in the future. */
export function checkTimestamp(ts: bigint, now: number, maxSkewMs: number): number {
  if (ts > BigInt(now + maxSkewMs)) {
    throw new InvalidMessageError('timestamp is in the future')
  }
  return Number(ts)
}
