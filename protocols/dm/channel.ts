import type { Logger, PeerId, Stream } from '@libp2p/interface'
import { type FrameStream, frameStream } from '../common/frames.ts'
import { MAX_FRAME_BYTES } from '../common/limits.ts'
import { type Ack, decodeAck } from './codec.ts'
import { DeliveryFailedError } from './errors.ts'

export interface DmChannelInit {
  /** bytes of frames sent but not yet acknowledged, at most */
  maxUnackedBytes: number
  /** close the stream after this long with nothing in flight */
  idleCloseMs: number
  log: Logger
  /** called once when the channel stops taking DMs */
  onClosed: () => void
}

interface InFlight {
  id: string
  bytes: number
  /** replaced by a no-op when the sender gave up waiting */
  settle: (result: Ack | Error) => void
}

interface Waiter {
  bytes: number
  go: () => void
  fail: (err: Error) => void
}

/** Room for a frame's length prefix: frameStream buffers one frame plus this many prefix bytes. */
const PREFIX_ALLOWANCE = 10

/**
 * The sending end of one long-lived DM stream to a peer: frames are pipelined, the receiver acks each in
 * order and we match acks to senders by id. At most `maxUnackedBytes` are unacknowledged at a time, which
 * is what the receiver's one-frame read buffer can hold, so pipelining never overflows it.
 */
export class DmChannel {
  closed = false
  private readonly frames: FrameStream
  private readonly inFlight: InFlight[] = []
  private readonly waiting: Waiter[] = []
  private unackedBytes = 0
  private idleTimer?: ReturnType<typeof setTimeout>

  constructor(
    private readonly stream: Stream,
    private readonly peer: PeerId,
    private readonly init: DmChannelInit
  ) {
    this.frames = frameStream(stream, MAX_FRAME_BYTES)
    void this.readAcks()
    this.armIdleTimer()
  }

  /**
   * Sends one encoded DM and resolves with the receiver's ack; rejects with DeliveryFailedError. `signal`
   * ends the wait; if it is `timeout` that fired, the receiver is stalled and the stream is reset.
   */
  async exchange(id: string, frame: Uint8Array, signal: AbortSignal, timeout: AbortSignal): Promise<Ack> {
    if (this.closed) {
      throw new DeliveryFailedError(`the DM stream to ${this.peer} closed`)
    }
    if (signal.aborted) {
      // an 'abort' listener added now would never fire
      throw this.failure(signal.reason)
    }
    clearTimeout(this.idleTimer)
    const bytes = frame.byteLength + PREFIX_ALLOWANCE
    await this.reserve(bytes, signal)
    const { promise, resolve, reject } = Promise.withResolvers<Ack>()
    // settled by whoever comes first (ack, abort, stream failure); awaited only if the write went out
    promise.catch(() => {})
    const entry: InFlight = { id, bytes, settle: (r) => (r instanceof Error ? reject(r) : resolve(r)) }
    this.inFlight.push(entry)
    const onAbort = (): void => {
      // the frame may already be on its way: keep its bytes counted until its ack comes
      entry.settle = () => {}
      reject(this.failure(signal.reason))
      if (timeout.aborted) {
        // a receiver that has not acked in time will not ack what queues behind it either
        this.fail(this.failure(signal.reason))
      }
    }
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      await this.frames.write(frame, { signal })
      return await promise
    } catch (err) {
      if (!signal.aborted) {
        this.fail(this.failure(err))
      }
      throw err instanceof DeliveryFailedError ? err : this.failure(err)
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  /** Stops taking DMs: closes the stream if nothing is in flight, otherwise fails what is. */
  async close(): Promise<void> {
    if (this.inFlight.length > 0 || this.waiting.length > 0) {
      this.fail(new DeliveryFailedError(`the DM stream to ${this.peer} was closed`))
      return
    }
    this.markClosed()
    try {
      await this.stream.close({ signal: AbortSignal.timeout(this.init.idleCloseMs) })
    } catch (err) {
      this.stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }

  private async readAcks(): Promise<void> {
    try {
      for (;;) {
        this.onAck(decodeAck(await this.frames.read()))
      }
    } catch (err) {
      // also how a stream we closed ourselves ends: then nothing is left to fail
      this.fail(this.failure(err))
    }
  }

  private onAck(ack: Ack): void {
    if (ack.id === '') {
      if (ack.status === 'ok') {
        throw new DeliveryFailedError('acknowledgement without a message id')
      }
      // a refusal of the whole stream (or a frame it could not even read): it answers every DM on it
      this.markClosed()
      for (const entry of this.inFlight.splice(0)) {
        entry.settle(ack)
      }
      this.fail(new DeliveryFailedError(`${this.peer} closed the DM stream`))
      return
    }
    const index = this.inFlight.findIndex((e) => e.id === ack.id)
    if (index < 0) {
      this.init.log('ignoring an acknowledgement from %p for a DM not in flight', this.peer)
      return
    }
    const [entry] = this.inFlight.splice(index, 1)
    this.release(entry.bytes)
    entry.settle(ack)
  }

  /** Waits until `bytes` more fit in the unacknowledged window, first come first served. */
  private async reserve(bytes: number, signal: AbortSignal): Promise<void> {
    if (this.waiting.length === 0 && this.fits(bytes)) {
      this.unackedBytes += bytes
      return
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1)
        reject(this.failure(signal.reason))
      }
      const waiter: Waiter = {
        bytes,
        go: () => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        },
        fail: (err) => {
          signal.removeEventListener('abort', onAbort)
          reject(err)
        }
      }
      this.waiting.push(waiter)
      signal.addEventListener('abort', onAbort, { once: true })
    })
  }

  private fits(bytes: number): boolean {
    // one frame always goes, whatever its size: a lone frame never exceeds what the receiver buffers
    return this.unackedBytes === 0 || this.unackedBytes + bytes <= this.init.maxUnackedBytes
  }

  private release(bytes: number): void {
    this.unackedBytes -= bytes
    while (this.waiting.length > 0 && this.fits(this.waiting[0].bytes)) {
      const next = this.waiting.shift()
      if (next != null) {
        this.unackedBytes += next.bytes
        next.go()
      }
    }
    this.armIdleTimer()
  }

  /** Once nothing is in flight, the stream closes after `idleCloseMs` unless another DM comes. */
  private armIdleTimer(): void {
    if (this.inFlight.length > 0 || this.waiting.length > 0 || this.closed) {
      return
    }
    clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => {
      if (this.inFlight.length === 0 && this.waiting.length === 0) {
        void this.close()
      }
    }, this.init.idleCloseMs)
    this.idleTimer.unref?.()
  }

  /** Fails everything in flight or waiting and resets the stream; later sends get a new channel. */
  private fail(err: Error): void {
    this.markClosed()
    for (const entry of this.inFlight.splice(0)) {
      entry.settle(err)
    }
    for (const waiter of this.waiting.splice(0)) {
      waiter.fail(err)
    }
    if (this.stream.status === 'open') {
      this.init.log('DM stream to %p failed - %e', this.peer, err)
      this.stream.abort(err)
    }
  }

  private markClosed(): void {
    clearTimeout(this.idleTimer)
    if (!this.closed) {
      this.closed = true
      this.init.onClosed()
    }
  }

  private failure(err: unknown): DeliveryFailedError {
    if (err instanceof DeliveryFailedError) {
      return err
    }
    const reason = err instanceof Error ? err.message : String(err)
    return new DeliveryFailedError(`no acknowledgement from ${this.peer}: ${reason}`)
  }
}
