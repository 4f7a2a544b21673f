/**
 * PQXDH key agreement (https://signal.org/docs/specifications/pqxdh/, revision 3) with curve X25519, hash
 * SHA-256, ML-KEM-768 as the post-quantum KEM and info "p2pchat_CURVE25519_SHA-256_ML-KEM-768":
 *   DH1 = DH(IKA, SPKB), DH2 = DH(EKA, IKB), DH3 = DH(EKA, SPKB), DH4 = DH(EKA, OPKB) if a one-time prekey was used,
 *   (CT, SS) = ML-KEM-768.Encaps(PQPKB),  SK = HKDF(salt = 32 zero bytes, IKM = 0xFF*32 || DH1 || DH2 || DH3 [|| DH4] || SS),
 *   AD = IKA || IKB (the Ed25519 encodings, which name the PeerIds).
 * The Double Ratchet then starts from SK with Bob's signed prekey as his first ratchet key, as both specs say.
 */

import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'
import { type Bytes, INFO, KEY_BYTES } from './constants.ts'
import { InvalidPrekeyError } from './errors.ts'
import { identityDh, identityDhPublic, type SessionIdentity } from './identity.ts'
import { type PrekeyBundle, type ResponderKeys, verifyBundle } from './prekeys.ts'
import { type DhKeyPair, dh, generateDh } from './ratchet.ts'

/** PQXDH's initial message, without the ciphertext (which is the first ratchet message). */
export interface PrekeyHeader {
  identityKey: Bytes
  ephemeralKey: Bytes
  kemCiphertext: Bytes
  signedPrekeyId: number
  kemPrekeyId: number
  oneTimePrekeyId?: number
}

export interface Agreement {
  /** SK: the secret both sides start the Double Ratchet from. */
  sharedKey: Bytes
  /** AD = IKA || IKB. */
  associatedData: Bytes
}

const F = new Uint8Array(KEY_BYTES).fill(0xff)
const ZERO_SALT = new Uint8Array(32)
const PQXDH_INFO = utf8ToBytes(INFO.pqxdh)

function kdf(parts: Bytes[]): Bytes {
  return hkdf(sha256, concatBytes(F, ...parts), ZERO_SALT, PQXDH_INFO, KEY_BYTES)
}

function theirDh(edPublicKey: Bytes): Bytes {
  try {
    return identityDhPublic(edPublicKey)
  } catch {
    throw new InvalidPrekeyError('identity key is not a valid Ed25519 public key')
  }
}

/** Alice's side (section 3.3): verifies the bundle, then derives SK and the initial message's fields. */
export function initiate(
  alice: SessionIdentity,
  bundle: PrekeyBundle,
  ephemeral: DhKeyPair = generateDh()
): Agreement & { prekeyHeader: PrekeyHeader } {
  verifyBundle(bundle)
  const bobIdentity = theirDh(bundle.identityKey)
  const { cipherText, sharedSecret } = ml_kem768.encapsulate(bundle.kemPrekey.publicKey)
  const dhs = [
    dh(identityDh(alice), bundle.signedPrekey.publicKey),
    dh(ephemeral, bobIdentity),
    dh(ephemeral, bundle.signedPrekey.publicKey)
  ]
  if (bundle.oneTimePrekey != null) {
    dhs.push(dh(ephemeral, bundle.oneTimePrekey.publicKey))
  }
  return {
    sharedKey: kdf([...dhs, sharedSecret]),
    associatedData: concatBytes(alice.publicKey, bundle.identityKey),
    prekeyHeader: {
      identityKey: alice.publicKey,
      ephemeralKey: ephemeral.publicKey,
      kemCiphertext: cipherText,
      signedPrekeyId: bundle.signedPrekey.id,
      kemPrekeyId: bundle.kemPrekey.id,
      ...(bundle.oneTimePrekey != null ? { oneTimePrekeyId: bundle.oneTimePrekey.id } : {})
    }
  }
}

/** Bob's side (section 3.4): the same SK from his private prekeys. He deletes SK if the first message fails. */
export function respond(bob: SessionIdentity, keys: ResponderKeys, header: PrekeyHeader): Agreement {
  if (
    header.ephemeralKey.byteLength !== KEY_BYTES ||
    header.kemCiphertext.byteLength !== ml_kem768.lengths.cipherText
  ) {
    throw new InvalidPrekeyError('initial message keys of the wrong size')
  }
  const aliceIdentity = theirDh(header.identityKey)
  const signed = { secretKey: keys.signed.secretKey, publicKey: keys.signed.publicKey }
  const dhs = [dh(signed, aliceIdentity), dh(identityDh(bob), header.ephemeralKey), dh(signed, header.ephemeralKey)]
  if (keys.oneTime != null) {
    dhs.push(dh(keys.oneTime.keyPair, header.ephemeralKey))
  }
  const sharedSecret = ml_kem768.decapsulate(header.kemCiphertext, keys.kem.secretKey)
  return { sharedKey: kdf([...dhs, sharedSecret]), associatedData: concatBytes(header.identityKey, bob.publicKey) }
}
