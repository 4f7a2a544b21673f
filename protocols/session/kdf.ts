/**
 * The Double Ratchet's cryptographic functions, exactly as section 5.2 of Signal's specification recommends
 * (https://signal.org/docs/specifications/doubleratchet/#recommended-cryptographic-algorithms):
 * KDF_RK is HKDF-SHA256 keyed by the root key, KDF_CK is HMAC-SHA256 with constants 0x01 and 0x02, and ENCRYPT
 * derives an encryption key, an authentication key and an IV from the message key with HKDF-SHA256, encrypts
 * with AES-256-CBC (PKCS#7) and appends HMAC-SHA256 over the associated data and the ciphertext.
 */
import { cbc } from '@noble/ciphers/aes.js'
import { equalBytes } from '@noble/ciphers/utils.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import { type Bytes, INFO, KEY_BYTES, MAC_BYTES, MAX_CIPHERTEXT_BYTES } from './constants.ts'
import { SessionDecryptError } from './errors.ts'
import { nodeCrypto } from './native.ts'

const ROOT_INFO = utf8ToBytes(INFO.rootRatchet)
const MESSAGE_INFO = utf8ToBytes(INFO.messageKeys)
/** "HKDF ... with a zero-filled salt (the hash output length)" */
const ZERO_SALT = new Uint8Array(32)
const MESSAGE_KEY_CONSTANT = Uint8Array.of(0x01)
const CHAIN_KEY_CONSTANT = Uint8Array.of(0x02)
const BLOCK_BYTES = 16

/** KDF_RK(rk, dh_out): HKDF with rk as salt and dh_out as input key material; a new root key and chain key. */
export function kdfRk(rootKey: Bytes, dhOut: Bytes): { rootKey: Bytes; chainKey: Bytes } {
  const out = hkdf(sha256, dhOut, rootKey, ROOT_INFO, 2 * KEY_BYTES)
  return { rootKey: out.slice(0, KEY_BYTES), chainKey: out.slice(KEY_BYTES) }
}

/** KDF_CK(ck): the message key is HMAC(ck, 0x01), the next chain key HMAC(ck, 0x02). */
export function kdfCk(chainKey: Bytes): { chainKey: Bytes; messageKey: Bytes } {
  return {
    chainKey: hmac(sha256, chainKey, CHAIN_KEY_CONSTANT),
    messageKey: hmac(sha256, chainKey, MESSAGE_KEY_CONSTANT)
  }
}

interface MessageKeys {
  encKey: Bytes
  authKey: Bytes
  iv: Bytes
}

/** HKDF(mk) into 80 bytes: a 32-byte encryption key, a 32-byte authentication key and a 16-byte IV. */
function expandMessageKey(messageKey: Bytes): MessageKeys {
  const out = hkdf(sha256, messageKey, ZERO_SALT, MESSAGE_INFO, 2 * KEY_BYTES + BLOCK_BYTES)
  return { encKey: out.slice(0, 32), authKey: out.slice(32, 64), iv: out.slice(64) }
}

/** ENCRYPT(mk, plaintext, associated_data): AES-256-CBC ciphertext followed by its HMAC-SHA256 tag. */
export function encrypt(messageKey: Bytes, plaintext: Bytes, associatedData: Bytes): Bytes {
  const { encKey, authKey, iv } = expandMessageKey(messageKey)
  const ciphertext = cbcEncrypt(encKey, iv, plaintext)
  return concatBytes(ciphertext, tagOf(authKey, associatedData, ciphertext))
}

/** AES-256-CBC with PKCS#7 padding: Node's OpenSSL where there is one, noble's otherwise (the same bytes). */
function cbcEncrypt(key: Bytes, iv: Bytes, plaintext: Bytes): Bytes {
  if (nodeCrypto == null) {
    return cbc(key, iv).encrypt(plaintext)
  }
  const cipher = nodeCrypto.createCipheriv('aes-256-cbc', key, iv)
  return new Uint8Array(Buffer.concat([cipher.update(plaintext), cipher.final()]))
}

function cbcDecrypt(key: Bytes, iv: Bytes, ciphertext: Bytes): Bytes {
  if (nodeCrypto == null) {
    return cbc(key, iv).decrypt(ciphertext)
  }
  const decipher = nodeCrypto.createDecipheriv('aes-256-cbc', key, iv)
  return new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()]))
}

/** HMAC-SHA256(authKey, associatedData || ciphertext). */
function tagOf(authKey: Bytes, associatedData: Bytes, ciphertext: Bytes): Bytes {
  if (nodeCrypto == null) {
    return hmac(sha256, authKey, concatBytes(associatedData, ciphertext))
  }
  return new Uint8Array(nodeCrypto.createHmac('sha256', authKey).update(associatedData).update(ciphertext).digest())
}

/** DECRYPT(mk, ciphertext, associated_data): checks the tag before decrypting; throws SessionDecryptError. */
export function decrypt(messageKey: Bytes, sealed: Bytes, associatedData: Bytes): Bytes {
  const bodyBytes = sealed.byteLength - MAC_BYTES
  if (bodyBytes < BLOCK_BYTES || bodyBytes % BLOCK_BYTES !== 0 || sealed.byteLength > MAX_CIPHERTEXT_BYTES) {
    throw new SessionDecryptError('ciphertext has an impossible length')
  }
  const { encKey, authKey, iv } = expandMessageKey(messageKey)
  const ciphertext = sealed.subarray(0, bodyBytes)
  if (!equalBytes(tagOf(authKey, associatedData, ciphertext), sealed.subarray(bodyBytes))) {
    throw new SessionDecryptError('message did not authenticate')
  }
  try {
    return cbcDecrypt(encKey, iv, ciphertext)
  } catch {
    // Unreachable for an authentic message: its padding was made by ENCRYPT.
    throw new SessionDecryptError('bad padding')
  }
}
