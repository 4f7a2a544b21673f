import type { Uint8ArrayList } from 'uint8arraylist'
import { EmptyMessageError, InvalidMessageError, MessageTooLargeError } from './errors.ts'
import { MAX_CLOCK_SKEW_MS, MAX_ID_LENGTH } from './limits.ts'
import { isValidName } from './names.ts'
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

/** A chat line (lobby post or DM) as the wire carries it. */
export interface WireChatLine {
  id: string
  timestamp: bigint
  senderName: string
  text: string
}

/** A validated chat line: the same fields, the timestamp in ms. */
export interface ChatLine {
  id: string
  ts: number
  senderName: string
  text: string
}

/** Applies the rules every received chat line obeys, lobby or DM alike. */
export function checkChatLine(msg: WireChatLine, now: number): ChatLine {
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

/** Where a post stands in its sender's stream of one conversation: the sender's run, and its count in that run. */
export interface SenderSeq {
  /** ms since the epoch when the sender's program started: a new run starts counting again */
  epoch: number
  /** 1 for the sender's first post in this conversation in this run, then one more for each */
  seq: number
}

const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER)

/**
 * Checks a wire (epoch, seq) pair: both 0 is a post of an older version (undefined); one without the other, or a
 * number past 2^53, is a malformed message.
 */
export function checkSenderSeq(epoch: bigint, seq: bigint): SenderSeq | undefined {
  if (epoch === 0n && seq === 0n) {
    return undefined
  }
  if (epoch === 0n || seq === 0n || epoch > MAX_SAFE_BIGINT || seq > MAX_SAFE_BIGINT) {
    throw new InvalidMessageError('bad sequence number')
  }
  return { epoch: Number(epoch), seq: Number(seq) }
}

/** The wire fields of an optional SenderSeq (0, 0 when absent). */
export function wireSenderSeq(s: Partial<SenderSeq>): { epoch: bigint; seq: bigint } {
  return { epoch: BigInt(s.epoch ?? 0), seq: BigInt(s.seq ?? 0) }
}

/** Numbers a sender's posts per conversation for one run of the program (the conversations it posts in). */
export class SenderSeqCounter {
  readonly epoch: number
  private readonly counts = new Map<string, number>()

  constructor(epoch: number = Date.now()) {
    this.epoch = epoch
  }

  /** The position of our last post in `conversation` in this run, if we posted there. */
  last(conversation: string): SenderSeq | undefined {
    const seq = this.counts.get(conversation)
    return seq == null ? undefined : { epoch: this.epoch, seq }
  }

  /** The position of our next post in `conversation`. */
  next(conversation: string): SenderSeq {
    const seq = (this.counts.get(conversation) ?? 0) + 1
    this.counts.set(conversation, seq)
    return { epoch: this.epoch, seq }
  }
}
