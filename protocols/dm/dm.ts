import type { AbortOptions, ComponentLogger, Connection, Logger, PeerId, Startable, Stream } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import { frameStream } from '../common/frames.ts'
import { MAX_FRAME_BYTES } from '../common/limits.ts'
import { type Ack, type Dm, decodeAck, decodeDm, encodeAck, encodeDm } from './codec.ts'
import { DM_PROTOCOL, DM_TIMEOUT_MS, MAX_INBOUND_STREAMS, MAX_OUTBOUND_STREAMS } from './constants.ts'
import { DeliveryFailedError, DeliveryRefusedError } from './errors.ts'

export interface DirectMessagesComponents {
  registrar: Registrar
  connectionManager: ConnectionManager
  logger: ComponentLogger
}

export interface DirectMessagesInit {
  /** @default DM_TIMEOUT_MS */
  timeoutMs?: number
  /** @default MAX_INBOUND_STREAMS */
  maxInboundStreams?: number
  /** @default MAX_OUTBOUND_STREAMS */
  maxOutboundStreams?: number
  /** DMs must also flow over relayed (limited) connections. @default true */
  runOnLimitedConnection?: boolean
  /** Decides whether to take a DM from `peer`; refused ones are answered with status `refused` and dropped. */
  accept?: (peer: PeerId) => boolean
}

export interface DirectMessagesEvents {
  message: CustomEvent<{ from: PeerId; dm: Dm }>
  /** A peer sent something that broke the protocol; its stream was closed. */
  'protocol-error': CustomEvent<{ peer: PeerId; error: Error }>
}

/** `/p2pchat/dm/1.0.0`: one stream per message, one length-prefixed frame each way, the receiver acks. */
export class DirectMessages extends TypedEventEmitter<DirectMessagesEvents> implements Startable {
  private readonly components: DirectMessagesComponents
  private readonly log: Logger
  private readonly timeoutMs: number
  private readonly maxInboundStreams: number
  private readonly maxOutboundStreams: number
  private readonly runOnLimitedConnection: boolean
  private readonly accept: (peer: PeerId) => boolean

  constructor(components: DirectMessagesComponents, init: DirectMessagesInit = {}) {
    super()
    this.components = components
    this.log = components.logger.forComponent('p2pchat:dm')
    this.timeoutMs = init.timeoutMs ?? DM_TIMEOUT_MS
    this.maxInboundStreams = init.maxInboundStreams ?? MAX_INBOUND_STREAMS
    this.maxOutboundStreams = init.maxOutboundStreams ?? MAX_OUTBOUND_STREAMS
    this.runOnLimitedConnection = init.runOnLimitedConnection ?? true
    this.accept = init.accept ?? (() => true)
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
  }

  /** Sends `dm` to `peer` and resolves once the peer acknowledged it. */
  async send(peer: PeerId, dm: Dm, options: AbortOptions = {}): Promise<void> {
    const frame = encodeDm(dm)
    const signal = AbortSignal.any([AbortSignal.timeout(this.timeoutMs), ...(options.signal ? [options.signal] : [])])
    let stream: Stream
    try {
      stream = await this.components.connectionManager.openStream(peer, DM_PROTOCOL, {
        signal,
        runOnLimitedConnection: this.runOnLimitedConnection
      })
    } catch (err) {
      throw new DeliveryFailedError(`could not reach ${peer}: ${describe(err)}`)
    }
    let ack: Ack
    try {
      const lp = frameStream(stream, MAX_FRAME_BYTES)
      await lp.write(frame, { signal })
      ack = decodeAck(await lp.read({ signal }))
      await stream.close({ signal })
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
      throw new DeliveryFailedError(`no acknowledgement from ${peer}: ${describe(err)}`)
    }
    if (ack.status !== 'ok') {
      throw new DeliveryRefusedError(`${peer} refused the message${ack.reason ? `: ${ack.reason}` : ''}`)
    }
  }

  private async handle(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer
    const signal = AbortSignal.timeout(this.timeoutMs)
    const lp = frameStream(stream, MAX_FRAME_BYTES)
    try {
      if (!this.accept(peer)) {
        await lp.write(encodeAck({ id: '', status: 'refused', reason: 'not accepting messages from you' }), { signal })
        await stream.close({ signal })
        return
      }
      const bytes = await lp.read({ signal })
      let dm: Dm
      try {
        dm = decodeDm(bytes)
      } catch (err) {
        await lp.write(encodeAck({ id: '', status: 'invalid', reason: describe(err) }), { signal })
        throw err
      }
      this.safeDispatchEvent('message', { detail: { from: peer, dm } })
      await lp.write(encodeAck({ id: dm.id, status: 'ok', reason: '' }), { signal })
      await stream.close({ signal })
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err))
      this.log('DM stream from %p failed - %e', peer, error)
      stream.abort(error)
      this.safeDispatchEvent('protocol-error', { detail: { peer, error } })
    }
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** Service factory: `services: { dm: directMessages() }`. */
export function directMessages(
  init: DirectMessagesInit = {}
): (components: DirectMessagesComponents) => DirectMessages {
  return (components) => new DirectMessages(components, init)
}
