import type { Uint8ArrayList } from 'uint8arraylist'
import { checkTimestamp, safeDecode } from '../common/decode.ts'
import { InvalidMessageError } from '../common/errors.ts'
import { MAX_CLOCK_SKEW_MS } from '../common/limits.ts'
import { MAX_NOTICE_AGE_MS, MAX_NOTICE_BYTES } from './constants.ts'
import { DeletionNotice } from './pb/deletion.ts'

/** A validated deletion notice; who sent it is the gossipsub envelope's signed `from`. */
export interface Notice {
  /** sender's clock, ms since the epoch */
  ts: number
}

export function encodeNotice(notice: Notice): Uint8Array {
  return DeletionNotice.encode({ timestamp: BigInt(notice.ts) })
}

/**
 * Decodes and validates untrusted bytes; a notice from the future or older than MAX_NOTICE_AGE_MS is invalid.
 * Throws InvalidMessageError or MessageTooLargeError only.
 */
export function decodeNotice(bytes: Uint8Array | Uint8ArrayList, now: number = Date.now()): Notice {
  const msg = safeDecode(bytes, MAX_NOTICE_BYTES, (buf) => DeletionNotice.decode(buf))
  const ts = checkTimestamp(msg.timestamp, now, MAX_CLOCK_SKEW_MS)
  if (ts < now - MAX_NOTICE_AGE_MS) {
    throw new InvalidMessageError('stale deletion notice')
  }
  return { ts }
}
