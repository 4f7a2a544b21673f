import type { ComponentLogger, Connection, Logger, PeerId, Startable } from '@libp2p/interface'

/** How many gossip streams the relay opens at once. */
export const GOSSIP_STREAMS_OPENED_AT_ONCE = 32

/** One of gossipsub's requests to open its outbound stream to a newly connected peer. */
export interface StreamRequest {
  peerId: PeerId
  connection: Connection
}

/**
 * What is used of gossipsub's implementation: the queue it puts each new peer's outbound stream on (`push`, and `end`
 * when it stops) and how it opens one (a no-op if the peer has one already). Neither is in gossipsub's typed
 * interface: they are looked up at run time, and a test fails if they go.
 */
interface OutboundQueueInternals {
  outboundInflightQueue: { push: (request: StreamRequest) => void; end: () => void }
  createOutboundStream: (peerId: PeerId, connection: Connection) => Promise<void>
}

function outboundQueueOf(pubsub: object): OutboundQueueInternals | undefined {
  const found = pubsub as Partial<OutboundQueueInternals>
  if (typeof found.createOutboundStream !== 'function' || typeof found.outboundInflightQueue?.push !== 'function') {
    return undefined
  }
  return found as OutboundQueueInternals
}

/**
 * Opens gossip streams up to `concurrency` at a time, one at a time per peer: a request for a peer whose stream is
 * being opened is kept and run after it (on a new connection, if the first failed), as gossipsub's own queue would.
 * Pure bookkeeping around `open`; what it opens is gossipsub's business.
 */
export class ConcurrentStreamOpener {
  private readonly waiting: StreamRequest[] = []
  private next = 0
  private running = 0
  /** peers with a request waiting or being opened */
  private readonly busy = new Set<string>()
  /** the latest request for a busy peer, run once its current one is done */
  private readonly again = new Map<string, StreamRequest>()
  private ended = false

  constructor(
    private readonly open: (request: StreamRequest) => Promise<void>,
    private readonly concurrency: number
  ) {}

  push(request: StreamRequest): void {
    if (this.ended) {
      return
    }
    const id = request.peerId.toString()
    if (this.busy.has(id)) {
      this.again.set(id, request)
      return
    }
    this.busy.add(id)
    this.waiting.push(request)
    this.drain()
  }

  end(): void {
    this.ended = true
    this.waiting.length = 0
    this.next = 0
    this.again.clear()
  }

  private drain(): void {
    while (this.running < this.concurrency && this.next < this.waiting.length) {
      const request = this.waiting[this.next++]
      if (this.next === this.waiting.length) {
        // nothing waits: start the array afresh rather than shifting it one by one
        this.waiting.length = 0
        this.next = 0
      }
      this.running++
      void this.open(request)
        .catch(() => {})
        .finally(() => this.done(request))
    }
  }

  private done(request: StreamRequest): void {
    this.running--
    const id = request.peerId.toString()
    this.busy.delete(id)
    const again = this.again.get(id)
    this.again.delete(id)
    if (again != null) {
      this.push(again)
    }
    this.drain()
  }
}

export interface GossipStreamOpenerComponents {
  pubsub: object
  logger: ComponentLogger
}

/**
 * gossipsub opens its outbound stream to each new peer one after the other, each waiting for the peer's answer. A
 * relay that takes thousands of clients in a burst then makes every newcomer wait behind all of them: with 10,000
 * idle clients connected, active clients went minutes without the relay's gossip stream, listing nobody (bench:relay).
 * The relay hands those requests to a ConcurrentStreamOpener instead.
 */
export class GossipStreamOpener implements Startable {
  private readonly log: Logger

  constructor(private readonly components: GossipStreamOpenerComponents) {
    this.log = components.logger.forComponent('p2pchat:gossip-stream-opener')
  }

  readonly [Symbol.toStringTag] = 'p2pchat/gossip-stream-opener'

  start(): void {}

  /** After gossipsub started (it makes its queue then), and before the relay takes many connections. */
  afterStart(): void {
    const gossip = outboundQueueOf(this.components.pubsub)
    if (gossip == null) {
      this.log.error('gossipsub internals not found: its outbound streams stay one at a time')
      return
    }
    const sequential = gossip.outboundInflightQueue
    gossip.outboundInflightQueue = new ConcurrentStreamOpener(
      async ({ peerId, connection }) => gossip.createOutboundStream(peerId, connection),
      GOSSIP_STREAMS_OPENED_AT_ONCE
    )
    // what it holds already is opened by its own loop, which then ends
    sequential.end()
  }

  stop(): void {}
}

export function gossipStreamOpener(): (components: GossipStreamOpenerComponents) => GossipStreamOpener {
  return (components) => new GossipStreamOpener(components)
}
