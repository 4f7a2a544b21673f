import type { AbortOptions, Stream, StreamCloseEvent } from '@libp2p/interface'
import * as varint from 'uint8-varint'
import { Uint8ArrayList } from 'uint8arraylist'
import { InvalidMessageError, MessageTooLargeError } from '../common/errors.ts'
import { READ_HIGH_WATER_BYTES } from './constants.ts'
import { TransferInterruptedError, TransferStalledError } from './errors.ts'

/** Longest varint that can prefix a frame we accept. */
const MAX_LENGTH_BYTES = 5

/**
 * Reads a stream with real backpressure: once `highWater` bytes wait unread it pauses the stream, so the
 * muxer stops granting the sender window, and resumes when the reader catches up. (Iterating a stream, or
 * lpStream, buffers without limit or fails when the buffer fills.)
 */
export class StreamReader {
  private readonly buffer = new Uint8ArrayList()
  private ended = false
  private pausing = false
  private error?: Error
  private wake?: () => void

  constructor(
    private readonly stream: Stream,
    private readonly highWater: number = READ_HIGH_WATER_BYTES
  ) {
    stream.addEventListener('message', (evt) => {
      this.buffer.append(evt.data)
      if (this.buffer.byteLength >= this.highWater && !this.pausing) {
        // not synchronously: this listener also runs inside stream.resume(), which would undo a pause made here
        this.pausing = true
        queueMicrotask(() => {
          this.pausing = false
          if (this.buffer.byteLength >= this.highWater && stream.readStatus === 'readable') {
            stream.pause()
          }
        })
      }
      this.notify()
    })
    stream.addEventListener('remoteCloseWrite', () => {
      this.ended = true
      this.notify()
    })
    stream.addEventListener('close', (evt: StreamCloseEvent) => {
      this.ended = true
      this.error ??= evt.error
      this.notify()
    })
    if (stream.remoteWriteStatus !== 'writable' && stream.readBufferLength === 0) {
      this.ended = true
    }
  }

  /** Bytes waiting to be read. */
  get buffered(): number {
    return this.buffer.byteLength
  }

  /** Reads one varint-length-prefixed frame of at most `maxLength` bytes. */
  async readFrame(maxLength: number, options: AbortOptions = {}): Promise<Uint8ArrayList> {
    let length = -1
    let prefix = 0
    for (;;) {
      if (this.buffer.byteLength > 0) {
        prefix = Math.min(this.buffer.byteLength, MAX_LENGTH_BYTES)
        const head = this.buffer.subarray(0, prefix)
        const end = head.findIndex((b) => (b & 0x80) === 0)
        if (end >= 0) {
          prefix = end + 1
          length = varint.decode(head.subarray(0, prefix))
          break
        }
        if (prefix === MAX_LENGTH_BYTES) {
          throw new InvalidMessageError('frame length prefix too long')
        }
      }
      await this.more(options)
    }
    if (length > maxLength) {
      throw new MessageTooLargeError(`frame is ${length} bytes, the limit is ${maxLength}`)
    }
    while (this.buffer.byteLength < prefix + length) {
      await this.more(options)
    }
    const frame = this.buffer.sublist(prefix, prefix + length)
    this.consume(prefix + length)
    return frame
  }

  /** Yields everything the remote sends until it closes its side; throws if the stream is reset or aborted. */
  async *rest(options: AbortOptions = {}): AsyncGenerator<Uint8ArrayList> {
    for (;;) {
      if (this.buffer.byteLength > 0) {
        const chunk = this.buffer.sublist()
        this.consume(chunk.byteLength)
        yield chunk
        continue
      }
      if (this.ended) {
        this.throwIfFailed()
        return
      }
      await this.more(options)
    }
  }

  private consume(bytes: number): void {
    this.buffer.consume(bytes)
    if (this.buffer.byteLength < this.highWater / 2 && this.stream.readStatus === 'paused') {
      this.stream.resume()
    }
  }

  private throwIfFailed(): void {
    if (this.error != null) {
      throw new TransferInterruptedError(`stream failed: ${this.error.message}`)
    }
  }

  /** Waits until more bytes arrive; throws if none can come. */
  private async more(options: AbortOptions): Promise<void> {
    options.signal?.throwIfAborted()
    if (this.ended) {
      this.throwIfFailed()
      throw new TransferInterruptedError('stream ended early')
    }
    const { promise, resolve } = Promise.withResolvers<void>()
    this.wake = resolve
    const onAbort = (): void => resolve()
    options.signal?.addEventListener('abort', onAbort, { once: true })
    try {
      await promise
    } finally {
      this.wake = undefined
      options.signal?.removeEventListener('abort', onAbort)
    }
    options.signal?.throwIfAborted()
  }

  private notify(): void {
    this.wake?.()
  }
}

/** Writes one varint-length-prefixed frame. */
export async function writeFrame(stream: Stream, frame: Uint8Array, options: AbortOptions = {}): Promise<void> {
  await send(stream, new Uint8ArrayList(varint.encode(frame.byteLength), frame), options)
}

export interface SendOptions extends AbortOptions {
  /**
   * A drain that does not come within this long aborts the stream with TransferStalledError. libp2p does not
   * time streams out (`stream.inactivityTimeout` is unused in @libp2p/utils 7) and yamux only logs failed
   * keep-alive pings, so a peer that stops reading while its connection stays up (a stopped process, a
   * half-open TCP connection after a partition) would otherwise hold the writer forever.
   */
  idleTimeoutMs?: number
  /**
   * Returns once less than this is left unsent in the stream (default: the size of what this call added), so that a
   * writer sending block after block holds under two blocks.
   */
  maxUnsentBytes?: number
}

/**
 * Sends bytes, then waits while `maxUnsentBytes` or more of the stream's buffer is unsent and the stream waits for
 * window. Waits for `drain` events themselves: in @libp2p/utils 7, `stream.onDrain()` keeps its first resolved
 * promise, so after one drain it stops waiting. And one drain is not enough: yamux fires it on every window update,
 * however small, while most of the buffer is still unsent, so a writer that went on at each drain piled a slow
 * reader's whole download into its own memory (16 blocks sent, 12 MiB of them unsent) and counted it as sent.
 */
export async function send(
  stream: Stream,
  data: Uint8Array | Uint8ArrayList,
  options: SendOptions = {}
): Promise<void> {
  options.signal?.throwIfAborted()
  stream.send(data)
  const maxUnsent = options.maxUnsentBytes ?? data.byteLength
  // After send() or a drain has sent what the window allows, bytes left over mean the stream needs another drain
  // (the stream's own drain handler sends more, in a microtask queued before this function resumes); a stream that
  // needs one with nothing left over handed everything to a muxer that is full itself.
  while (stream.writableNeedsDrain && (stream.writeBufferLength === 0 || stream.writeBufferLength >= maxUnsent)) {
    await nextDrain(stream, options)
  }
}

/** The stream's next `drain`; rejects when it closes, the signal aborts, or no drain comes within the idle timeout. */
function nextDrain(stream: Stream, options: SendOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stalled =
      options.idleTimeoutMs == null
        ? undefined
        : setTimeout(() => {
            const err = new TransferStalledError(`the stream did not drain for ${options.idleTimeoutMs} ms`)
            stream.abort(err)
            done(err)
          }, options.idleTimeoutMs)
    const done = (err?: Error): void => {
      clearTimeout(stalled)
      stream.removeEventListener('drain', onDrain)
      stream.removeEventListener('close', onClose)
      options.signal?.removeEventListener('abort', onAbort)
      if (err != null) {
        reject(err)
      } else {
        resolve()
      }
    }
    const onDrain = (): void => done()
    const onClose = (evt: StreamCloseEvent): void => done(evt.error ?? new TransferInterruptedError('stream closed'))
    const onAbort = (): void => done(options.signal?.reason as Error)
    stream.addEventListener('drain', onDrain)
    stream.addEventListener('close', onClose)
    options.signal?.addEventListener('abort', onAbort)
  })
}
