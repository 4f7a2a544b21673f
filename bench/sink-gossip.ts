import { RPC } from '@libp2p/gossipsub/message'
import type { Connection, Startable, Stream } from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'
import { encode as varint } from 'uint8-varint'
import { Uint8ArrayList } from 'uint8arraylist'

/** gossipsub 1.2, the version the relay speaks first */
const GOSSIPSUB_PROTOCOL = '/meshsub/1.2.0'

export interface SinkGossipComponents {
  registrar: Pick<Registrar, 'handle' | 'unhandle' | 'register' | 'unregister'>
}

/**
 * The gossipsub side of an idle benchmark client, as the relay sees it: on connecting it says it is subscribed to
 * `topics`, and it reads whatever the relay sends and throws it away. A real client decodes each message and checks
 * its signature; ten thousand of them in the benchmark's worker processes did that for every broadcast on the same
 * two cores as the relay, so what the benchmark measured was its own clients (one worker at 124 % of a core, the
 * relay at 41 %, while 50 newcomers joined). The relay does the same work either way: it forwards every message to
 * every subscriber, whatever the subscriber then does with it.
 */
export class SinkGossip implements Startable {
  private topology?: string

  constructor(
    private readonly components: SinkGossipComponents,
    private readonly topics: string[]
  ) {}

  async start(): Promise<void> {
    await this.components.registrar.handle(GOSSIPSUB_PROTOCOL, (stream) => discard(stream), {
      maxInboundStreams: 2,
      maxOutboundStreams: 2
    })
    this.topology = await this.components.registrar.register(GOSSIPSUB_PROTOCOL, {
      onConnect: (_peer, connection) => void this.subscribe(connection)
    })
  }

  async stop(): Promise<void> {
    if (this.topology != null) {
      this.components.registrar.unregister(this.topology)
    }
    await this.components.registrar.unhandle(GOSSIPSUB_PROTOCOL)
  }

  /** Opens our gossip stream to `connection`'s peer and subscribes; the stream stays open, as gossipsub's does. */
  private async subscribe(connection: Connection): Promise<void> {
    try {
      const stream = await connection.newStream(GOSSIPSUB_PROTOCOL, { signal: AbortSignal.timeout(30_000) })
      discard(stream)
      const rpc = RPC.encode({ subscriptions: this.topics.map((topic) => ({ subscribe: true, topic })), messages: [] })
      stream.send(new Uint8ArrayList(varint(rpc.byteLength), rpc))
    } catch {
      // an idle benchmark client that could not subscribe shows up in the relay's counts, not here
    }
  }
}

/** Reads everything `stream` brings, and keeps none of it. */
function discard(stream: Stream): void {
  stream.addEventListener('message', () => {})
}

export function sinkGossip(topics: string[]): (components: SinkGossipComponents) => SinkGossip {
  return (components) => new SinkGossip(components, topics)
}
