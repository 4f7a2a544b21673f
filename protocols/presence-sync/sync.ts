import type { AbortOptions, ComponentLogger, Connection, Logger, PeerId, Startable, Stream } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import { sourceOf } from '../common/addrs.ts'
import { frameStream } from '../common/frames.ts'
import { PeerBudget } from '../common/peer-budget.ts'
import { openStreamReusing } from '../common/streams.ts'
import { decodePage, decodeRequest, encodePages, encodeRequest, type SyncEntry } from './codec.ts'
import {
  MAX_CONCURRENT_SYNCS,
  MAX_PAGE_BYTES,
  MAX_SYNC_BUCKETS,
  MAX_SYNC_BYTES,
  MAX_SYNC_ENTRIES,
  PRESENCE_SYNC_PROTOCOL,
  SYNC_BURST_PER_IP,
  SYNC_BURST_PER_PEER,
  SYNC_TIMEOUT_MS,
  SYNCS_PER_SECOND_PER_IP,
  SYNCS_PER_SECOND_PER_PEER
} from './constants.ts'
import { SyncRefusedError } from './errors.ts'

export interface PresenceSyncComponents {
  registrar: Pick<Registrar, 'handle' | 'unhandle'>
  connectionManager: Pick<ConnectionManager, 'openStream'> & Partial<Pick<ConnectionManager, 'getConnections'>>
  logger: ComponentLogger
}

export interface PresenceSyncInit {
  /** the announcements we hold, to hand to a peer that asks (read once per answer) */
  entries: () => Iterable<SyncEntry>
  /** @default Date.now */
  now?: () => number
}

/**
 * `/p2pchat/presence-sync/1.0.0`: answers a peer that asks for the presence announcements we hold, and asks others.
 * The answers pass on what authors signed, so nothing here is trusted: the caller checks every signature (verify.ts).
 */
export class PresenceSync implements Startable {
  private readonly log: Logger
  private readonly now: () => number
  private readonly perPeer = new PeerBudget({
    capacity: SYNC_BURST_PER_PEER,
    refillPerSecond: SYNCS_PER_SECOND_PER_PEER,
    maxKeys: MAX_SYNC_BUCKETS
  })
  private readonly perIp = new PeerBudget({
    capacity: SYNC_BURST_PER_IP,
    refillPerSecond: SYNCS_PER_SECOND_PER_IP,
    maxKeys: MAX_SYNC_BUCKETS
  })
  private answering = 0

  constructor(
    private readonly components: PresenceSyncComponents,
    private readonly init: PresenceSyncInit
  ) {
    this.log = components.logger.forComponent('p2pchat:presence-sync')
    this.now = init.now ?? Date.now
    this.handleStream = this.handleStream.bind(this)
  }

  async start(): Promise<void> {
    await this.components.registrar.handle(PRESENCE_SYNC_PROTOCOL, this.handleStream, {
      maxInboundStreams: 1,
      maxOutboundStreams: 1,
      // a relay's clients reach each other over relayed connections; the relay itself is reached directly
      runOnLimitedConnection: true
    })
  }

  async stop(): Promise<void> {
    await this.components.registrar.unhandle(PRESENCE_SYNC_PROTOCOL)
  }

  /** Serves one sync (the registered handler); a refused one is reset. */
  async handleStream(stream: Stream, connection: Pick<Connection, 'remotePeer' | 'remoteAddr'>): Promise<void> {
    const refusal = this.admit(connection)
    if (refusal != null) {
      this.log('refusing a sync to %p: %s', connection.remotePeer, refusal)
      stream.abort(new SyncRefusedError(refusal))
      return
    }
    this.answering++
    const signal = AbortSignal.timeout(SYNC_TIMEOUT_MS)
    try {
      const frames = frameStream(stream, MAX_PAGE_BYTES)
      const limit = decodeRequest(await frames.read({ signal }))
      for (const page of encodePages(take(this.init.entries(), limit))) {
        await frames.write(page, { signal })
      }
      await stream.close({ signal })
    } catch (err) {
      this.log('sync to %p failed - %e', connection.remotePeer, err)
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    } finally {
      this.answering--
    }
  }

  /** Why a sync must be refused now, if it must: too many at once, or too many from this peer or address. */
  private admit(connection: Pick<Connection, 'remotePeer' | 'remoteAddr'>): string | undefined {
    if (this.answering >= MAX_CONCURRENT_SYNCS) {
      return 'busy'
    }
    const now = this.now()
    const ip = sourceOf(connection.remoteAddr)
    if (this.perIp.available(ip, now) < 1 || !this.perPeer.take(connection.remotePeer.toString(), 1, now)) {
      return 'asked too often'
    }
    this.perIp.take(ip, 1, now)
    return undefined
  }

  /**
   * The announcements `peer` holds, at most `limit`, unchecked: each is only as good as its signature. Throws when
   * the peer refuses, the stream fails or the answer is malformed (what came before is dropped with it).
   */
  async fetch(peer: PeerId, options: AbortOptions & { limit?: number; maxBytes?: number } = {}): Promise<SyncEntry[]> {
    const limit = Math.min(options.limit ?? MAX_SYNC_ENTRIES, MAX_SYNC_ENTRIES)
    const maxBytes = Math.min(options.maxBytes ?? MAX_SYNC_BYTES, MAX_SYNC_BYTES)
    const timeout = AbortSignal.timeout(SYNC_TIMEOUT_MS)
    const signal = options.signal == null ? timeout : AbortSignal.any([timeout, options.signal])
    const stream = await openStreamReusing(this.components.connectionManager, peer, PRESENCE_SYNC_PROTOCOL, {
      signal,
      runOnLimitedConnection: true
    })
    try {
      // the pages come without waiting for us: what arrived before we read it is bounded by the answer's size
      const frames = frameStream(stream, MAX_PAGE_BYTES, maxBytes)
      await frames.write(encodeRequest(limit), { signal })
      const entries: SyncEntry[] = []
      let bytes = 0
      for (;;) {
        const frame = await frames.read({ signal })
        bytes += frame.byteLength
        if (bytes > maxBytes) {
          throw new SyncRefusedError(`the answer is larger than ${maxBytes} bytes`)
        }
        const page = decodePage(frame)
        if (entries.length + page.entries.length > limit) {
          throw new SyncRefusedError(`the answer holds more than the ${limit} entries asked for`)
        }
        entries.push(...page.entries)
        if (page.last) {
          await stream.close({ signal }).catch(() => {})
          return entries
        }
      }
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
      throw err
    }
  }
}

function* take<T>(items: Iterable<T>, limit: number): Generator<T> {
  if (limit <= 0) {
    return
  }
  let n = 0
  for (const item of items) {
    yield item
    if (++n >= limit) {
      return
    }
  }
}
