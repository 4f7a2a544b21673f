import type { Uint8ArrayList } from 'uint8arraylist'
import { safeDecode } from '../common/decode.ts'
import { InvalidMessageError } from '../common/errors.ts'
import { MAX_STUN_INFO_BYTES } from './constants.ts'
import { StunService } from './pb/stun.ts'

/** Encodes a relay's STUN advertisement: its responder's UDP port, 0 for none. */
export function encodeStunInfo(port: number): Uint8Array {
  return StunService.encode({ port })
}

/** Decodes a relay's STUN advertisement; throws InvalidMessageError for a port that cannot be one. */
export function decodeStunInfo(bytes: Uint8Array | Uint8ArrayList): number {
  const { port } = safeDecode(bytes, MAX_STUN_INFO_BYTES, (buf) => StunService.decode(buf))
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidMessageError(`STUN port ${port} is out of range`)
  }
  return port
}
