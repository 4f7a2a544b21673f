import type { Uint8ArrayList } from 'uint8arraylist'
import {
  type ChatLine,
  checkChatLine,
  checkSenderSeq,
  type SenderSeq,
  safeDecode,
  wireSenderSeq
} from '../common/decode.ts'
import { MAX_FRAME_BYTES } from '../common/limits.ts'
import { validateText } from '../common/text.ts'
import { LobbyMessage } from './pb/lobby.ts'

/** A lobby message as the rest of the code sees it: validated, timestamp in ms; posts of older versions have no seq. */
export type LobbyPost = ChatLine & Partial<SenderSeq>

/** Encodes a post after checking it against the same rules the receivers apply. */
export function encodeLobbyPost(post: LobbyPost): Uint8Array {
  validateText(post.text)
  return LobbyMessage.encode({
    id: post.id,
    timestamp: BigInt(post.ts),
    senderName: post.senderName,
    text: post.text,
    ...wireSenderSeq(post)
  })
}

/** Decodes and validates untrusted bytes; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeLobbyPost(bytes: Uint8Array | Uint8ArrayList, now: number = Date.now()): LobbyPost {
  const msg = safeDecode(bytes, MAX_FRAME_BYTES, (buf) => LobbyMessage.decode(buf))
  const seq = checkSenderSeq(msg.epoch, msg.seq)
  return { ...checkChatLine(msg, now), ...seq }
}
