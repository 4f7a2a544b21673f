import type { AbortOptions, ComponentLogger, Connection, Logger, PeerId, Startable, Stream } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import { lpStream } from '@libp2p/utils'
import { equalBytes } from '@noble/ciphers/utils.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { sourceOf } from '../common/addrs.ts'
import { exchangeFrames } from '../common/streams.ts'
import {
  decodeBundle,
  decodePublished,
  encodeBundle,
  encodePublished,
  type PrekeyBundle,
  type PublishedPrekeys,
  verifyBundle,
  verifyPublished
} from '../session/index.ts'
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse, type Request, type Response } from './codec.ts'
import {
  MAX_INBOUND_STREAMS,
  MAX_REQUEST_BYTES,
  MAX_RESPONSE_BYTES,
  PREKEYS_PROTOCOL,
  PREKEYS_TIMEOUT_MS
} from './constants.ts'
import { PrekeyRefusedError } from './errors.ts'
import { BundleBudgets, PrekeyHolder } from './holder.ts'

export interface PrekeyServiceComponents {
  peerId: PeerId
  registrar: Pick<Registrar, 'handle' | 'unhandle'>
  connectionManager: Pick<ConnectionManager, 'openStream'> & Partial<Pick<ConnectionManager, 'getConnections'>>
  logger: ComponentLogger
}

export interface PrekeyServiceInit {
  /** our own prekeys, handed to peers that ask us directly; none: we answer NOT_FOUND */
  self?: () => PublishedPrekeys | undefined
  /** hold the prekeys clients publish and hand them out (a relay). @default false */
  hold?: boolean
  /** @default Date.now */
  now?: () => number
  /** published sets held before a restart (a relay), taken back at start; bad ones are skipped */
  stored?: Array<{ owner: string; ip: string; prekeys: Uint8Array }>
  /** keeps a newly published set across restarts; failures only cost the set after a restart */
  persist?: (owner: string, ip: string, prekeys: Uint8Array) => Promise<void>
}

/** The Ed25519 public key a PeerId is made of (what sessions call the identity key), if it is one. */
export function identityKeyOf(peer: PeerId): Uint8Array | undefined {
  return peer.type === 'Ed25519' ? peer.publicKey.raw : undefined
}

/** `/p2pchat/prekeys/1.0.0`: hands out prekey bundles (our own, or a relay's clients') and takes publications. */
export class PrekeyService implements Startable {
  readonly holder?: PrekeyHolder
  private readonly budgets = new BundleBudgets()
  private readonly log: Logger
  private readonly now: () => number
  /** our own one-time prekey ids already handed out directly: each goes to one initiator */
  private handedOut = { oneTime: new Set<number>(), kem: new Set<number>() }

  constructor(
    private readonly components: PrekeyServiceComponents,
    private readonly init: PrekeyServiceInit = {}
  ) {
    this.log = components.logger.forComponent('p2pchat:prekeys')
    this.now = init.now ?? Date.now
    this.holder = init.hold === true ? new PrekeyHolder() : undefined
    for (const { owner, ip, prekeys } of init.stored ?? []) {
      try {
        const published = decodePublished(prekeys)
        verifyPublished(published)
        this.holder?.publish(owner, ip, published)
      } catch {
        // a set that no longer decodes or fits is as good as none: its owner publishes again on reconnect
      }
    }
    this.handleStream = this.handleStream.bind(this)
  }

  async start(): Promise<void> {
    await this.components.registrar.handle(PREKEYS_PROTOCOL, this.handleStream, {
      maxInboundStreams: MAX_INBOUND_STREAMS,
      maxOutboundStreams: MAX_INBOUND_STREAMS,
      runOnLimitedConnection: true
    })
  }

  async stop(): Promise<void> {
    await this.components.registrar.unhandle(PREKEYS_PROTOCOL)
  }

  /** Serves one request stream (the registered handler). */
  async handleStream(stream: Stream, connection: Pick<Connection, 'remotePeer' | 'remoteAddr'>): Promise<void> {
    const signal = AbortSignal.timeout(PREKEYS_TIMEOUT_MS)
    const lp = lpStream(stream, { maxDataLength: MAX_REQUEST_BYTES })
    let response: Response
    try {
      const frame = await lp.read({ signal }).catch((err: unknown) => {
        throw new PrekeyRefusedError('BAD_REQUEST', `could not read the request: ${String(err)}`)
      })
      response = this.serve(decodeOrRefuse(frame), connection)
    } catch (err) {
      const refusal = err instanceof PrekeyRefusedError ? err : new PrekeyRefusedError('INTERNAL', 'prekeys failed')
      if (!(err instanceof PrekeyRefusedError)) {
        this.log.error('prekey request from %p failed - %e', connection.remotePeer, err)
      }
      response = { ok: false, code: refusal.code, message: refusal.message }
    }
    try {
      await lp.write(encodeResponse(response), { signal })
      await stream.close({ signal })
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }

  /** Runs one decoded request for the peer the connection authenticated. */
  serve(request: Request, connection: Pick<Connection, 'remotePeer' | 'remoteAddr'>): Response {
    const requester = bytesToHex(connection.remotePeer.toMultihash().bytes)
    const now = this.now()
    this.budgets.admit(requester, sourceOf(connection.remoteAddr), now)
    if (request.op === 'publish') {
      return this.takePublished(request.prekeys, connection)
    }
    const own = this.components.peerId.toMultihash().bytes
    if (request.peer.byteLength === 0 || equalBytes(request.peer, own)) {
      return this.ownBundle(requester, now)
    }
    const target = bytesToHex(request.peer)
    const held = this.holder?.get(target)
    if (held == null) {
      throw new PrekeyRefusedError('NOT_FOUND', 'no prekeys of that peer here')
    }
    const { bundle, used } = this.budgets.bundle(target, requester, held, now)
    this.holder?.consume(target, used)
    return { ok: true, bundle: encodeBundle(bundle) }
  }

  private ownBundle(requester: string, now: number): Response {
    const published = this.init.self?.()
    if (published == null) {
      throw new PrekeyRefusedError('NOT_FOUND', 'this peer hands out no prekeys')
    }
    const fresh: PublishedPrekeys = {
      ...published,
      oneTimePrekeys: published.oneTimePrekeys.filter((k) => !this.handedOut.oneTime.has(k.id)),
      oneTimeKemPrekeys: published.oneTimeKemPrekeys.filter((k) => !this.handedOut.kem.has(k.id))
    }
    const { bundle, used } = this.budgets.bundle('self', requester, fresh, now)
    // only ids still in the store are kept: the sets never outgrow the store
    const oneTime = new Set(published.oneTimePrekeys.map((k) => k.id).filter((id) => this.handedOut.oneTime.has(id)))
    const kem = new Set(published.oneTimeKemPrekeys.map((k) => k.id).filter((id) => this.handedOut.kem.has(id)))
    if (used.oneTimeId != null) oneTime.add(used.oneTimeId)
    if (used.kemId != null) kem.add(used.kemId)
    this.handedOut = { oneTime, kem }
    return { ok: true, bundle: encodeBundle(bundle) }
  }

  private takePublished(bytes: Uint8Array, connection: Pick<Connection, 'remotePeer' | 'remoteAddr'>): Response {
    if (this.holder == null) {
      throw new PrekeyRefusedError('BAD_REQUEST', 'this peer holds no prekeys for others')
    }
    let published: PublishedPrekeys
    try {
      published = decodePublished(bytes)
      verifyPublished(published)
    } catch (err) {
      throw new PrekeyRefusedError('BAD_REQUEST', err instanceof Error ? err.message : 'bad prekeys')
    }
    const key = identityKeyOf(connection.remotePeer)
    if (key == null || !equalBytes(key, published.identityKey)) {
      throw new PrekeyRefusedError('BAD_REQUEST', 'you may publish only your own prekeys')
    }
    const owner = bytesToHex(connection.remotePeer.toMultihash().bytes)
    const ip = sourceOf(connection.remoteAddr)
    this.holder.publish(owner, ip, published)
    this.init.persist?.(owner, ip, bytes).catch((err: unknown) => {
      this.log.error('could not store the prekeys of %p - %e', connection.remotePeer, err)
    })
    return { ok: true, bundle: new Uint8Array() }
  }

  /** A verified bundle of `of` (default: `from` itself) from `from`; throws PrekeyRefusedError or a decode error. */
  async fetchBundle(from: PeerId, of: PeerId = from, options: AbortOptions = {}): Promise<PrekeyBundle> {
    const peer = of.equals(from) ? new Uint8Array() : of.toMultihash().bytes
    const response = await this.request(from, { op: 'get', peer }, options)
    if (!response.ok) {
      throw new PrekeyRefusedError(response.code, response.message)
    }
    const bundle = decodeBundle(response.bundle)
    verifyBundle(bundle)
    const key = identityKeyOf(of)
    if (key == null || !equalBytes(key, bundle.identityKey)) {
      // a relay (or anyone) handing out its own keys for someone else gets nowhere
      throw new PrekeyRefusedError('BAD_REQUEST', `the bundle is not ${of}'s`)
    }
    return bundle
  }

  /** Hands our published prekeys to `relay` to give out while we are away. */
  async publish(relay: PeerId, published: PublishedPrekeys, options: AbortOptions = {}): Promise<void> {
    const response = await this.request(relay, { op: 'publish', prekeys: encodePublished(published) }, options)
    if (!response.ok) {
      throw new PrekeyRefusedError(response.code, response.message)
    }
  }

  private async request(peer: PeerId, request: Request, options: AbortOptions): Promise<Response> {
    return exchangeFrames(this.components.connectionManager, peer, PREKEYS_PROTOCOL, encodeRequest(request), {
      signal: options.signal ?? AbortSignal.timeout(PREKEYS_TIMEOUT_MS),
      maxResponseBytes: MAX_RESPONSE_BYTES,
      decode: decodeResponse
    })
  }
}

function decodeOrRefuse(frame: Parameters<typeof decodeRequest>[0]): Request {
  try {
    return decodeRequest(frame)
  } catch (err) {
    throw new PrekeyRefusedError('BAD_REQUEST', err instanceof Error ? err.message : 'malformed request')
  }
}

/** Service factory: `services: { prekeys: prekeyService() }`. */
export function prekeyService(init: PrekeyServiceInit = {}): (components: PrekeyServiceComponents) => PrekeyService {
  return (components) => new PrekeyService(components, init)
}
