import { readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { randomBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import { AtomicFiles } from './atomic-file.ts'

/** Folder of the data directory that holds session state (listed in account/wipe.ts, so destroy removes it). */
export const SESSIONS_DIR = 'sessions'

const VAULT_INFO = utf8ToBytes('p2pchat/session-vault/1')
const NONCE_BYTES = 24
/** Largest record read back: a session with 2,000 skipped keys, or the prekeys, with room to spare. */
const MAX_RECORD_BYTES = 2 * 1024 * 1024
const NAME = /^[a-z0-9-]{1,80}$/

/** Where session records live: files in the data directory, or memory for `--ephemeral`. */
export interface SessionVault {
  read: (name: string) => Promise<Uint8Array | undefined>
  /** resolves once the record is on disk (fsync), so no message key is used twice after a crash */
  write: (name: string, bytes: Uint8Array) => Promise<void>
  list: () => Promise<string[]>
  remove: (name: string) => Promise<void>
}

/**
 * The vault key is derived from the identity key (HKDF-SHA256): when the account has a passphrase, the identity
 * key, and so every session record, opens only after the passphrase unlocked it, without a second scrypt per write.
 */
export function vaultKey(identitySeed: Uint8Array): Uint8Array {
  return hkdf(sha256, identitySeed, undefined, VAULT_INFO, 32)
}

function checkName(name: string): string {
  if (!NAME.test(name)) {
    throw new TypeError(`bad session record name ${JSON.stringify(name)}`)
  }
  return name
}

/** Session records in `<dataDir>/sessions/`, each XChaCha20-Poly1305 under the vault key with its name as AAD. */
export class FileSessionVault implements SessionVault {
  private readonly dir: string
  private readonly files = new AtomicFiles()

  constructor(
    dataDir: string,
    private readonly key: Uint8Array
  ) {
    this.dir = join(dataDir, SESSIONS_DIR)
  }

  async read(name: string): Promise<Uint8Array | undefined> {
    let sealed: Buffer
    try {
      sealed = await readFile(join(this.dir, `${checkName(name)}.bin`))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
    return openRecord(this.key, name, sealed)
  }

  async write(name: string, bytes: Uint8Array): Promise<void> {
    const sealed = sealRecord(this.key, checkName(name), bytes)
    await this.files.write(join(this.dir, `${name}.bin`), sealed, 0o600)
  }

  async list(): Promise<string[]> {
    try {
      return (await readdir(this.dir))
        .filter((f) => f.endsWith('.bin'))
        .map((f) => f.slice(0, -4))
        .filter((n) => NAME.test(n))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
  }

  async remove(name: string): Promise<void> {
    await rm(join(this.dir, `${checkName(name)}.bin`), { force: true })
  }
}

/** A record sealed under the vault key with its name as AAD: nonce, then ciphertext and tag. */
function sealRecord(key: Uint8Array, name: string, bytes: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE_BYTES)
  const body = xchacha20poly1305(key, nonce, utf8ToBytes(name)).encrypt(bytes)
  const out = new Uint8Array(NONCE_BYTES + body.byteLength)
  out.set(nonce)
  out.set(body, NONCE_BYTES)
  return out
}

/** Opens a sealed record; undefined for one too large, too short, or not sealed under `key` as `name`. */
function openRecord(key: Uint8Array, name: string, sealed: Uint8Array): Uint8Array | undefined {
  if (sealed.byteLength > MAX_RECORD_BYTES || sealed.byteLength < NONCE_BYTES + 16) {
    return undefined
  }
  try {
    const nonce = sealed.subarray(0, NONCE_BYTES)
    return xchacha20poly1305(key, nonce, utf8ToBytes(name)).decrypt(sealed.subarray(NONCE_BYTES))
  } catch {
    return undefined // a record we cannot open is as good as none: the session starts over
  }
}

/** Named byte records kept somewhere else than files: what a page keeps in IndexedDB. */
export interface RecordStore {
  get: (name: string) => Promise<Uint8Array | undefined>
  /** resolves once the record is stored */
  put: (name: string, bytes: Uint8Array) => Promise<void>
  list: () => Promise<string[]>
  del: (name: string) => Promise<void>
}

/** Session records in a RecordStore, sealed as the files of FileSessionVault are. */
export class SealedSessionVault implements SessionVault {
  constructor(
    private readonly store: RecordStore,
    private readonly key: Uint8Array
  ) {}

  async read(name: string): Promise<Uint8Array | undefined> {
    const sealed = await this.store.get(checkName(name))
    return sealed == null ? undefined : openRecord(this.key, name, sealed)
  }

  async write(name: string, bytes: Uint8Array): Promise<void> {
    await this.store.put(checkName(name), sealRecord(this.key, name, bytes))
  }

  async list(): Promise<string[]> {
    return (await this.store.list()).filter((n) => NAME.test(n))
  }

  async remove(name: string): Promise<void> {
    await this.store.del(checkName(name))
  }
}

/** Session records in memory only (`--ephemeral`): nothing touches the disk. */
export class MemorySessionVault implements SessionVault {
  private readonly records = new Map<string, Uint8Array>()

  async read(name: string): Promise<Uint8Array | undefined> {
    return this.records.get(checkName(name))
  }

  async write(name: string, bytes: Uint8Array): Promise<void> {
    this.records.set(checkName(name), bytes.slice())
  }

  async list(): Promise<string[]> {
    return [...this.records.keys()]
  }

  async remove(name: string): Promise<void> {
    this.records.delete(name)
  }
}
