import type { Uint8ArrayList } from 'uint8arraylist'
import { checkText, checkTimestamp, isValidId, safeDecode } from '../common/decode.ts'
import { InvalidMessageError } from '../common/errors.ts'
import { MAX_CLOCK_SKEW_MS, MAX_FRAME_BYTES } from '../common/limits.ts'
import { isValidName } from '../common/names.ts'
import { validateText } from '../common/text.ts'
import { LobbyMessage } from './pb/lobby.ts'

/** A lobby message as the rest of the code sees it: validated, timestamp in ms. */
export interface LobbyPost {
  id: string
  ts: number
  senderName: string
  text: string
}

/** Encodes a post after checking it against the same rules the receivers apply. */
export function encodeLobbyPost(post: LobbyPost): Uint8Array {
  validateText(post.text)
  return LobbyMessage.encode({ ...post, timestamp: BigInt(post.ts) })
}

/** Decodes and validates untrusted bytes; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeLobbyPost(bytes: Uint8Array | Uint8ArrayList, now: number = Date.now()): LobbyPost {
  const msg = safeDecode(bytes, MAX_FRAME_BYTES, (buf) => LobbyMessage.decode(buf))
  if (!isValidId(msg.id)) {
    throw new InvalidMessageError('bad message id')
  }
  if (!isValidName(msg.senderName)) {
    throw new InvalidMessageError('bad sender name')
  }
  checkText(msg.text)
  return {
    id: msg.id,
    ts: checkTimestamp(msg.timestamp, now, MAX_CLOCK_SKEW_MS),
    senderName: msg.senderName,
    text: msg.text
  }
}
