import { scrypt as opensslScrypt } from 'node:crypto'
import { scryptAsync } from '@noble/hashes/scrypt.js'

/** scrypt's inputs besides the passphrase and salt (RFC 7914): cost N, block size r, parallelism p. */
export interface ScryptInput {
  N: number
  r: number
  p: number
  dkLen: number
  /** the most memory the derivation may take, in bytes; more throws */
  maxmem: number
}

/**
 * scrypt (RFC 7914). On Node it is OpenSSL's, on the thread pool: about twice as fast as the JavaScript one, and the
 * event loop goes on meanwhile. In a page (the browser client), where there is no `node:crypto`, it is
 * `@noble/hashes`'s. Both compute the same function; a test holds them to RFC 7914's vectors and to each other.
 */
export function scryptKey(password: string, salt: Uint8Array, input: ScryptInput): Promise<Uint8Array> {
  return runsOnNode() ? nodeScrypt(password, salt, input) : scryptAsync(password, salt, input)
}

export function nodeScrypt(password: string, salt: Uint8Array, input: ScryptInput): Promise<Uint8Array> {
  const { N, r, p, dkLen, maxmem } = input
  return new Promise((resolve, reject) => {
    opensslScrypt(password, salt, dkLen, { N, r, p, maxmem }, (err, key) =>
      err == null ? resolve(new Uint8Array(key.buffer, key.byteOffset, key.byteLength)) : reject(err)
    )
  })
}

function runsOnNode(): boolean {
  return typeof globalThis.process?.versions?.node === 'string'
}
