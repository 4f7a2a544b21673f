import type { AbortOptions, ComponentLogger, Connection, Logger, PeerId, Startable, Stream } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import type { Uint8ArrayList } from 'uint8arraylist'
import { errorMessage } from '../common/errors.ts'
import { openStreamReusing } from '../common/streams.ts'
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  type Offer,
  type Request,
  type Response,
  type ResponseStatus
} from './codec.ts'
import {
  FILE_PROTOCOL,
  IDLE_TIMEOUT_MS,
  MAX_INBOUND_STREAMS,
  MAX_OUTBOUND_STREAMS,
  MAX_REQUEST_BYTES,
  MAX_RESPONSE_BYTES,
  PAUSED_READ_BUFFER_BYTES,
  REQUEST_TIMEOUT_MS
} from './constants.ts'
import { TransferInterruptedError } from './errors.ts'
import { StreamReader, send, writeFrame } from './stream-io.ts'

export interface FileTransferComponents {
  registrar: Registrar
  connectionManager: ConnectionManager
  logger: ComponentLogger
}

export interface FileTransferInit {
  /** @default REQUEST_TIMEOUT_MS */
  requestTimeoutMs?: number
  /** a data stream idle this long is closed and the transfer resumes later. @default IDLE_TIMEOUT_MS */
  idleTimeoutMs?: number
  /** @default MAX_INBOUND_STREAMS */
  maxInboundStreams?: number
  /** @default MAX_OUTBOUND_STREAMS */
  maxOutboundStreams?: number
  /** transfers must also work over relayed (limited) connections. @default true */
  runOnLimitedConnection?: boolean
  /** Decides whether to talk to `peer` at all (blocking); refused requests get status `refused`. */
  accept?: (peer: PeerId) => boolean
}

/** A short answer to a request. */
export interface Reply {
  status: ResponseStatus
  reason?: string
}

/** The answer to a FETCH: on `ok`, the bytes to send from the requested offset on. */
export type FetchReply =
  | (Reply & { status: Exclude<ResponseStatus, 'ok'> })
  | { status: 'ok'; chunkHashes?: Uint8Array; source: AsyncIterable<Uint8Array>; signal: AbortSignal }

/** What the node answers to requests from peers; until one is set, every request is refused. */
export interface FileRequestHandler {
  offer(peer: PeerId, offer: Offer): Promise<Reply>
  fetch(peer: PeerId, req: { id: string; offset: number; wantHashes: boolean }): Promise<FetchReply>
  decline(peer: PeerId, id: string, reason: string): Promise<Reply>
  cancel(peer: PeerId, id: string, reason: string): Promise<Reply>
  complete(peer: PeerId, id: string, reason: string): Promise<Reply>
}

/** An open FETCH: the sender's answer and, when it is `ok`, the file bytes as they arrive. */
export interface Download {
  response: Response
  /** raw bytes from the offset until the sender closes; ends early (throwing) if the stream breaks */
  data: AsyncGenerator<Uint8ArrayList>
  /** stops the download: resets the stream so the sender stops too */
  abort(err: Error): void
}

export interface FileTransferEvents {
  /** A peer sent something that broke the protocol; its stream was closed. */
  'protocol-error': CustomEvent<{ peer: PeerId; error: Error }>
}

const REFUSE_ALL: FileRequestHandler = {
  offer: async () => ({ status: 'refused', reason: 'not ready' }),
  fetch: async () => ({ status: 'refused', reason: 'not ready' }),
  decline: async () => ({ status: 'refused', reason: 'not ready' }),
  cancel: async () => ({ status: 'refused', reason: 'not ready' }),
  complete: async () => ({ status: 'refused', reason: 'not ready' })
}

/**
 * `/p2pchat/file/1.0.0`: one stream per request. The opener writes a FileRequest frame, the other side a
 * FileResponse frame; after an `ok` to a FETCH the sender streams the raw file bytes and closes.
 */
export class FileTransfer extends TypedEventEmitter<FileTransferEvents> implements Startable {
  private readonly components: FileTransferComponents
  private readonly log: Logger
  private readonly requestTimeoutMs: number
  private readonly idleTimeoutMs: number
  private readonly maxInboundStreams: number
  private readonly maxOutboundStreams: number
  private readonly runOnLimitedConnection: boolean
  private readonly accept: (peer: PeerId) => boolean
  private handler: FileRequestHandler = REFUSE_ALL

  constructor(components: FileTransferComponents, init: FileTransferInit = {}) {
    super()
    this.components = components
    this.log = components.logger.forComponent('p2pchat:file')
    this.requestTimeoutMs = init.requestTimeoutMs ?? REQUEST_TIMEOUT_MS
    this.idleTimeoutMs = init.idleTimeoutMs ?? IDLE_TIMEOUT_MS
    this.maxInboundStreams = init.maxInboundStreams ?? MAX_INBOUND_STREAMS
    this.maxOutboundStreams = init.maxOutboundStreams ?? MAX_OUTBOUND_STREAMS
    this.runOnLimitedConnection = init.runOnLimitedConnection ?? true
    this.accept = init.accept ?? (() => true)
    this.handle = this.handle.bind(this)
  }

  async start(): Promise<void> {
    await this.components.registrar.handle(FILE_PROTOCOL, this.handle, {
      maxInboundStreams: this.maxInboundStreams,
      maxOutboundStreams: this.maxOutboundStreams,
      runOnLimitedConnection: this.runOnLimitedConnection
    })
  }

  async stop(): Promise<void> {
    await this.components.registrar.unhandle(FILE_PROTOCOL)
  }

  /** Sets who answers inbound requests. */
  setHandler(handler: FileRequestHandler): void {
    this.handler = handler
  }

  /** Sends an offer, decline or cancel and returns the peer's answer. */
  async request(peer: PeerId, req: Exclude<Request, { kind: 'fetch' }>, options: AbortOptions = {}): Promise<Response> {
    const signal = this.requestSignal(options)
    const stream = await this.open(peer, signal)
    try {
      const reader = new StreamReader(stream)
      await writeFrame(stream, encodeRequest(req), { signal })
      const response = decodeResponse(await reader.readFrame(MAX_RESPONSE_BYTES, { signal }))
      await stream.close({ signal })
      return response
    } catch (err) {
      stream.abort(toError(err))
      throw interrupted(peer, err)
    }
  }

  /** Asks `peer` for the bytes of transfer `id` from `offset` on. */
  async fetch(
    peer: PeerId,
    req: { id: string; offset: number; wantHashes: boolean },
    options: AbortOptions = {}
  ): Promise<Download> {
    const signal = this.requestSignal(options)
    const stream = await this.open(peer, signal)
    stream.inactivityTimeout = this.idleTimeoutMs
    stream.maxReadBufferLength = PAUSED_READ_BUFFER_BYTES
    let response: Response
    const reader = new StreamReader(stream)
    try {
      await writeFrame(stream, encodeRequest({ kind: 'fetch', ...req }), { signal })
      response = decodeResponse(await reader.readFrame(MAX_RESPONSE_BYTES, { signal }))
    } catch (err) {
      stream.abort(toError(err))
      throw interrupted(peer, err)
    }
    // nothing more to say: half-close so the sender sees a clean request
    void stream.close().catch(() => {})
    return {
      response,
      data: reader.rest(options),
      abort: (err) => stream.abort(err)
    }
  }

  private requestSignal(options: AbortOptions): AbortSignal {
    return AbortSignal.any([AbortSignal.timeout(this.requestTimeoutMs), ...(options.signal ? [options.signal] : [])])
  }

  private async open(peer: PeerId, signal: AbortSignal): Promise<Stream> {
    try {
      // an open relayed (limited) connection is used at once: libp2p's openStream would dial instead, and that dial
      // joins any dial to the peer already queued, such as a WebRTC upgrade that waits for ICE while UDP is blocked
      return await openStreamReusing(this.components.connectionManager, peer, FILE_PROTOCOL, {
        signal,
        runOnLimitedConnection: this.runOnLimitedConnection
      })
    } catch (err) {
      throw new TransferInterruptedError(`could not reach ${peer}: ${errorMessage(err)}`)
    }
  }

  private async handle(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer
    const signal = AbortSignal.timeout(this.requestTimeoutMs)
    const reader = new StreamReader(stream)
    const reply = async (res: Reply & { chunkHashes?: Uint8Array }): Promise<void> => {
      await writeFrame(stream, encodeResponse(res), { signal })
    }
    try {
      if (!this.accept(peer)) {
        await reply({ status: 'refused', reason: 'not accepting files from you' })
        await stream.close({ signal })
        return
      }
      let req: Request
      try {
        req = decodeRequest(await reader.readFrame(MAX_REQUEST_BYTES, { signal }))
      } catch (err) {
        await reply({ status: 'invalid', reason: errorMessage(err) }).catch(() => {})
        throw err
      }
      if (req.kind !== 'fetch') {
        const answer =
          req.kind === 'offer'
            ? await this.handler.offer(peer, req.offer)
            : await this.handler[req.kind](peer, req.id, req.reason)
        await reply(answer)
        await stream.close({ signal })
        return
      }
      const answer = await this.handler.fetch(peer, req)
      if (answer.status !== 'ok') {
        await reply(answer)
        await stream.close({ signal })
        return
      }
      await reply({ status: 'ok', chunkHashes: answer.chunkHashes })
      stream.inactivityTimeout = this.idleTimeoutMs
      await this.pump(stream, answer.source, answer.signal)
    } catch (err) {
      const error = toError(err)
      this.log('file stream from %p failed - %e', peer, error)
      stream.abort(error)
      if (error.name === 'InvalidMessageError' || error.name === 'MessageTooLargeError') {
        this.safeDispatchEvent('protocol-error', { detail: { peer, error } })
      }
    }
  }

  /**
   * Streams `source` out with backpressure and closes; aborting `signal` resets the stream, and so does a
   * receiver that lets no bytes through for the idle timeout (the transfer then waits and resumes later).
   */
  private async pump(stream: Stream, source: AsyncIterable<Uint8Array>, signal: AbortSignal): Promise<void> {
    for await (const block of source) {
      await send(stream, block, { signal, idleTimeoutMs: this.idleTimeoutMs })
    }
    await stream.close({ signal })
  }
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err))
}

function interrupted(peer: PeerId, err: unknown): Error {
  const error = toError(err)
  if (error.name === 'InvalidMessageError' || error.name === 'MessageTooLargeError' || error.name === 'AbortError') {
    return error
  }
  return new TransferInterruptedError(`transfer stream to ${peer} broke: ${errorMessage(err)}`)
}

/** Service factory: `services: { file: fileTransfer() }`. */
export function fileTransfer(init: FileTransferInit = {}): (components: FileTransferComponents) => FileTransfer {
  return (components) => new FileTransfer(components, init)
}
