import { ed25519 } from '@noble/curves/ed25519.js'
import { BoundedMap } from '../common/bounded-map.ts'
import type { Bytes } from './constants.ts'
import type { DhKeyPair } from './ratchet.ts'
import { keepKeyObject, publicKeyOf } from './x25519.ts'

/**
 * An account's identity as sessions use it: the Ed25519 key of its libp2p PeerId signs prekeys, and the same key
 * in its X25519 form (the birational map libsodium also uses) takes part in PQXDH's DH1 and DH2. PQXDH asks for
 * one identity key used both ways (it suggests XEdDSA); converting the Ed25519 key keeps the PeerId the identity.
 */
export interface SessionIdentity {
  /** Raw Ed25519 public key (32 bytes): what PQXDH's AD and the peer's PeerId are made of. */
  publicKey: Bytes
  /** Ed25519 seed (32 bytes). */
  seed: Bytes
}

export function identityFromSeed(seed: Bytes): SessionIdentity {
  return { publicKey: ed25519.getPublicKey(seed), seed }
}

/**
 * The identity of a key pair whose public half is already known (a libp2p Ed25519 key holds both): no curve
 * arithmetic, where deriving the public key would build noble's base-point table, 100 ms of start-up.
 */
export function identityFromKeyPair(seed: Bytes, publicKey: Bytes): SessionIdentity {
  return { publicKey, seed }
}

/**
 * Our identity's X25519 key pair, derived once per identity: every sealed DM opened needs it, and deriving it (a
 * SHA-512 and a scalar multiplication) was a tenth of a DM's CPU. The pair is never changed by its users (the
 * ratchet and the seal are pure), so one object serves them all.
 */
const dhOfIdentity = new WeakMap<SessionIdentity, DhKeyPair>()

/** The identity's X25519 key pair. */
export function identityDh(identity: SessionIdentity): DhKeyPair {
  let pair = dhOfIdentity.get(identity)
  if (pair == null) {
    const secretKey = ed25519.utils.toMontgomerySecret(identity.seed)
    pair = { secretKey, publicKey: publicKeyOf(secretKey) }
    keepKeyObject(secretKey)
    dhOfIdentity.set(identity, pair)
  }
  return pair
}

/** Others' identity keys in X25519 form, by Ed25519 key: the map costs a field inversion per sealed DM sent. */
const montgomeryOf = new BoundedMap<string, Bytes>(1024)

/** The X25519 form of someone's Ed25519 identity key; throws on bytes that are not a valid point. */
export function identityDhPublic(edPublicKey: Uint8Array): Bytes {
  const key = String.fromCharCode(...edPublicKey)
  let montgomery = montgomeryOf.get(key)
  if (montgomery == null) {
    montgomery = ed25519.utils.toMontgomery(edPublicKey)
    montgomeryOf.set(key, montgomery)
  }
  // a copy: what the caller does with it cannot change the next caller's key
  return Uint8Array.from(montgomery)
}

export function signWith(identity: SessionIdentity, message: Bytes): Bytes {
  return ed25519.sign(message, identity.seed)
}

export function verifySignature(edPublicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, edPublicKey)
  } catch {
    return false
  }
}
