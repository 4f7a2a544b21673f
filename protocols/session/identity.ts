import { ed25519 } from '@noble/curves/ed25519.js'
import type { Bytes } from './constants.ts'
import type { DhKeyPair } from './ratchet.ts'
import { publicKeyOf } from './x25519.ts'

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

/** The identity's X25519 key pair. */
export function identityDh(identity: SessionIdentity): DhKeyPair {
  const secretKey = ed25519.utils.toMontgomerySecret(identity.seed)
  return { secretKey, publicKey: publicKeyOf(secretKey) }
}

/** The X25519 form of someone's Ed25519 identity key; throws on bytes that are not a valid point. */
export function identityDhPublic(edPublicKey: Uint8Array): Bytes {
  return ed25519.utils.toMontgomery(edPublicKey)
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
