/** Wire encoding of published prekeys (what a client hands its relays); the decoder throws InvalidSessionMessageError. */
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'
import { type Bytes, KEY_BYTES, ONE_TIME_PREKEYS } from './constants.ts'
import { InvalidSessionMessageError } from './errors.ts'
import { PublishedPrekeys as WirePublished } from './pb/session.ts'
import type { PublishedPrekeys, SignedPublic } from './prekeys.ts'

/** Most one-time prekeys of each kind a published set may carry: twice what an account keeps, for slack. */
export const MAX_PUBLISHED_ONE_TIME = 2 * ONE_TIME_PREKEYS

/** Largest published set: 40 signed ML-KEM keys of about 1,260 bytes each, 40 X25519 keys and the rest. */
export const MAX_PUBLISHED_BYTES = 64 * 1024

const ED25519_KEY_BYTES = 32
const SIGNATURE_BYTES = 64

function sized(b: Uint8Array | undefined, length: number | undefined, field: string): Bytes {
  if (b == null || b.byteLength !== length) {
    throw new InvalidSessionMessageError(`${field} has the wrong size`)
  }
  return new Uint8Array(b)
}

function signed(k: SignedPublic | undefined, keyBytes: number | undefined, field: string): SignedPublic {
  if (k == null) throw new InvalidSessionMessageError(`${field} missing`)
  return {
    id: k.id,
    publicKey: sized(k.publicKey, keyBytes, field),
    signature: sized(k.signature, SIGNATURE_BYTES, `${field} signature`)
  }
}

export function encodePublished(published: PublishedPrekeys): Bytes {
  return WirePublished.encode(published)
}

/** Decodes the shape of published prekeys; verifyPublished checks their signatures. */
export function decodePublished(bytes: Uint8Array): PublishedPrekeys {
  if (bytes.byteLength > MAX_PUBLISHED_BYTES) {
    throw new InvalidSessionMessageError(
      `published prekeys are ${bytes.byteLength} bytes, the limit is ${MAX_PUBLISHED_BYTES}`
    )
  }
  let wire: WirePublished
  try {
    wire = WirePublished.decode(bytes, {
      limits: { oneTimePrekeys: MAX_PUBLISHED_ONE_TIME, oneTimeKemPrekeys: MAX_PUBLISHED_ONE_TIME }
    })
  } catch (err) {
    throw new InvalidSessionMessageError(
      `malformed published prekeys: ${err instanceof Error ? err.message : String(err)}`
    )
  }
  const kemBytes = ml_kem768.lengths.publicKey
  return {
    identityKey: sized(wire.identityKey, ED25519_KEY_BYTES, 'identityKey'),
    signedPrekey: signed(wire.signedPrekey, KEY_BYTES, 'signedPrekey'),
    lastResortKemPrekey: signed(wire.lastResortKemPrekey, kemBytes, 'lastResortKemPrekey'),
    oneTimePrekeys: wire.oneTimePrekeys.map((k) => ({
      id: k.id,
      publicKey: sized(k.publicKey, KEY_BYTES, 'oneTimePrekey')
    })),
    oneTimeKemPrekeys: wire.oneTimeKemPrekeys.map((k) => signed(k, kemBytes, 'oneTimeKemPrekey'))
  }
}
