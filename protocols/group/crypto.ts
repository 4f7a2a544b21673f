import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { concat } from 'uint8arrays/concat'
import { fromString } from 'uint8arrays/from-string'
import { toString as bytesToString } from 'uint8arrays/to-string'
import { DecryptionError } from './errors.ts'

/** Bytes of a group key (XChaCha20-Poly1305). */
export const KEY_BYTES = 32

/** Bytes of a key id: the first half of the id of the entry that introduced the key. */
export const KEY_ID_BYTES = 16

/** XChaCha20's nonce is long enough to be picked at random for every message. */
export const NONCE_BYTES = 24

/** Characters of a group id: 130 bits of a SHA-256, so nobody can find another nonce giving the same id. */
export const GROUP_ID_LENGTH = 26

// Domain separation: a signature or MAC made for one purpose never verifies for another.
const DOMAIN = {
  groupId: 'p2pchat/group-id/1',
  entryId: 'p2pchat/group-entry-id/1',
  entrySig: 'p2pchat/group-entry/1',
  postSig: 'p2pchat/group-post/1',
  frame: 'p2pchat/group-frame/1',
  wrap: 'p2pchat/group-key-wrap/1'
} as const

const utf8 = (s: string): Uint8Array => fromString(s, 'utf8')

/** The group id for an owner key and a random nonce (lowercase base32). */
export function deriveGroupId(ownerKey: Uint8Array, nonce: Uint8Array): string {
  return bytesToString(sha256(concat([utf8(DOMAIN.groupId), ownerKey, nonce])), 'base32').slice(0, GROUP_ID_LENGTH)
}

/** True for strings shaped like a group id. */
export function isGroupId(id: string): boolean {
  return id.length === GROUP_ID_LENGTH && /^[a-z2-7]+$/.test(id)
}

/** The id of a log entry: a hash of its signed body. */
export function entryId(body: Uint8Array): Uint8Array {
  return sha256(concat([utf8(DOMAIN.entryId), body]))
}

/** The id of the key an entry introduces. */
export function keyIdOf(entryIdBytes: Uint8Array): Uint8Array {
  return entryIdBytes.slice(0, KEY_ID_BYTES)
}

export function randomKey(): Uint8Array {
  return randomBytes(KEY_BYTES)
}

export function randomNonce(length = NONCE_BYTES): Uint8Array {
  return randomBytes(length)
}

export function hex(bytes: Uint8Array): string {
  return bytesToString(bytes, 'base16')
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) {
    return false
  }
  let diff = 0
  for (let i = 0; i < a.byteLength; i++) {
    diff |= a[i] ^ b[i]
  }
  return diff === 0
}

async function sign(key: PrivateKey, domain: string, body: Uint8Array): Promise<Uint8Array> {
  return key.sign(concat([utf8(domain), body]))
}

async function verify(rawPublicKey: Uint8Array, domain: string, body: Uint8Array, sig: Uint8Array): Promise<boolean> {
  try {
    return await publicKeyFromRaw(rawPublicKey).verify(concat([utf8(domain), body]), sig)
  } catch {
    return false
  }
}

export const signEntryBody = (key: PrivateKey, body: Uint8Array): Promise<Uint8Array> =>
  sign(key, DOMAIN.entrySig, body)
export const verifyEntryBody = (author: Uint8Array, body: Uint8Array, sig: Uint8Array): Promise<boolean> =>
  verify(author, DOMAIN.entrySig, body, sig)
export const signPostBody = (key: PrivateKey, body: Uint8Array): Promise<Uint8Array> => sign(key, DOMAIN.postSig, body)
export const verifyPostBody = (author: Uint8Array, body: Uint8Array, sig: Uint8Array): Promise<boolean> =>
  verify(author, DOMAIN.postSig, body, sig)

function frameAad(groupId: string, keyId: Uint8Array): Uint8Array {
  return concat([utf8(DOMAIN.frame), utf8(groupId), keyId])
}

/** Encrypts a group frame with the group key; the group id and key id are bound as associated data. */
export function sealFrame(
  key: Uint8Array,
  groupId: string,
  keyId: Uint8Array,
  plaintext: Uint8Array
): { nonce: Uint8Array; sealed: Uint8Array } {
  const nonce = randomNonce()
  return { nonce, sealed: xchacha20poly1305(key, nonce, frameAad(groupId, keyId)).encrypt(plaintext) }
}

/** Decrypts a sealed frame; throws DecryptionError when the key or any byte is wrong. */
export function openFrame(
  key: Uint8Array,
  groupId: string,
  keyId: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array
): Uint8Array {
  try {
    return xchacha20poly1305(key, nonce, frameAad(groupId, keyId)).decrypt(sealed)
  } catch {
    throw new DecryptionError('frame does not open with the group key')
  }
}

/** Where a wrapped key belongs: it cannot be moved to another group, entry or recipient. */
export interface WrapContext {
  groupId: string
  seq: number
  /** the key's id when it already has one (INVITE); empty when the entry introduces it */
  keyId: Uint8Array
}

export interface WrappedFor {
  recipient: Uint8Array
  nonce: Uint8Array
  ciphertext: Uint8Array
}

function wrapAad(ctx: WrapContext, recipient: Uint8Array): Uint8Array {
  const seq = new Uint8Array(8)
  new DataView(seq.buffer).setBigUint64(0, BigInt(ctx.seq))
  return concat([utf8(DOMAIN.wrap), utf8(ctx.groupId), seq, ctx.keyId, recipient])
}

function kek(shared: Uint8Array, ephemeral: Uint8Array, recipientX: Uint8Array): Uint8Array {
  return hkdf(sha256, shared, concat([ephemeral, recipientX]), utf8(DOMAIN.wrap), KEY_BYTES)
}

/**
 * Seals `groupKey` for each recipient (raw Ed25519 public keys), ECIES-style: one ephemeral X25519 key per entry,
 * X25519 with the recipient's Ed25519 key mapped to Curve25519, HKDF-SHA256, XChaCha20-Poly1305.
 * Throws if a recipient key is not a valid Ed25519 point.
 */
export function wrapKey(
  groupKey: Uint8Array,
  recipients: Uint8Array[],
  ctx: WrapContext
): { ephemeral: Uint8Array; wrapped: WrappedFor[] } {
  const secret = x25519.utils.randomSecretKey()
  const ephemeral = x25519.getPublicKey(secret)
  const wrapped = recipients.map((recipient) => {
    const recipientX = ed25519.utils.toMontgomery(recipient)
    const shared = x25519.getSharedSecret(secret, recipientX)
    const nonce = randomNonce()
    const ciphertext = xchacha20poly1305(kek(shared, ephemeral, recipientX), nonce, wrapAad(ctx, recipient)).encrypt(
      groupKey
    )
    return { recipient, nonce, ciphertext }
  })
  return { ephemeral, wrapped }
}

/** The X25519 side of our identity, derived once per process. */
export interface UnwrapIdentity {
  publicKey: Uint8Array
  xSecret: Uint8Array
  xPublic: Uint8Array
}

/** Derives the X25519 key pair of an Ed25519 libp2p identity. */
export function unwrapIdentity(privateKey: PrivateKey): UnwrapIdentity {
  if (privateKey.type !== 'Ed25519') {
    throw new TypeError('groups need an Ed25519 identity')
  }
  const seed = privateKey.raw.subarray(0, 32)
  const xSecret = ed25519.utils.toMontgomerySecret(seed)
  return { publicKey: privateKey.publicKey.raw, xSecret, xPublic: x25519.getPublicKey(xSecret) }
}

/** Opens the key wrapped for us, or returns undefined when none is, or it does not open. */
export function unwrapKey(
  me: UnwrapIdentity,
  ephemeral: Uint8Array,
  wrapped: WrappedFor[],
  ctx: WrapContext
): Uint8Array | undefined {
  const mine = wrapped.find((w) => equalBytes(w.recipient, me.publicKey))
  if (mine == null) {
    return undefined
  }
  try {
    const shared = x25519.getSharedSecret(me.xSecret, ephemeral)
    const key = xchacha20poly1305(kek(shared, ephemeral, me.xPublic), mine.nonce, wrapAad(ctx, mine.recipient)).decrypt(
      mine.ciphertext
    )
    return key.byteLength === KEY_BYTES ? key : undefined
  } catch {
    return undefined
  }
}

/** True when `raw` is a valid Ed25519 public key (a point a key can be wrapped for). */
export function isValidMemberKey(raw: Uint8Array): boolean {
  if (raw.byteLength !== 32) {
    return false
  }
  try {
    ed25519.utils.toMontgomery(raw)
    return true
  } catch {
    return false
  }
}
