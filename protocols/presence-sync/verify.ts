/**
 * libp2p pubsub message signing (https://github.com/libp2p/specs/blob/master/pubsub/README.md#message-signing): the
 * author signs "libp2p-pubsub:" followed by the protobuf Message with its `from`, `data`, `seqno` and `topic`, and
 * neither `signature` nor `key`. Checking it here lets a peer pass on another's announcement, and the receiver trust
 * only the author.
 */
import { RPC } from '@libp2p/gossipsub/message'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { concat as uint8ArrayConcat } from 'uint8arrays/concat'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import type { SignedAnnouncement } from './codec.ts'
import { InvalidSignatureError } from './errors.ts'

const SIGN_PREFIX = uint8ArrayFromString('libp2p-pubsub:')

/** The bytes an author signs for a message with these fields on `topic`. */
export function signedBytes(a: Pick<SignedAnnouncement, 'from' | 'data' | 'seqno'>, topic: string): Uint8Array {
  return uint8ArrayConcat([SIGN_PREFIX, RPC.Message.encode({ from: a.from, data: a.data, seqno: a.seqno, topic })])
}

/**
 * The author of `a` if its signature is the author's over `a` on `topic`; throws InvalidSignatureError. Only
 * PeerIds that carry their public key (Ed25519, secp256k1) can be checked without more: others are refused.
 */
export async function verifyAnnouncement(a: SignedAnnouncement, topic: string): Promise<PeerId> {
  let author: PeerId
  try {
    author = peerIdFromString(uint8ArrayToString(a.from, 'base58btc'))
  } catch {
    throw new InvalidSignatureError('the author is not a PeerId')
  }
  // one PeerId, one encoding: a re-encoded author would make a second copy of the same announcement
  if (author.publicKey == null || !uint8ArrayEquals(author.toMultihash().bytes, a.from)) {
    throw new InvalidSignatureError('the author carries no public key')
  }
  let valid: boolean
  try {
    valid = await author.publicKey.verify(signedBytes(a, topic), a.signature)
  } catch {
    valid = false
  }
  if (!valid) {
    throw new InvalidSignatureError(`bad signature by ${author}`)
  }
  return author
}

/** The fields of a signed gossipsub message that sync passes on; undefined for an unsigned one. */
export function signedAnnouncementOf(msg: {
  type: 'signed' | 'unsigned'
  from?: PeerId
  data: Uint8Array
  sequenceNumber?: bigint
  signature?: Uint8Array
}): SignedAnnouncement | undefined {
  if (msg.type !== 'signed' || msg.from == null || msg.sequenceNumber == null || msg.signature == null) {
    return undefined
  }
  const seqno = new Uint8Array(8)
  new DataView(seqno.buffer).setBigUint64(0, msg.sequenceNumber, false)
  return {
    from: Uint8Array.from(msg.from.toMultihash().bytes),
    seqno,
    data: Uint8Array.from(msg.data),
    signature: Uint8Array.from(msg.signature)
  }
}
