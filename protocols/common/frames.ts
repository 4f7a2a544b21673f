import type { AbortOptions, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { Uint8ArrayList } from 'uint8arraylist'
import { InvalidMessageError, MessageTooLargeError } from './errors.ts'

/** Length-prefixed frames on a stream, each at most `maxBytes`. */
export interface FrameStream {
  /** Throws InvalidMessageError or MessageTooLargeError for bad bytes; timeouts and resets keep their own errors. */
  read(options?: AbortOptions): Promise<Uint8ArrayList>
  write(frame: Uint8Array, options?: AbortOptions): Promise<void>
}

/** Longest varint: 10 bytes encode any 64-bit length. */
const MAX_VARINT_BYTES = 10

/** Bytes a varint needs for `value`. */
function varintLength(value: number): number {
  let length = 1
  for (let v = value; v >= 0x80; v = Math.floor(v / 128)) {
    length++
  }
  return length
}

/**
 * A varint length decoder that gives up as soon as the prefix is longer than any allowed length needs.
 * The stock decoder keeps asking for one more byte while a prefix never ends, so a peer could stream
 * continuation bytes until the read timeout; this one refuses after a few bytes.
 */
function boundedLengthDecoder(maxBytes: number): (buf: Uint8ArrayList) => number {
  const maxPrefix = varintLength(maxBytes)
  return (buf) => {
    let value = 0
    for (let i = 0; i < buf.byteLength; i++) {
      const byte = buf.get(i)
      value += (byte & 0x7f) * 2 ** (7 * i)
      if (byte < 0x80) {
        return value
      }
      if (i + 1 >= maxPrefix) {
        throw new MessageTooLargeError(`length prefix announces more than ${maxBytes} bytes`)
      }
    }
    // lpStream reads another byte when the decoder throws a RangeError
    throw new RangeError('incomplete length prefix')
  }
}

/**
 * Whether `err` says the stream ended before a frame was whole: the other side closed or reset it, or its connection
 * went (no answer at all, rather than a wrong one), so asking again may well work.
 */
export function endedEarly(err: unknown): boolean {
  return err instanceof InvalidMessageError && err.cause instanceof Error && err.cause.name === 'UnexpectedEOFError'
}

/** What @libp2p/utils throws for bad framing, as our two decode errors; anything else passes through. */
function asFrameError(err: unknown, maxBytes: number): unknown {
  if (!(err instanceof Error) || err instanceof InvalidMessageError || err instanceof MessageTooLargeError) {
    return err
  }
  switch (err.name) {
    // announced length over the limit, or more bytes pushed than one frame can hold
    case 'InvalidDataLengthError':
    case 'InvalidDataLengthLengthError':
    case 'StreamBufferError':
      return new MessageTooLargeError(`frame is larger than ${maxBytes} bytes (${err.message})`)
    case 'UnexpectedEOFError':
      return new InvalidMessageError(`stream ended before a whole frame arrived (${err.message})`, { cause: err })
    case 'InvalidMessageLengthError':
      return new InvalidMessageError(`bad length prefix (${err.message})`)
    default:
      return err
  }
}

/**
 * Wraps `stream` for length-prefixed frames of at most `maxBytes`. Reads buffer at most one frame, so a peer
 * that pushes more than that is cut off instead of filling our memory; a protocol whose peer sends several frames
 * without waiting (an answer in pages) gives the most it reads in all as `maxBufferedBytes`.
 */
export function frameStream(stream: Stream, maxBytes: number, maxBufferedBytes = maxBytes): FrameStream {
  const lp = lpStream(stream, {
    maxDataLength: maxBytes,
    maxBufferSize: Math.max(maxBytes, maxBufferedBytes) + MAX_VARINT_BYTES,
    lengthDecoder: boundedLengthDecoder(maxBytes)
  })
  return {
    async read(options) {
      try {
        return await lp.read(options)
      } catch (err) {
        throw asFrameError(err, maxBytes)
      }
    },
    async write(frame, options) {
      await lp.write(frame, options)
    }
  }
}
