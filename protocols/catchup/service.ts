import type { GossipSub, Message } from '@libp2p/gossipsub'
import type {
  AbortOptions,
  ComponentLogger,
  Connection,
  Logger,
  PeerId,
  PrivateKey,
  Startable,
  Stream
} from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import { openStreamReusing } from '../common/streams.ts'
import { type Fetched, requestOn } from './client.ts'
import { encodeSignedGossip } from './codec.ts'
import {
  CATCH_UP_PROTOCOL,
  CATCH_UP_TIMEOUT_MS,
  ENVELOPE_BYTES,
  MAX_INBOUND_STREAMS,
  MAX_MESSAGES_PER_CONVERSATION,
  MAX_OUTBOUND_STREAMS
} from './constants.ts'
import { gossipOf, signGossip } from './envelope.ts'
import { CatchUpServer, type ServePolicy } from './server.ts'
import { CatchUpStore, type CatchUpStoreInit } from './store.ts'

export interface CatchUpComponents {
  peerId: PeerId
  privateKey: PrivateKey
  registrar: Registrar
  connectionManager: ConnectionManager
  pubsub: Pick<GossipSub, 'addEventListener' | 'removeEventListener'>
  logger: ComponentLogger
}

export interface CatchUpInit {
  /** bounds of what is kept for others */
  store: CatchUpStoreInit
  /** which topics' messages to keep (as they arrive by gossip, or as we publish them) */
  keep: (topic: string) => boolean
  /** who may have what, within which window */
  policy: ServePolicy
  /** @default CATCH_UP_TIMEOUT_MS */
  timeoutMs?: number
}

/**
 * `/p2pchat/catchup/1.0.0`: keeps the signed gossip messages of the conversations it is told to (bounded, memory
 * only), serves them to peers that missed them, and fetches what we missed. A request is one frame; the answer is
 * frames of original signed messages, so a responder can withhold messages but not forge or alter them.
 */
export class CatchUpService implements Startable {
  readonly store: CatchUpStore
  private readonly server: CatchUpServer
  private readonly log: Logger
  private readonly timeoutMs: number
  private readonly shutdown = new AbortController()

  constructor(
    private readonly components: CatchUpComponents,
    private readonly init: CatchUpInit
  ) {
    this.log = components.logger.forComponent('p2pchat:catchup')
    this.timeoutMs = init.timeoutMs ?? CATCH_UP_TIMEOUT_MS
    this.store = new CatchUpStore(init.store)
    this.server = new CatchUpServer({
      store: this.store,
      policy: init.policy,
      signOwn: async (topic, data) =>
        encodeSignedGossip(await signGossip(components.privateKey, components.peerId, topic, data))
    })
    this.onMessage = this.onMessage.bind(this)
    this.handle = this.handle.bind(this)
  }

  async start(): Promise<void> {
    await this.components.registrar.handle(CATCH_UP_PROTOCOL, this.handle, {
      maxInboundStreams: MAX_INBOUND_STREAMS,
      maxOutboundStreams: MAX_OUTBOUND_STREAMS,
      runOnLimitedConnection: true
    })
    this.components.pubsub.addEventListener('message', this.onMessage)
  }

  async stop(): Promise<void> {
    this.shutdown.abort()
    this.components.pubsub.removeEventListener('message', this.onMessage)
    await this.components.registrar.unhandle(CATCH_UP_PROTOCOL)
    this.store.clear()
  }

  /** Keeps one of our own posts, as published on `topic`, to serve to those who missed it. */
  keepOwn(topic: string, data: Uint8Array): void {
    if (this.init.keep(topic)) {
      this.store.add({ at: Date.now(), topic, own: data, size: data.byteLength + ENVELOPE_BYTES })
    }
  }

  /** Asks `peer` for what it kept of `topic` since `since` (ms); resolves with the verified messages. */
  async fetch(peer: PeerId, topic: string, since: number, options: AbortOptions = {}): Promise<Fetched> {
    const signal = AbortSignal.any([
      AbortSignal.timeout(this.timeoutMs),
      this.shutdown.signal,
      ...(options.signal ? [options.signal] : [])
    ])
    const stream = await openStreamReusing(this.components.connectionManager, peer, CATCH_UP_PROTOCOL, {
      signal,
      runOnLimitedConnection: true
    })
    return requestOn(stream, peer, { topic, since, limit: MAX_MESSAGES_PER_CONVERSATION }, { signal })
  }

  /** Gossip that passed its topic's validator: kept if its conversation is. */
  private onMessage(evt: CustomEvent<Message>): void {
    const msg = evt.detail
    if (msg.type !== 'signed' || !this.init.keep(msg.topic)) {
      return
    }
    const signed = encodeSignedGossip(gossipOf(msg))
    this.store.add({ at: Date.now(), topic: msg.topic, signed, size: signed.byteLength })
  }

  private async handle(stream: Stream, connection: Connection): Promise<void> {
    const signal = AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.shutdown.signal])
    try {
      await this.server.serve(stream, connection, signal)
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err))
      this.log('catch-up stream from %p failed - %e', connection.remotePeer, error)
      stream.abort(error)
    }
  }
}

/** Service factory: `services: { catchUp: catchUp(init) }`, after `pubsub`. */
export function catchUp(init: CatchUpInit): (components: CatchUpComponents) => CatchUpService {
  return (components) => new CatchUpService(components, init)
}
