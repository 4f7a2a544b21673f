/**
 * X25519 for sessions: Node's native implementation (OpenSSL) where there is one, noble's pure JavaScript in a
 * browser page. Every sealed DM costs the sender two X25519 operations and the receiver one more, and each ratchet
 * step three: in JavaScript about a millisecond each, which made them most of a DM's CPU; natively they are tens
 * of microseconds. Both implement RFC 7748 (clamped scalars, the top bit of u ignored), so they agree on every key.
 */
import { x25519 as noble } from '@noble/curves/ed25519.js'
import type { Bytes } from './constants.ts'
import { nodeCrypto } from './native.ts'

/** DER prefixes of a raw X25519 key as PKCS #8 (private) and SubjectPublicKeyInfo (public). */
const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20
])
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00])

const native = nodeCrypto

function der(prefix: Uint8Array, key: Uint8Array): Buffer {
  const out = Buffer.alloc(prefix.byteLength + key.byteLength)
  out.set(prefix)
  out.set(key, prefix.byteLength)
  return out
}

/** A fresh random secret key (32 bytes, clamped when used). */
export function randomSecretKey(): Bytes {
  return noble.utils.randomSecretKey()
}

/** The public key of `secretKey`. */
export function publicKeyOf(secretKey: Bytes): Bytes {
  if (native == null) {
    return noble.getPublicKey(secretKey)
  }
  const privateKey = native.createPrivateKey({ key: der(PKCS8_PREFIX, secretKey), format: 'der', type: 'pkcs8' })
  const spki = native.createPublicKey(privateKey).export({ format: 'der', type: 'spki' })
  return new Uint8Array(spki.subarray(SPKI_PREFIX.byteLength))
}

/** X25519(secretKey, publicKey); throws on a public key whose result is all zeros (a low-order point). */
export function sharedSecret(secretKey: Bytes, publicKey: Bytes): Bytes {
  if (native == null) {
    return noble.getSharedSecret(secretKey, publicKey)
  }
  const shared = native.diffieHellman({
    privateKey: native.createPrivateKey({ key: der(PKCS8_PREFIX, secretKey), format: 'der', type: 'pkcs8' }),
    publicKey: native.createPublicKey({ key: der(SPKI_PREFIX, publicKey), format: 'der', type: 'spki' })
  })
  return new Uint8Array(shared)
}
