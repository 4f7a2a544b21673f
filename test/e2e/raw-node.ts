import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { type GossipSub, gossipsub, type Message } from '@libp2p/gossipsub'
import { type Identify, identify } from '@libp2p/identify'
import type { Libp2p, PrivateKey, Stream } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { LengthPrefixedDecoder } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { encode } from 'uint8-varint'
import { Uint8ArrayList } from 'uint8arraylist'

export type RawNode = Libp2p<{ identify: Identify; pubsub: GossipSub }>

const nodes = new Set<RawNode>()

/** How a raw node differs from the default: no listen address, floodsub off, default inbound limit. */
export interface RawNodeInit {
  privateKey?: PrivateKey
  /** listen on loopback, so that p2pchat peers can dial it back */
  listen?: boolean
  /** gossipsub's largest inbound message */
  maxInboundDataLength?: number
  /** dial through relays too (circuit relay), e.g. to reach a browser page */
  relayed?: boolean
}

/**
 * A bare libp2p node in the test process, speaking the same transports as p2pchat but none of its rules:
 * it publishes whatever it is told (no topic validators) and records every gossip message it receives.
 */
export async function rawNode(init: RawNodeInit = {}): Promise<RawNode & { received: Message[] }> {
  const node = await createLibp2p({
    ...(init.privateKey ? { privateKey: init.privateKey } : {}),
    // with no listen address nobody can dial it, so it meets only the peers it dials itself
    addresses: { listen: init.listen === true ? ['/ip4/127.0.0.1/tcp/0'] : [] },
    transports: init.relayed === true ? [tcp(), circuitRelayTransport()] : [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      pubsub: gossipsub({
        globalSignaturePolicy: 'StrictSign',
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
        fallbackToFloodsub: false,
        ...(init.maxInboundDataLength == null ? {} : { maxInboundDataLength: init.maxInboundDataLength })
      })
    }
  })
  nodes.add(node)
  const received: Message[] = []
  node.services.pubsub.addEventListener('message', (evt) => received.push(evt.detail))
  return Object.assign(node, { received })
}

/** Stops every raw node; call from afterEach. */
export async function stopRawNodes(): Promise<void> {
  const all = [...nodes]
  nodes.clear()
  await Promise.all(all.map((n) => n.stop()))
}

/** Peers in our gossipsub mesh for `topic`: the implementation has it, the exported GossipSub type does not. */
export function meshPeers(node: RawNode, topic: string): string[] {
  return (node.services.pubsub as unknown as { getMeshPeers(topic: string): string[] }).getMeshPeers(topic)
}

/** Dials a p2pchat process by the first address of its `ready` event. */
export async function connectTo(node: RawNode, addrs: string[]): Promise<void> {
  await node.dial(multiaddr(addrs[0]), { signal: AbortSignal.timeout(10_000) })
}

/** Unsigned LEB128 varint, as libp2p's length prefixes use. */
export function varint(value: number): Uint8Array {
  return encode(value)
}

/** `bytes` with a varint length prefix. */
export function frame(bytes: Uint8Array): Uint8Array {
  const prefix = varint(bytes.byteLength)
  const out = new Uint8Array(prefix.byteLength + bytes.byteLength)
  out.set(prefix)
  out.set(bytes, prefix.byteLength)
  return out
}

export interface Reply {
  /** length-prefixed frames the other side sent back */
  frames: Uint8Array[]
  /** set when the stream did not end cleanly (reset by the other side, or no answer in time) */
  error?: Error
}

/** Writes `chunks` as they are (no framing added), closes our side, and collects the answer until the stream ends. */
export async function exchange(stream: Stream, chunks: Uint8Array[], timeoutMs = 15_000): Promise<Reply> {
  const received = new Uint8ArrayList()
  let error: Error | undefined
  const timer = setTimeout(() => stream.abort(new Error(`no end of stream within ${timeoutMs} ms`)), timeoutMs)
  try {
    for (const chunk of chunks) {
      if (!stream.send(chunk)) {
        await stream.onDrain()
      }
    }
    await stream.close()
  } catch (err) {
    // the other side may reset the stream while we still write: that is an answer too
    error = err instanceof Error ? err : new Error(String(err))
  }
  try {
    for await (const chunk of stream) {
      received.append(chunk)
    }
  } catch (err) {
    error ??= err instanceof Error ? err : new Error(String(err))
  } finally {
    clearTimeout(timer)
  }
  let frames: Uint8Array[] = []
  try {
    frames = [...new LengthPrefixedDecoder().decode(received)].map((f) => f.subarray())
  } catch (err) {
    error ??= err instanceof Error ? err : new Error(String(err))
  }
  return { frames, ...(error ? { error } : {}) }
}
