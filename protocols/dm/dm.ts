import type { AbortOptions, ComponentLogger, Connection, Logger, PeerId, Startable, Stream } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import type { Uint8ArrayList } from 'uint8arraylist'
import type { Bytes } from '../common/bytes.ts'
import { InvalidMessageError } from '../common/errors.ts'
import { type FrameStream, frameStream } from '../common/frames.ts'
import { MAX_FRAME_BYTES } from '../common/limits.ts'
import { openStreamReusing } from '../common/streams.ts'
import { AckQueue } from './ack-queue.ts'
import { DmChannel } from './channel.ts'
import { type AckStatus, type Dm, type DmFrame, decodeDmFrame, encodeAck, encodeDm, encodeSealedDm } from './codec.ts'
import {
  DM_IDLE_CLOSE_MS,
  DM_IDLE_TIMEOUT_MS,
  DM_PROTOCOL,
  DM_TIMEOUT_MS,
  MAX_INBOUND_STREAMS,
  MAX_OUTBOUND_STREAMS,
  MAX_UNACKED_BYTES
} from './constants.ts'
import { DeliveryFailedError, DeliveryRefusedError, UndecryptableError } from './errors.ts'

export interface DirectMessagesComponents {
  registrar: Registrar
  connectionManager: ConnectionManager
  logger: ComponentLogger
}

export interface DirectMessagesInit {
  /** @default DM_TIMEOUT_MS */
  timeoutMs?: number
  /** the sender closes a DM stream that carried nothing for this long. @default DM_IDLE_CLOSE_MS */
  idleCloseMs?: number
  /** the receiver drops a DM stream that carried nothing for this long. @default DM_IDLE_TIMEOUT_MS */
  idleTimeoutMs?: number
  /** @default MAX_INBOUND_STREAMS */
  maxInboundStreams?: number
  /** @default MAX_OUTBOUND_STREAMS */
  maxOutboundStreams?: number
  /** DMs must also flow over relayed (limited) connections. @default true */
  runOnLimitedConnection?: boolean
  /** Decides whether to take a DM from `peer`; refused ones are answered with status `refused` and dropped. */
  accept?: (peer: PeerId) => boolean
  /**
   * Opens a sealed DM and says how to answer it (the ack goes out once this resolves, so `ok` means stored).
   * When set, DMs in the clear are refused: a peer with sessions takes sealed DMs only.
   */
  openSealed?: (peer: PeerId, id: string, sealed: Bytes) => Promise<{ status: AckStatus; reason: string }>
}

export interface DirectMessagesEvents {
  message: CustomEvent<{ from: PeerId; dm: Dm }>
  /** A peer sent something that broke the protocol; its stream was closed. */
  'protocol-error': CustomEvent<{ peer: PeerId; error: Error }>
}

/**
 * `/p2pchat/dm/2.0.0`: length-prefixed DM frames from the dialer, each answered by an ack frame, in order.
 * A sender keeps one stream per peer open while it has DMs to send (see channel.ts); the receiver serves
 * a stream until the sender closes it. A stream carrying a single DM is the same protocol.
 */
export class DirectMessages extends TypedEventEmitter<DirectMessagesEvents> implements Startable {
  private readonly components: DirectMessagesComponents
  private readonly log: Logger
  private readonly timeoutMs: number
  private readonly idleCloseMs: number
  private readonly idleTimeoutMs: number
  /** the open (or opening) DM stream to each peer, by PeerId */
  private readonly channels = new Map<string, Promise<DmChannel>>()
  private readonly maxInboundStreams: number
  private readonly maxOutboundStreams: number
  private readonly runOnLimitedConnection: boolean
  private readonly accept: (peer: PeerId) => boolean
  private readonly openSealed: DirectMessagesInit['openSealed']

  constructor(components: DirectMessagesComponents, init: DirectMessagesInit = {}) {
    super()
    this.components = components
    this.log = components.logger.forComponent('p2pchat:dm')
    this.timeoutMs = init.timeoutMs ?? DM_TIMEOUT_MS
    this.idleCloseMs = init.idleCloseMs ?? DM_IDLE_CLOSE_MS
    this.idleTimeoutMs = init.idleTimeoutMs ?? DM_IDLE_TIMEOUT_MS
    this.maxInboundStreams = init.maxInboundStreams ?? MAX_INBOUND_STREAMS
    this.maxOutboundStreams = init.maxOutboundStreams ?? MAX_OUTBOUND_STREAMS
    this.runOnLimitedConnection = init.runOnLimitedConnection ?? true
    this.accept = init.accept ?? (() => true)
    this.openSealed = init.openSealed
    this.handle = this.handle.bind(this)
  }

  async start(): Promise<void> {
    await this.components.registrar.handle(DM_PROTOCOL, this.handle, {
      maxInboundStreams: this.maxInboundStreams,
      maxOutboundStreams: this.maxOutboundStreams,
      runOnLimitedConnection: this.runOnLimitedConnection
    })
  }

  async stop(): Promise<void> {
    await this.components.registrar.unhandle(DM_PROTOCOL)
    const opening = [...this.channels.values()]
    this.channels.clear()
    const open = await Promise.allSettled(opening)
    await Promise.all(open.map((c) => (c.status === 'fulfilled' ? c.value.close() : undefined)))
  }

  /** Sends `dm` to `peer` and resolves once the peer acknowledged it. */
  async send(peer: PeerId, dm: Dm, options: AbortOptions = {}): Promise<void> {
    await this.sendFrame(peer, dm.id, encodeDm(dm), options)
  }

  /**
   * Sends a sealed DM (its content encrypted end to end by the caller) and resolves once the peer acknowledged
   * it; rejects with DeliveryFailedError, DeliveryRefusedError or UndecryptableError.
   */
  async sendSealed(peer: PeerId, id: string, sealed: Bytes, options: AbortOptions = {}): Promise<void> {
    await this.sendFrame(peer, id, encodeSealedDm(id, sealed), options)
  }

  private async sendFrame(peer: PeerId, id: string, frame: Uint8Array, options: AbortOptions): Promise<void> {
    const timeout = AbortSignal.timeout(this.timeoutMs)
    const signal = AbortSignal.any([timeout, ...(options.signal ? [options.signal] : [])])
    const channel = await this.channelTo(peer, signal)
    const ack = await channel.exchange(id, frame, signal, timeout)
    if (ack.status === 'undecryptable') {
      throw new UndecryptableError(`${peer} could not decrypt the message${ack.reason ? `: ${ack.reason}` : ''}`)
    }
    if (ack.status !== 'ok') {
      throw new DeliveryRefusedError(`${peer} refused the message${ack.reason ? `: ${ack.reason}` : ''}`)
    }
  }

  /** The DM stream to `peer`, opened on first use and shared by every DM sent while it lasts. */
  private async channelTo(peer: PeerId, signal: AbortSignal): Promise<DmChannel> {
    const key = peer.toString()
    // a second round only if the stream we waited for closed meanwhile
    for (let attempt = 0; ; attempt++) {
      let opening = this.channels.get(key)
      if (opening == null) {
        const forget = (): void => {
          if (this.channels.get(key) === created) {
            this.channels.delete(key)
          }
        }
        const created: Promise<DmChannel> = this.openChannel(peer, forget)
        // a failed open is reported to its callers; the next send tries again
        created.catch(forget)
        this.channels.set(key, created)
        opening = created
      }
      let channel: DmChannel
      try {
        channel = await raceAbort(opening, signal)
      } catch (err) {
        throw new DeliveryFailedError(`could not reach ${peer}: ${describe(err)}`)
      }
      if (!channel.closed || attempt > 0) {
        return channel
      }
      if (this.channels.get(key) === opening) {
        this.channels.delete(key)
      }
    }
  }

  private async openChannel(peer: PeerId, onClosed: () => void): Promise<DmChannel> {
    // a relayed (limited) connection is reused: libp2p would dial a second relayed connection instead
    const stream = await openStreamReusing(this.components.connectionManager, peer, DM_PROTOCOL, {
      // not any one caller's signal: the stream outlives the DM that opened it
      signal: AbortSignal.timeout(this.timeoutMs),
      runOnLimitedConnection: this.runOnLimitedConnection
    })
    return new DmChannel(stream, peer, {
      maxUnackedBytes: MAX_UNACKED_BYTES,
      idleCloseMs: this.idleCloseMs,
      log: this.log,
      onClosed
    })
  }

  private async handle(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer
    const frames = frameStream(stream, MAX_FRAME_BYTES)
    const counter = countBytesIn(stream)
    try {
      if (!this.accept(peer)) {
        const signal = AbortSignal.timeout(this.timeoutMs)
        await frames.write(encodeAck({ id: '', status: 'refused', reason: 'not accepting messages from you' }), {
          signal
        })
        await stream.close({ signal })
        return
      }
      // an honest sender has at most MAX_UNACKED_BYTES unacknowledged: holding that much costs it no waiting
      const acks = new AckQueue(
        (ack) => frames.write(ack, { signal: AbortSignal.timeout(this.timeoutMs) }),
        MAX_UNACKED_BYTES
      )
      for (let served = 0; ; served++) {
        // the first frame must come soon after the stream opens; later ones whenever the sender has more
        const bytes = await this.nextFrame(frames, counter, served === 0 ? this.timeoutMs : this.idleTimeoutMs)
        if (bytes == null) {
          break
        }
        let frame: DmFrame
        try {
          frame = decodeDmFrame(bytes)
        } catch (err) {
          await acks.drain()
          await frames.write(encodeAck({ id: '', status: 'invalid', reason: describe(err) }), {
            signal: AbortSignal.timeout(this.timeoutMs)
          })
          throw err
        }
        // answered at once, acked in turn: the next DM is read while this one is stored
        await acks.push(this.answer(peer, frame).then(encodeAck), bytes.byteLength)
      }
      await acks.drain()
      await stream.close({ signal: AbortSignal.timeout(this.timeoutMs) })
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err))
      this.log('DM stream from %p failed - %e', peer, error)
      stream.abort(error)
      this.safeDispatchEvent('protocol-error', { detail: { peer, error } })
    } finally {
      counter.stop()
    }
  }

  /** Takes one DM frame (dispatching or opening it) and says what to ack. */
  private async answer(peer: PeerId, frame: DmFrame): Promise<{ id: string; status: AckStatus; reason: string }> {
    const id = frame.kind === 'plain' ? frame.dm.id : frame.id
    if (!this.accept(peer)) {
      // refused since this stream opened (the user blocked the peer): each further DM on it is refused too
      return { id, status: 'refused', reason: 'not accepting messages from you' }
    }
    if (frame.kind === 'sealed') {
      if (this.openSealed == null) {
        return { id, status: 'invalid', reason: 'sealed DMs are not supported here' }
      }
      return { id, ...(await this.openSealed(peer, frame.id, frame.sealed)) }
    }
    if (this.openSealed != null) {
      const error = new InvalidMessageError('DMs must be end-to-end encrypted')
      this.safeDispatchEvent('protocol-error', { detail: { peer, error } })
      return { id, status: 'invalid', reason: error.message }
    }
    this.safeDispatchEvent('message', { detail: { from: peer, dm: frame.dm } })
    return { id, status: 'ok', reason: '' }
  }

  /**
   * The next frame, or null when the sender closed the stream cleanly between frames after at least one.
   * A stream that ends before its first frame, or inside a frame, is a protocol error.
   */
  private async nextFrame(
    frames: FrameStream,
    counter: ByteCounter,
    timeoutMs: number
  ): Promise<Uint8ArrayList | null> {
    try {
      const frame = await frames.read({ signal: AbortSignal.timeout(timeoutMs) })
      counter.consumed += frame.byteLength + prefixLength(frame.byteLength)
      return frame
    } catch (err) {
      if (counter.consumed > 0 && counter.received === counter.consumed && counter.ended()) {
        return null
      }
      if (counter.consumed > 0 && counter.received === counter.consumed && isTimeout(err)) {
        // an idle sender that never closed: not an attack, just let the stream go
        this.log('closing an idle DM stream')
        return null
      }
      throw err
    }
  }
}

interface ByteCounter {
  received: number
  consumed: number
  ended: () => boolean
  stop: () => void
}

/** Counts what arrives on `stream`, so a clean end between frames can be told from one inside a frame. */
function countBytesIn(stream: Stream): ByteCounter {
  const counter: ByteCounter = {
    received: 0,
    consumed: 0,
    ended: () => stream.remoteWriteStatus !== 'writable',
    stop: () => stream.removeEventListener('message', onMessage)
  }
  const onMessage = (evt: { data: { byteLength: number } }): void => {
    counter.received += evt.data.byteLength
  }
  stream.addEventListener('message', onMessage)
  return counter
}

/** Bytes of the varint length prefix in front of a frame of `length` bytes. */
function prefixLength(length: number): number {
  let bytes = 1
  for (let v = length; v >= 0x80; v = Math.floor(v / 128)) {
    bytes++
  }
  return bytes
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && err.name === 'TimeoutError'
}

/** `promise`, or a rejection with the signal's reason once it aborts. */
async function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted()
  let onAbort: () => void = () => {}
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([promise, aborted])
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    return err.message
  }
  // some libp2p paths reject with the event that ended the stream rather than an Error
  if (err instanceof Event) {
    return err.type === 'close' ? 'the connection closed' : `${err.type} before an answer`
  }
  return String(err)
}

/** Service factory: `services: { dm: directMessages() }`. */
export function directMessages(
  init: DirectMessagesInit = {}
): (components: DirectMessagesComponents) => DirectMessages {
  return (components) => new DirectMessages(components, init)
}
