import { type GossipSub, type Message, TopicValidatorResult } from '@libp2p/gossipsub'
import type { AbortOptions, ComponentLogger, Connection, Logger, PeerId, Startable, Stream } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import { lpStream } from '@libp2p/utils'
import { unsubscribeIfStarted } from '../common/components.ts'
import { decodingValidator } from '../common/gossip-validator.ts'
import { decodeNotice, encodeNotice, type RelayNotice } from './codec.ts'
import { MAX_NOTICE_BYTES, NOTICE_PROTOCOL, NOTICE_TIMEOUT_MS, NOTICE_TOPIC } from './constants.ts'
import { isStale, NoticeReplayGuard } from './replay.ts'

export interface NoticeComponents {
  pubsub: GossipSub
  registrar: Registrar
  connectionManager: ConnectionManager
  logger: ComponentLogger
}

export interface NoticeEvents {
  /** A well-formed notice; whether to trust its sender is the listener's call (clients trust their relays only). */
  notice: CustomEvent<{ from: PeerId; notice: RelayNotice; direct: boolean }>
}

/** Relay notices: published on a gossipsub topic for everyone, or sent on a stream to one peer. */
export class NoticeService extends TypedEventEmitter<NoticeEvents> implements Startable {
  private readonly components: NoticeComponents
  private readonly log: Logger
  private readonly replays = new NoticeReplayGuard()

  constructor(components: NoticeComponents) {
    super()
    this.components = components
    this.log = components.logger.forComponent('p2pchat:notice')
    this.onMessage = this.onMessage.bind(this)
    this.handle = this.handle.bind(this)
  }

  async start(): Promise<void> {
    const { pubsub, registrar } = this.components
    pubsub.topicValidators.set(NOTICE_TOPIC, (_peer, msg) => validateFresh(msg))
    pubsub.addEventListener('message', this.onMessage)
    // a relay reaches a client over its direct connection, but a client may also hear from a relay it uses through another
    await registrar.handle(NOTICE_PROTOCOL, this.handle, {
      maxInboundStreams: 4,
      maxOutboundStreams: 64,
      runOnLimitedConnection: true
    })
  }

  afterStart(): void {
    this.components.pubsub.subscribe(NOTICE_TOPIC)
  }

  beforeStop(): void {
    unsubscribeIfStarted(this.components.pubsub, NOTICE_TOPIC)
  }

  async stop(): Promise<void> {
    const { pubsub, registrar } = this.components
    pubsub.removeEventListener('message', this.onMessage)
    pubsub.topicValidators.delete(NOTICE_TOPIC)
    await registrar.unhandle(NOTICE_PROTOCOL)
  }

  /** Publishes a notice to everyone; resolves with how many peers it was handed to directly. */
  async publish(notice: RelayNotice): Promise<number> {
    const result = await this.components.pubsub.publish(NOTICE_TOPIC, encodeNotice(notice))
    return result.recipients.length
  }

  /** Sends a notice to one connected peer. */
  async send(peer: PeerId, notice: RelayNotice, options: AbortOptions = {}): Promise<void> {
    const signal = AbortSignal.any([
      AbortSignal.timeout(NOTICE_TIMEOUT_MS),
      ...(options.signal ? [options.signal] : [])
    ])
    const stream = await this.components.connectionManager.openStream(peer, NOTICE_PROTOCOL, {
      signal,
      runOnLimitedConnection: true
    })
    try {
      await lpStream(stream, { maxDataLength: MAX_NOTICE_BYTES }).write(encodeNotice(notice), { signal })
      await stream.close({ signal })
      // sent is not read: a relay hangs up right after a kick or ban notice, and a connection closed with data still
      // unread on our side is reset, which throws away what the client had not read yet. It closes once it has.
      await remoteClosed(stream, signal)
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
      throw err
    }
  }

  private onMessage(evt: CustomEvent<Message>): void {
    const msg = evt.detail
    if (msg.topic !== NOTICE_TOPIC || msg.type !== 'signed') {
      return
    }
    try {
      const notice = decodeNotice(msg.data)
      if (!this.replays.accept(msg.from.toString(), notice, Date.now())) {
        this.log('dropping a stale or replayed notice from %p', msg.from)
        return
      }
      this.safeDispatchEvent('notice', { detail: { from: msg.from, notice, direct: false } })
    } catch (err) {
      this.log('dropping bad notice from %p - %e', msg.from, err)
    }
  }

  private async handle(stream: Stream, connection: Connection): Promise<void> {
    const signal = AbortSignal.timeout(NOTICE_TIMEOUT_MS)
    try {
      const bytes = await lpStream(stream, { maxDataLength: MAX_NOTICE_BYTES }).read({ signal })
      const notice = decodeNotice(bytes)
      // before closing: a relay hangs up right after a kick or ban notice, and the close may then fail
      this.safeDispatchEvent('notice', { detail: { from: connection.remotePeer, notice, direct: true } })
      await stream.close({ signal }).catch((err: unknown) => {
        this.log('closing a notice stream from %p failed - %e', connection.remotePeer, err)
      })
    } catch (err) {
      this.log('bad notice stream from %p - %e', connection.remotePeer, err)
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }
}

/** Resolves when the other end closed its writing side (or the stream ended); rejects when `signal` aborts first. */
function remoteClosed(stream: Stream, signal: AbortSignal): Promise<void> {
  if (stream.remoteWriteStatus !== 'writable' || stream.status !== 'open') {
    return Promise.resolve()
  }
  return new Promise<void>((resolve, reject) => {
    const finish = (err?: unknown): void => {
      stream.removeEventListener('remoteCloseWrite', onClosed)
      stream.removeEventListener('close', onClosed)
      signal.removeEventListener('abort', onAbort)
      if (err == null) {
        resolve()
      } else {
        reject(err)
      }
    }
    const onClosed = (): void => finish()
    const onAbort = (): void => finish(signal.reason)
    if (signal.aborted) {
      onAbort()
      return
    }
    stream.addEventListener('remoteCloseWrite', onClosed)
    stream.addEventListener('close', onClosed)
    signal.addEventListener('abort', onAbort)
  })
}

/** Gossipsub validator: what does not decode is rejected and goes no further. */
export const validate = decodingValidator(decodeNotice)

/**
 * `validate`, and a stale notice is ignored (not forwarded, not penalised: an honest peer may pass on a late one),
 * so a replayed old notice dies at the first hop.
 */
export function validateFresh(msg: Message): TopicValidatorResult {
  const verdict = validate(msg)
  if (verdict !== TopicValidatorResult.Accept) {
    return verdict
  }
  return isStale(decodeNotice(msg.data), Date.now()) ? TopicValidatorResult.Ignore : verdict
}

/** Service factory: `services: { notices: notices() }`, after `pubsub`. */
export function notices(): (components: NoticeComponents) => NoticeService {
  return (components) => new NoticeService(components)
}
