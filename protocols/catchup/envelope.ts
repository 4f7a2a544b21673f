import type { SignedMessage } from '@libp2p/gossipsub'
import { RPC } from '@libp2p/gossipsub/message'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { concat } from 'uint8arrays/concat'
import { fromString } from 'uint8arrays/from-string'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import type { SignedGossip } from './codec.ts'
import { ForgedMessageError } from './errors.ts'

/** What gossipsub signs under StrictSign: this prefix, then the protobuf of {from, data, seqno, topic}. */
const SIGN_PREFIX = fromString('libp2p-pubsub:')

function signedBytes(g: Omit<SignedGossip, 'signature'>): Uint8Array {
  return concat([SIGN_PREFIX, RPC.Message.encode({ from: g.from, data: g.data, seqno: g.seqno, topic: g.topic })])
}

/** A received gossip message in the form catch-up keeps and passes on. */
export function gossipOf(msg: SignedMessage): SignedGossip {
  const seqno = new Uint8Array(8)
  new DataView(seqno.buffer).setBigUint64(0, BigInt.asUintN(64, msg.sequenceNumber), false)
  return {
    from: msg.from.toMultihash().bytes as Uint8Array<ArrayBuffer>,
    data: msg.data as Uint8Array<ArrayBuffer>,
    seqno,
    topic: msg.topic,
    signature: msg.signature as Uint8Array<ArrayBuffer>
  }
}

/**
 * Checks a passed-on gossip message exactly as gossipsub checks one under StrictSign: the sender's PeerId must
 * inline its public key, and that key must have signed these bytes. Resolves with the message in the form
 * gossipsub hands to topic validators; throws ForgedMessageError otherwise.
 */
export async function verifyGossip(g: SignedGossip): Promise<SignedMessage> {
  let from: PeerId
  try {
    from = peerIdFromString(uint8ArrayToString(g.from, 'base58btc'))
  } catch {
    throw new ForgedMessageError('the sender is not a PeerId')
  }
  const key = from.publicKey
  if (key == null) {
    throw new ForgedMessageError('the sender PeerId carries no public key')
  }
  let valid = false
  try {
    valid = await key.verify(signedBytes(g), g.signature)
  } catch {
    valid = false
  }
  if (!valid) {
    throw new ForgedMessageError(`the signature of a message from ${from} does not verify`)
  }
  const sequenceNumber = new DataView(g.seqno.buffer, g.seqno.byteOffset, 8).getBigUint64(0, false)
  return { type: 'signed', from, topic: g.topic, data: g.data, sequenceNumber, signature: g.signature, key }
}

/** Seqnos of messages we sign for catch-up: increasing, seeded from the clock like gossipsub's own. */
let seqnoCounter = BigInt(Date.now()) * 1_000_000n

/** Signs one of our own messages as gossipsub would have: what we serve of our own posts. */
export async function signGossip(
  privateKey: PrivateKey,
  from: PeerId,
  topic: string,
  data: Uint8Array
): Promise<SignedGossip> {
  const seqno = new Uint8Array(8)
  new DataView(seqno.buffer).setBigUint64(0, ++seqnoCounter, false)
  const unsigned = {
    from: from.toMultihash().bytes as Uint8Array<ArrayBuffer>,
    data: data as Uint8Array<ArrayBuffer>,
    seqno,
    topic
  }
  const signature = (await privateKey.sign(signedBytes(unsigned))) as Uint8Array<ArrayBuffer>
  return { ...unsigned, signature }
}
