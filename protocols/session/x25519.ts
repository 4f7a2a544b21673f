/**
 * X25519 for sessions: Node's native implementation (OpenSSL) where there is one, noble's pure JavaScript in a
 * browser page. Every sealed DM costs the sender two X25519 operations and the receiver one more, and each ratchet
 * step three: in JavaScript about a millisecond each, which made them most of a DM's CPU; natively they are tens
 * of microseconds. Both implement RFC 7748 (clamped scalars, the top bit of u ignored), so they agree on every key.
 */
import type { KeyObject } from 'node:crypto'
import { x25519 as noble } from '@noble/curves/ed25519.js'
import { BoundedMap } from '../common/bounded-map.ts'
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

/**
 * A fresh key pair used for one DH with `publicKey` and forgotten (the seal's ephemeral key): its public key and the
 * shared secret. Natively the pair never leaves OpenSSL as bytes, which costs 70 µs instead of 190 µs for a
 * secret made here and imported. Throws on a public key whose result is all zeros, as sharedSecret does.
 */
export function ephemeralSharedSecret(publicKey: Bytes): { publicKey: Bytes; shared: Bytes } {
  if (native == null) {
    const secretKey = randomSecretKey()
    return { publicKey: noble.getPublicKey(secretKey), shared: noble.getSharedSecret(secretKey, publicKey) }
  }
  const pair = native.generateKeyPairSync('x25519')
  const jwk = pair.publicKey.export({ format: 'jwk' })
  const shared = native.diffieHellman({ privateKey: pair.privateKey, publicKey: publicKeyObject(publicKey, true) })
  return { publicKey: new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url')), shared: new Uint8Array(shared) }
}

/**
 * Node's key objects for keys used again and again (our identity's, by the very array identityDh hands out; peers'
 * identity keys, by value): making one from DER costs more than the DH itself. A ratchet or ephemeral key is used
 * once or twice and just made. Key arrays are never changed in place (the ratchet and the seal are pure).
 */
const privateKeyObjects = new WeakMap<Uint8Array, KeyObject>()
const publicKeyObjects = new BoundedMap<string, KeyObject>(1024)

/** Marks `secretKey` (this very array) as one to keep a native key object for: our identity's. */
export function keepKeyObject(secretKey: Bytes): void {
  if (native != null && !privateKeyObjects.has(secretKey)) {
    privateKeyObjects.set(secretKey, privateKeyObject(secretKey))
  }
}

function privateKeyObject(secretKey: Bytes): KeyObject {
  return native!.createPrivateKey({ key: der(PKCS8_PREFIX, secretKey), format: 'der', type: 'pkcs8' })
}

function publicKeyObject(publicKey: Bytes, keep: boolean): KeyObject {
  const key = keep ? String.fromCharCode(...publicKey) : ''
  let object = keep ? publicKeyObjects.get(key) : undefined
  if (object == null) {
    object = native!.createPublicKey({ key: der(SPKI_PREFIX, publicKey), format: 'der', type: 'spki' })
    if (keep) publicKeyObjects.set(key, object)
  }
  return object
}

/** X25519(secretKey, publicKey); throws on a public key whose result is all zeros (a low-order point). */
export function sharedSecret(secretKey: Bytes, publicKey: Bytes): Bytes {
  if (native == null) {
    return noble.getSharedSecret(secretKey, publicKey)
  }
  const shared = native.diffieHellman({
    privateKey: privateKeyObjects.get(secretKey) ?? privateKeyObject(secretKey),
    publicKey: publicKeyObject(publicKey, false)
  })
  return new Uint8Array(shared)
}
