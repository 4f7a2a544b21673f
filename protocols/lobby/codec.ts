import type { Uint8ArrayList } from 'uint8arraylist'
import { type ChatLine, checkChatLine, safeDecode } from '../common/decode.ts'
import { MAX_FRAME_BYTES } from '../common/limits.ts'
import { validateText } from '../common/text.ts'
import { LobbyMessage } from './pb/lobby.ts'

/** A lobby message as the rest of the code sees it: validated, timestamp in ms. */
export type LobbyPost = ChatLine

/** Encodes a post after checking it against the same rules the receivers apply. */
export function encodeLobbyPost(post: LobbyPost): Uint8Array {
  validateText(post.text)
  return LobbyMessage.encode({ ...post, timestamp: BigInt(post.ts) })
}

/** Decodes and validates untrusted bytes; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeLobbyPost(bytes: Uint8Array | Uint8ArrayList, now: number = Date.now()): LobbyPost {
  const msg = safeDecode(bytes, MAX_FRAME_BYTES, (buf) => LobbyMessage.decode(buf))
  return checkChatLine(msg, now)
}
