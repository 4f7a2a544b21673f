import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { now } from './stats.ts'
import { type Pump, type RoundTripper, runConcurrently } from './subjects.ts'

/** Trivial protocols on the chat nodes' own libp2p, so they share its config and connection. */
const ECHO_PROTOCOL = '/p2pchat-bench/echo/1.0.0'
const SINK_PROTOCOL = '/p2pchat-bench/sink/1.0.0'

/** What the sink handler has received so far, by node. */
const sinkBytes = new WeakMap<Libp2p, { bytes: number }>()

/** Registers echo and sink on `node`. */
export async function handleBenchProtocols(node: Libp2p): Promise<void> {
  const counter = { bytes: 0 }
  sinkBytes.set(node, counter)
  const limits = { maxInboundStreams: 64, maxOutboundStreams: 64 }
  await node.handle(
    ECHO_PROTOCOL,
    async (stream) => {
      try {
        for await (const chunk of stream) {
          if (!stream.send(chunk)) {
            await drained(stream)
          }
        }
        await stream.close()
      } catch (err) {
        stream.abort(err instanceof Error ? err : new Error(String(err)))
      }
    },
    limits
  )
  await node.handle(
    SINK_PROTOCOL,
    async (stream) => {
      try {
        for await (const chunk of stream) {
          counter.bytes += chunk.byteLength
        }
      } catch (err) {
        stream.abort(err instanceof Error ? err : new Error(String(err)))
      }
    },
    limits
  )
}

/** Echo over one long-lived stream: noise + yamux + our event loop, no per-message setup. */
export async function libp2pEchoStream(from: Libp2p, to: PeerId, payloadBytes: number): Promise<RoundTripper> {
  const stream = await from.dialProtocol(to, ECHO_PROTOCOL)
  const reader = stream[Symbol.asyncIterator]()
  const payload = new Uint8Array(payloadBytes).fill(0x61)
  return {
    async roundTrip() {
      stream.send(payload)
      await readBytes(reader, payloadBytes)
    },
    async close() {
      await stream.close()
    }
  }
}

/** Echo on a fresh stream per message, closed after the reply: what a stream-per-DM design pays. */
export function libp2pEchoNewStream(from: Libp2p, to: PeerId, payloadBytes: number): RoundTripper {
  const payload = new Uint8Array(payloadBytes).fill(0x61)
  return {
    async roundTrip() {
      const stream = await from.dialProtocol(to, ECHO_PROTOCOL)
      stream.send(payload)
      await readBytes(stream[Symbol.asyncIterator](), payloadBytes)
      await stream.close()
    },
    async close() {}
  }
}

/** One-way bulk transfer over one stream, in `chunkBytes` sends, counted where it arrives. */
export async function libp2pSink(from: Libp2p, to: Libp2p, chunkBytes: number): Promise<Pump> {
  const counter = sinkBytes.get(to)
  if (counter == null) {
    throw new Error('handleBenchProtocols() was not called on the receiving node')
  }
  const stream: Stream = await from.dialProtocol(to.peerId, SINK_PROTOCOL)
  const chunk = new Uint8Array(chunkBytes).fill(0x61)
  return {
    async run(durationMs) {
      const start = now()
      const startBytes = counter.bytes
      await runConcurrently(
        1,
        () => now() - start >= durationMs,
        async () => {
          if (!stream.send(chunk)) {
            await drained(stream)
          }
        }
      )
      return { bytes: counter.bytes - startBytes, ms: now() - start }
    },
    async close() {
      await stream.close()
    }
  }
}

/**
 * Waits for the stream's next `drain` event. Not `stream.onDrain()`: in @libp2p/utils 7.4.1 its promise
 * is created once and never reset, so after the first drain it resolves at once and a sender looping
 * on `send()`/`onDrain()` queues without bound.
 */
async function drained(stream: Stream): Promise<void> {
  if (!stream.writableNeedsDrain) {
    return
  }
  await new Promise<void>((resolve, reject) => {
    const onDrain = (): void => {
      stream.removeEventListener('close', onClose)
      resolve()
    }
    const onClose = (): void => {
      stream.removeEventListener('drain', onDrain)
      reject(new Error('stream closed while waiting for drain'))
    }
    stream.addEventListener('drain', onDrain, { once: true })
    stream.addEventListener('close', onClose, { once: true })
  })
}

async function readBytes(reader: AsyncIterator<{ byteLength: number }>, count: number): Promise<void> {
  let got = 0
  while (got < count) {
    const next = await reader.next()
    if (next.done === true) {
      throw new Error(`echo stream ended after ${got} of ${count} bytes`)
    }
    got += next.value.byteLength
  }
}
