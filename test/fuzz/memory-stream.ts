import type { AbortOptions, Stream } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { AbstractStream, type SendResult } from '@libp2p/utils'
import type { Uint8ArrayList } from 'uint8arraylist'

/** One logger for every fuzz stream: making a logger per stream costs more than the case it serves. */
const log = defaultLogger().forComponent('p2pchat:fuzz:stream')

let nextId = 0

/**
 * One end of an in-memory stream pair. Everything the far end needs to hear (data, half-close, reset) is delivered
 * in a microtask, in order, so a case runs in microseconds instead of the millisecond ticks of @libp2p/utils'
 * streamPair (whose mock muxer also CBOR-encodes every chunk).
 */
class MemoryStream extends AbstractStream {
  remote?: MemoryStream

  sendData(data: Uint8ArrayList): SendResult {
    const bytes = data.subarray()
    const remote = this.remote
    queueMicrotask(() => remote?.onData(bytes))
    return { sentBytes: data.byteLength, canSendMore: true }
  }

  sendReset(): void {
    const remote = this.remote
    queueMicrotask(() => remote?.onRemoteReset())
  }

  async sendCloseWrite(options?: AbortOptions): Promise<void> {
    const remote = this.remote
    queueMicrotask(() => remote?.onRemoteCloseWrite())
    options?.signal?.throwIfAborted()
  }

  async sendCloseRead(options?: AbortOptions): Promise<void> {
    const remote = this.remote
    queueMicrotask(() => remote?.onRemoteCloseRead())
    options?.signal?.throwIfAborted()
  }

  // flow control is not simulated: the receiving side's read buffer limit still applies
  sendPause(): void {}

  sendResume(): void {}
}

/** Two connected streams: what the dialer writes on `outbound` arrives on `inbound` and the other way round. */
export function memoryStreamPair(protocol = ''): { outbound: Stream; inbound: Stream } {
  const id = String(nextId++)
  const outbound = new MemoryStream({ id, log, direction: 'outbound', protocol })
  const inbound = new MemoryStream({ id, log, direction: 'inbound', protocol })
  outbound.remote = inbound
  inbound.remote = outbound
  return { outbound, inbound }
}

/** True once the handler let go of `stream`: it closed its writing side or aborted the stream. */
export function released(stream: Stream): boolean {
  return stream.writeStatus === 'closed' || stream.status !== 'open'
}
