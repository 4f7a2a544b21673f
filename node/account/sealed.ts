import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { randomBytes } from '@noble/ciphers/utils.js'
import { CorruptIdentityError } from '../errors.ts'
import { BadPassphraseError, CorruptBackupError } from './errors.ts'
import { parseJsonObject } from './json-file.ts'
import { scryptKey } from './scrypt.ts'

/** What a sealed file holds: the identity key, or a whole backup (key and settings). */
export type SealedPurpose = 'key' | 'backup'

/** scrypt cost: N = 2^logN, block size r, parallelism p (RFC 7914). */
export interface ScryptParams {
  logN: number
  r: number
  p: number
}

/**
 * N = 2^17, r = 8, p = 1: 128 MiB and about a second per unlock, the OWASP recommendation for scrypt. Costly
 * enough that guessing passphrases from a stolen file is slow, cheap enough for one unlock per start.
 */
export const DEFAULT_SCRYPT: ScryptParams = { logN: 17, r: 8, p: 1 }

/** A passphrase-encrypted blob, as decoded from its file. */
export interface Sealed {
  purpose: SealedPurpose
  kdf: ScryptParams
  salt: Uint8Array
  nonce: Uint8Array
  ciphertext: Uint8Array
}

/** Largest sealed file we read: a backup with a full block list fits many times over. */
export const MAX_SEALED_BYTES = 4 * 1024 * 1024

/** Memory scrypt may use for a file's parameters: a hostile file must not make us allocate gigabytes. */
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024
/** Four times the default work at most: a planted file cannot keep us busy for minutes. */
const MAX_SCRYPT_WORK = 4 * 2 ** DEFAULT_SCRYPT.logN * DEFAULT_SCRYPT.r * DEFAULT_SCRYPT.p
const SALT_BYTES = 16
const NONCE_BYTES = 24
const TAG_BYTES = 16
const FORMAT = 'p2pchat-sealed'
const VERSION = 1

/** Encrypts `plaintext` under a key derived from `passphrase` (scrypt, then XChaCha20-Poly1305). */
export async function seal(
  plaintext: Uint8Array,
  passphrase: string,
  purpose: SealedPurpose,
  kdf: ScryptParams = DEFAULT_SCRYPT
): Promise<Sealed> {
  const salt = randomBytes(SALT_BYTES)
  const nonce = randomBytes(NONCE_BYTES)
  const key = await deriveKey(passphrase, salt, kdf)
  try {
    const ciphertext = xchacha20poly1305(key, nonce, aad(purpose, kdf)).encrypt(plaintext)
    return { purpose, kdf, salt, nonce, ciphertext }
  } finally {
    key.fill(0)
  }
}

/** Decrypts; a wrong passphrase (or any change to the file) throws BadPassphraseError. */
export async function unseal(sealed: Sealed, passphrase: string): Promise<Uint8Array> {
  const key = await deriveKey(passphrase, sealed.salt, sealed.kdf)
  try {
    return xchacha20poly1305(key, sealed.nonce, aad(sealed.purpose, sealed.kdf)).decrypt(sealed.ciphertext)
  } catch {
    throw new BadPassphraseError(
      sealed.purpose === 'key'
        ? 'wrong passphrase: the identity key did not unlock (nothing was changed)'
        : 'wrong passphrase for this backup (nothing was changed)'
    )
  } finally {
    key.fill(0)
  }
}

/** The file form: a small JSON object, so that people can see what the file is. */
export function encodeSealed(sealed: Sealed): Uint8Array {
  const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')
  const json = {
    format: FORMAT,
    version: VERSION,
    purpose: sealed.purpose,
    kdf: 'scrypt',
    logN: sealed.kdf.logN,
    r: sealed.kdf.r,
    p: sealed.kdf.p,
    salt: b64(sealed.salt),
    cipher: 'xchacha20-poly1305',
    nonce: b64(sealed.nonce),
    ciphertext: b64(sealed.ciphertext)
  }
  return new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`)
}

/** True when `bytes` look like a sealed file rather than a raw key (which is protobuf and never starts with `{`). */
export function looksSealed(bytes: Uint8Array): boolean {
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09)
  return first === 0x7b
}

/**
 * Decodes and validates an untrusted sealed file. Throws only CorruptIdentityError (purpose `key`) or
 * CorruptBackupError (purpose `backup`), saying what is wrong.
 */
export function decodeSealed(bytes: Uint8Array, purpose: SealedPurpose): Sealed {
  const fail = (why: string): Error =>
    purpose === 'key'
      ? new CorruptIdentityError(`the identity key file is damaged (${why})`)
      : new CorruptBackupError(`not a p2pchat backup, or a damaged one (${why})`)
  if (bytes.byteLength > MAX_SEALED_BYTES) {
    throw fail(`${bytes.byteLength} bytes, the limit is ${MAX_SEALED_BYTES}`)
  }
  const o = parseJsonObject(bytes, fail)
  if (o.format !== FORMAT || o.version !== VERSION) {
    throw fail('unknown format or version')
  }
  if (o.purpose !== purpose) {
    throw fail(`it holds a ${String(o.purpose)}, not a ${purpose}`)
  }
  if (o.kdf !== 'scrypt' || o.cipher !== 'xchacha20-poly1305') {
    throw fail('unknown key derivation or cipher')
  }
  const kdf = { logN: o.logN, r: o.r, p: o.p }
  if (!isScryptParams(kdf)) {
    throw fail('scrypt parameters out of range')
  }
  const salt = base64(o.salt)
  const nonce = base64(o.nonce)
  const ciphertext = base64(o.ciphertext)
  if (salt == null || salt.byteLength < SALT_BYTES || salt.byteLength > 64) {
    throw fail('bad salt')
  }
  if (nonce == null || nonce.byteLength !== NONCE_BYTES) {
    throw fail('bad nonce')
  }
  if (ciphertext == null || ciphertext.byteLength < TAG_BYTES) {
    throw fail('bad ciphertext')
  }
  return { purpose, kdf, salt, nonce, ciphertext }
}

function isScryptParams(k: Record<string, unknown>): k is Record<keyof ScryptParams, number> {
  const { logN, r, p } = k
  if (!Number.isSafeInteger(logN) || !Number.isSafeInteger(r) || !Number.isSafeInteger(p)) {
    return false
  }
  const [n, rr, pp] = [logN as number, r as number, p as number]
  const inRange = n >= 10 && n <= 20 && rr >= 1 && rr <= 32 && pp >= 1 && pp <= 16
  return inRange && 128 * 2 ** n * rr <= MAX_SCRYPT_MEMORY && 2 ** n * rr * pp <= MAX_SCRYPT_WORK
}

function base64(value: unknown): Uint8Array | undefined {
  if (typeof value !== 'string' || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    return undefined
  }
  return new Uint8Array(Buffer.from(value, 'base64'))
}

/** The header is authenticated too: changing the purpose or the cost parameters breaks decryption. */
function aad(purpose: SealedPurpose, kdf: ScryptParams): Uint8Array {
  return new TextEncoder().encode(`${FORMAT}/${VERSION}/${purpose}/scrypt/${kdf.logN}/${kdf.r}/${kdf.p}`)
}

async function deriveKey(passphrase: string, salt: Uint8Array, kdf: ScryptParams): Promise<Uint8Array> {
  // NFKC: the same passphrase typed on another keyboard or OS gives the same bytes
  return scryptKey(passphrase.normalize('NFKC'), salt, {
    N: 2 ** kdf.logN,
    r: kdf.r,
    p: kdf.p,
    dkLen: 32,
    maxmem: MAX_SCRYPT_MEMORY + 1024 * 1024
  })
}
