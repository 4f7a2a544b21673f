import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id'
import type { Uint8ArrayList } from 'uint8arraylist'
import { BoundedMap } from '../common/bounded-map.ts'
import {
  decodeEntryBody,
  decodeSignedEntry,
  type EntryBody,
  encodeEntryBody,
  encodeSignedEntry,
  type SignedEntryBytes
} from './codec.ts'
import { entryId, hex, signEntryBody, verifyEntryBody } from './crypto.ts'
import { EntryRejectedError } from './errors.ts'

/** An entry whose signature has been checked, with its id and the PeerIds of the keys it names. */
export interface VerifiedEntry extends EntryBody {
  id: Uint8Array
  idHex: string
  /** the encoded SignedEntry, as stored and sent */
  bytes: Uint8Array
  authorId: string
  /** PeerId of `subject`, '' when the entry has none */
  subjectId: string
}

const PEER_ID_CACHE_SIZE = 4096
const peerIds = new BoundedMap<string, string>(PEER_ID_CACHE_SIZE)

/** The PeerId string of a raw Ed25519 public key (cached: members recur in every entry). */
export function peerIdOfKey(raw: Uint8Array): string {
  const k = hex(raw)
  let id = peerIds.get(k)
  if (id == null) {
    id = peerIdFromPublicKey(publicKeyFromRaw(raw)).toString()
    peerIds.set(k, id)
  }
  return id
}

/** The raw Ed25519 public key inside a PeerId; throws for PeerIds of other key types. */
export function keyOfPeerId(peerId: string): Uint8Array {
  const key = peerIdFromString(peerId).publicKey
  if (key?.type !== 'Ed25519') {
    throw new TypeError(`${peerId} is not an Ed25519 PeerId`)
  }
  return key.raw
}

function withIds(s: SignedEntryBytes, bytes: Uint8Array): VerifiedEntry {
  const id = entryId(s.body)
  return {
    ...s.entry,
    id,
    idHex: hex(id),
    bytes,
    authorId: peerIdOfKey(s.entry.author),
    subjectId: s.entry.subject.byteLength === 0 ? '' : peerIdOfKey(s.entry.subject)
  }
}

/** Checks the signature of a decoded entry; throws EntryRejectedError when it does not verify. */
export async function verifyDecodedEntry(s: SignedEntryBytes): Promise<VerifiedEntry> {
  if (!(await verifyEntryBody(s.entry.author, s.body, s.signature))) {
    throw new EntryRejectedError('entry signature does not verify')
  }
  return withIds(s, encodeSignedEntry(s.body, s.signature))
}

/** Decodes and verifies an encoded SignedEntry; throws the decode errors or EntryRejectedError. */
export async function verifyEntryBytes(bytes: Uint8Array | Uint8ArrayList): Promise<VerifiedEntry> {
  return verifyDecodedEntry(decodeSignedEntry(bytes))
}

/** Signs an entry body with our identity. */
export async function signEntry(privateKey: PrivateKey, body: EntryBody): Promise<VerifiedEntry> {
  const encoded = encodeEntryBody(body)
  // decoding our own bytes applies the receivers' shape rules before anything leaves
  const entry = decodeEntryBody(encoded)
  const signature = await signEntryBody(privateKey, encoded)
  return withIds({ body: encoded, signature, entry }, encodeSignedEntry(encoded, signature))
}
