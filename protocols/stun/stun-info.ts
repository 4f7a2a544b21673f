import type { AbortOptions, ComponentLogger, Connection, Logger, Startable, Stream } from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'
import { lpStream } from '@libp2p/utils'
import { errorMessage } from '../common/errors.ts'
import { decodeStunInfo, encodeStunInfo } from './codec.ts'
import { MAX_STUN_INFO_BYTES, STUN_INFO_PROTOCOL, STUN_INFO_TIMEOUT_MS } from './constants.ts'
import { StunInfoError } from './errors.ts'

export interface StunInfoServerComponents {
  registrar: Pick<Registrar, 'handle' | 'unhandle'>
  logger: ComponentLogger
}

export interface StunInfoServerInit {
  /** the UDP port the relay's STUN responder listens on now, 0 when it runs none */
  port: () => number
}

/** The relay side of `/p2pchat/stun/1.0.0`: each stream gets the STUN port in one frame, then closes. */
export class StunInfoServer implements Startable {
  private readonly log: Logger

  constructor(
    private readonly components: StunInfoServerComponents,
    private readonly init: StunInfoServerInit
  ) {
    this.log = components.logger.forComponent('p2pchat:stun-info')
    this.handleStream = this.handleStream.bind(this)
  }

  async start(): Promise<void> {
    await this.components.registrar.handle(STUN_INFO_PROTOCOL, this.handleStream, {
      // a client asks once per connection; one more for a retry racing the first
      maxInboundStreams: 2,
      maxOutboundStreams: 0
    })
  }

  async stop(): Promise<void> {
    await this.components.registrar.unhandle(STUN_INFO_PROTOCOL)
  }

  async handleStream(stream: Stream): Promise<void> {
    const signal = AbortSignal.timeout(STUN_INFO_TIMEOUT_MS)
    try {
      await lpStream(stream, { maxDataLength: MAX_STUN_INFO_BYTES }).write(encodeStunInfo(this.init.port()), {
        signal
      })
      await stream.close({ signal })
    } catch (err) {
      this.log('could not send the STUN port - %s', errorMessage(err))
      stream.abort(err instanceof Error ? err : new Error(errorMessage(err)))
    }
  }
}

/** A relay service answering `/p2pchat/stun/1.0.0` with the port `init.port()` gives. */
export function stunInfoServer(init: StunInfoServerInit): (components: StunInfoServerComponents) => StunInfoServer {
  return (components) => new StunInfoServer(components, init)
}

/**
 * Asks the relay at the other end of `connection` for its STUN port (0: it runs none). Throws StunInfoError when the
 * relay does not speak the protocol or answers nonsense.
 */
export async function fetchStunPort(
  connection: Pick<Connection, 'newStream'>,
  options: AbortOptions = {}
): Promise<number> {
  const signal = options.signal ?? AbortSignal.timeout(STUN_INFO_TIMEOUT_MS)
  let stream: Stream | undefined
  try {
    stream = await connection.newStream(STUN_INFO_PROTOCOL, { signal })
    const port = decodeStunInfo(await lpStream(stream, { maxDataLength: MAX_STUN_INFO_BYTES }).read({ signal }))
    await stream.close({ signal }).catch(() => {})
    return port
  } catch (err) {
    stream?.abort(err instanceof Error ? err : new Error(errorMessage(err)))
    throw new StunInfoError(`no STUN port from the relay: ${errorMessage(err)}`)
  }
}
