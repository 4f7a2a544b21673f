import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { RPC } from '@libp2p/gossipsub/message'
import { type Identify, identify } from '@libp2p/identify'
import type { Libp2p, PrivateKey, Stream } from '@libp2p/interface'
import { peerIdFromMultihash, peerIdFromPrivateKey } from '@libp2p/peer-id'
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import * as Digest from 'multiformats/hashes/digest'
import { concat } from 'uint8arrays/concat'
import { fromString } from 'uint8arrays/from-string'

/**
 * A hostile libp2p node for end-to-end tests: it speaks gossipsub's wire format by hand, so it can sign messages
 * with any key (identities are free), subscribe to any topics and send RPCs no honest gossipsub would. It also
 * records the topics the other side says it is subscribed to.
 */
export interface HostileNode {
  node: Libp2p<{ identify: Identify }>
  /** topics each remote peer told us it subscribes to */
  remoteTopics: Map<string, Set<string>>
  /** what remote peers sent us, over all of them: GRAFTs and the message ids in IDONTWANTs */
  received: { grafts: number; idontwants: number }
  /** the messages remote peers sent us: topic, author (PeerId) and payload, in arrival order */
  messages: Array<{ topic: string; from: string; data: Uint8Array }>
}

/** Gossipsub's stream protocol; p2pchat's gossipsub speaks it. */
const MESHSUB = '/meshsub/1.1.0'
/** The version with IDONTWANT, answered too so that a peer may send us those. */
const MESHSUB_IDONTWANT = '/meshsub/1.2.0'

/** An RPC we send stays under this, below the 64 KiB frame p2pchat accepts. */
const RPC_BUDGET_BYTES = 60 * 1024

/** A remote's RPCs we decode up to this: we are the observer and want to see oversized ones. */
const OBSERVED_RPC_BYTES = 4 * 1024 * 1024

/** Messages a node records (topic and author): enough for any test, bounded against a flood. */
const MAX_RECORDED_MESSAGES = 10_000

const nodes = new Set<HostileNode>()

/** A node with its own key (or `privateKey`) that answers the other side's gossip stream by recording it. */
export async function hostileNode(privateKey?: PrivateKey): Promise<HostileNode> {
  const node = await createLibp2p({
    ...(privateKey != null ? { privateKey } : {}),
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() }
  })
  const hostile: HostileNode = {
    node,
    remoteTopics: new Map(),
    received: { grafts: 0, idontwants: 0 },
    messages: []
  }
  await node.handle(
    [MESHSUB_IDONTWANT, MESHSUB],
    (stream, connection) => observe(hostile, connection.remotePeer.toString(), stream),
    {
      runOnLimitedConnection: true
    }
  )
  nodes.add(hostile)
  return hostile
}

/** Stops every hostile node; call from afterEach. */
export async function stopHostileNodes(): Promise<void> {
  const all = [...nodes]
  nodes.clear()
  await Promise.all(all.map((h) => h.node.stop()))
}

async function observe(hostile: HostileNode, peer: string, stream: Stream): Promise<void> {
  const topics = hostile.remoteTopics.get(peer) ?? new Set<string>()
  hostile.remoteTopics.set(peer, topics)
  const lp = lpStream(stream, { maxDataLength: OBSERVED_RPC_BYTES })
  try {
    for (;;) {
      const rpc = RPC.decode(await lp.read())
      for (const m of rpc.messages) {
        if (hostile.messages.length < MAX_RECORDED_MESSAGES && m.from != null) {
          const from = peerIdFromMultihash(Digest.decode(m.from)).toString()
          hostile.messages.push({ topic: m.topic, from, data: m.data ?? new Uint8Array() })
        }
      }
      hostile.received.grafts += rpc.control?.graft.length ?? 0
      for (const idontwant of rpc.control?.idontwant ?? []) {
        hostile.received.idontwants += idontwant.messageIDs.length
      }
      for (const { topic, subscribe } of rpc.subscriptions) {
        if (topic != null && subscribe === true) {
          topics.add(topic)
        } else if (topic != null) {
          topics.delete(topic)
        }
      }
    }
  } catch {
    // the stream ended
  }
}

/** A gossip stream to one peer, on which we write whatever RPCs we like. */
export class GossipLink {
  private constructor(private readonly lp: ReturnType<typeof lpStream>) {}

  /** Dials `addr` (a p2pchat process or relay) and opens a gossip stream to it. */
  static async open(hostile: HostileNode, addr: string): Promise<GossipLink> {
    const stream = await hostile.node.dialProtocol(multiaddr(addr), MESHSUB, { signal: AbortSignal.timeout(10_000) })
    return new GossipLink(lpStream(stream, { maxDataLength: OBSERVED_RPC_BYTES }))
  }

  /** Subscribes to `topics`, in as few RPCs as fit the frame limit. */
  async subscribe(topics: string[], subscribe = true): Promise<void> {
    let batch: RPC.SubOpts[] = []
    let bytes = 0
    for (const topic of topics) {
      if (bytes + topic.length + 8 > RPC_BUDGET_BYTES) {
        await this.send({ subscriptions: batch, messages: [] })
        batch = []
        bytes = 0
      }
      batch.push({ topic, subscribe })
      bytes += topic.length + 8
    }
    if (batch.length > 0) {
      await this.send({ subscriptions: batch, messages: [] })
    }
  }

  /**
   * Sends `messages` (e.g. from `forge`), as many per RPC as fit the frame limit. Resolves with how many were
   * written; a peer that closes the stream on us is an answer too, not an error.
   */
  async publish(messages: RPC.Message[]): Promise<number> {
    let batch: RPC.Message[] = []
    let bytes = 0
    let sent = 0
    try {
      for (const message of messages) {
        const size = RPC.Message.encode(message).byteLength + 8
        if (bytes + size > RPC_BUDGET_BYTES && batch.length > 0) {
          await this.send({ subscriptions: [], messages: batch })
          sent += batch.length
          batch = []
          bytes = 0
        }
        batch.push(message)
        bytes += size
      }
      if (batch.length > 0) {
        await this.send({ subscriptions: [], messages: batch })
        sent += batch.length
      }
    } catch {
      // closed or reset by the other side
    }
    return sent
  }

  async send(rpc: RPC): Promise<void> {
    await this.lp.write(RPC.encode(rpc), { signal: AbortSignal.timeout(30_000) })
  }
}

/** `count` fresh Ed25519 keys: each one a new identity, which costs an attacker nothing. */
export async function freshKeys(count: number): Promise<PrivateKey[]> {
  return Promise.all(Array.from({ length: count }, () => generateKeyPair('Ed25519')))
}

let seqno = BigInt(Date.now()) * 1000n

/** A gossip message on `topic` carrying `data`, validly signed by `key` (StrictSign), as gossipsub builds it. */
export async function forge(key: PrivateKey, topic: string, data: Uint8Array): Promise<RPC.Message> {
  seqno++
  const seq = new Uint8Array(8)
  new DataView(seq.buffer).setBigUint64(0, seqno, false)
  const unsigned: RPC.Message = { from: peerIdFromPrivateKey(key).toMultihash().bytes, data, seqno: seq, topic }
  const signature = await key.sign(concat([fromString('libp2p-pubsub:'), RPC.Message.encode(unsigned)]))
  return { ...unsigned, signature, key: publicKeyToProtobuf(key.publicKey) }
}
