import { mkdir, open, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import writeFileAtomic from 'write-file-atomic'
import { validateName } from '../../protocols/common/index.ts'
import { CorruptIdentityError } from '../errors.ts'
import { IDENTITY_FILE } from '../identity.ts'
import { pathExists } from '../path-exists.ts'
import type { RetentionSettings } from '../retention.ts'
import { AccountExistsError, CorruptAccountError, NoAccountError, PassphraseRequiredError } from './errors.ts'
import { DEFAULT_SCRYPT, decodeSealed, encodeSealed, looksSealed, type ScryptParams, seal, unseal } from './sealed.ts'
import { ACCOUNT_FILE, type AccountSettings, decodeSettings, defaultSettings, encodeSettings } from './settings.ts'
import { overwriteOpenFile, type WipeResult, wipeAccountFiles } from './wipe.ts'

/** Asks for the passphrase only when the key turns out to be encrypted; undefined when there is none to give. */
export type PassphraseSource = () => Promise<string | undefined>

export interface CreateAccountInit {
  name?: string
  retention?: Partial<RetentionSettings>
  /** encrypt the key with this; no passphrase stores it unencrypted (mode 0600), as before accounts */
  passphrase?: string
  /** @default DEFAULT_SCRYPT (tests use cheaper parameters) */
  scrypt?: ScryptParams
}

/** What `account show` prints: readable without the passphrase. */
export interface AccountInfo {
  dataDir: string
  peerId: string
  name?: string
  encrypted: boolean
  createdAt?: number
  retention: RetentionSettings
  blocked: number
  /** false for a data directory from before accounts: only identity.key, no account.json yet */
  hasAccountFile: boolean
}

/**
 * Keeps an account that has no data directory but is not ephemeral either: a browser page keeps the key and
 * the settings in IndexedDB. The key is the keeper's to store; the account asks it to save settings and to wipe.
 */
export interface AccountKeeper {
  saveSettings: (settings: AccountSettings) => Promise<void>
  /** deletes everything the keeper holds of the account */
  wipe: () => Promise<WipeResult>
}

/**
 * One user's account: the identity key (encrypted when a passphrase is set), the profile and the settings.
 * An ephemeral account lives in memory only and never touches the disk.
 */
export class Account {
  private constructor(
    readonly dataDir: string | undefined,
    readonly privateKey: PrivateKey,
    readonly settings: AccountSettings,
    private encryptedWith: boolean,
    private readonly keeper?: AccountKeeper
  ) {}

  get peerId(): string {
    return this.settings.peerId
  }

  /** false for an ephemeral account: nothing of it is ever written */
  get persistent(): boolean {
    return this.dataDir != null
  }

  get encrypted(): boolean {
    return this.encryptedWith
  }

  /** A throwaway identity for `start --ephemeral`: a fresh key, default settings, no files. */
  static async ephemeral(name?: string): Promise<Account> {
    const key = await generateKeyPair('Ed25519')
    const settings = defaultSettings(peerIdFromPrivateKey(key).toString(), false)
    return new Account(undefined, key, name == null ? settings : { ...settings, name }, false)
  }

  /** An account its `keeper` stores (a browser's IndexedDB): no files, but settings and wipe go to the keeper. */
  static kept(key: PrivateKey, settings: AccountSettings, keeper: AccountKeeper): Account {
    return new Account(undefined, key, settings, false, keeper)
  }

  /** True when `dataDir` holds an account or at least an identity key from before accounts. */
  static async exists(dataDir: string): Promise<boolean> {
    return (await pathExists(join(dataDir, ACCOUNT_FILE))) || (await pathExists(join(dataDir, IDENTITY_FILE)))
  }

  /**
   * Creates an account in `dataDir`. An identity key already there (from a version before accounts) is adopted,
   * never replaced; an existing account is an AccountExistsError.
   */
  static async create(dataDir: string, init: CreateAccountInit = {}): Promise<Account> {
    if (await pathExists(join(dataDir, ACCOUNT_FILE))) {
      throw new AccountExistsError(`${dataDir} already holds an account (see p2pchat account show)`)
    }
    const name = init.name == null ? undefined : validateName(init.name)
    // mkdir answers with the first directory it created: then the whole directory is ours to remove on destroy
    const created = await mkdir(dataDir, { recursive: true, mode: 0o700 })
    const keyPath = join(dataDir, IDENTITY_FILE)
    const existing = await readIfExists(keyPath)
    let key: PrivateKey
    if (existing == null) {
      key = await generateKeyPair('Ed25519')
    } else if (looksSealed(existing)) {
      const sealed = decodeSealed(existing, 'key')
      if (init.passphrase == null) {
        throw new PassphraseRequiredError(`${keyPath} is encrypted: give its passphrase to create an account around it`)
      }
      key = parseKey(await unseal(sealed, init.passphrase), keyPath)
    } else {
      key = parseKey(existing, keyPath)
    }
    const settings = defaultSettings(peerIdFromPrivateKey(key).toString(), created != null)
    const account = new Account(
      dataDir,
      key,
      { ...settings, ...(name == null ? {} : { name }), retention: { ...settings.retention, ...init.retention } },
      init.passphrase != null
    )
    if (existing == null || init.passphrase != null) {
      await account.writeKey(init.passphrase, init.scrypt)
    }
    await account.save()
    return account
  }

  /**
   * Opens the account in `dataDir`. A data directory with only an identity key (from before accounts) gets its
   * account file on the first save. Never creates or replaces a key: see create().
   */
  static async open(dataDir: string, passphrase: PassphraseSource = async () => undefined): Promise<Account> {
    const settingsBytes = await readIfExists(join(dataDir, ACCOUNT_FILE))
    const settings = settingsBytes == null ? undefined : decodeSettings(settingsBytes)
    const keyPath = join(dataDir, IDENTITY_FILE)
    const keyBytes = await readIfExists(keyPath)
    if (keyBytes == null) {
      if (settings == null) {
        throw new NoAccountError(`there is no account in ${dataDir} (create one with p2pchat account create)`)
      }
      throw new CorruptAccountError(
        `${keyPath} is missing, so this account cannot be used; restore it from a backup (p2pchat account import)`
      )
    }
    let key: PrivateKey
    const encrypted = looksSealed(keyBytes)
    if (encrypted) {
      const sealed = decodeSealed(keyBytes, 'key')
      const secret = await passphrase()
      if (secret == null) {
        throw new PassphraseRequiredError(
          'the identity key is encrypted: give the passphrase (--passphrase-file F or P2PCHAT_PASSPHRASE)'
        )
      }
      key = parseKey(await unseal(sealed, secret), keyPath)
    } else {
      key = parseKey(keyBytes, keyPath)
    }
    const peerId = peerIdFromPrivateKey(key).toString()
    if (settings != null && settings.peerId !== peerId) {
      throw new CorruptAccountError(
        `${ACCOUNT_FILE} belongs to ${settings.peerId} but ${IDENTITY_FILE} is the key of ${peerId}; one of them was swapped`
      )
    }
    return new Account(dataDir, key, settings ?? defaultSettings(peerId, false), encrypted)
  }

  /**
   * The account `start` runs as: the one in `dataDir`, or a new one on first run, so that starting stays a
   * one-command affair. A directory from before accounts gets its account file around the existing key.
   */
  static async openOrCreate(dataDir: string, passphrase?: PassphraseSource): Promise<Account> {
    if (!(await Account.exists(dataDir))) {
      return Account.create(dataDir)
    }
    const account = await Account.open(dataDir, passphrase)
    if (!(await pathExists(join(dataDir, ACCOUNT_FILE)))) {
      await account.save()
    }
    return account
  }

  /** What `account show` needs, read without the passphrase and without writing anything. */
  static async inspect(dataDir: string): Promise<AccountInfo> {
    const settingsBytes = await readIfExists(join(dataDir, ACCOUNT_FILE))
    const keyBytes = await readIfExists(join(dataDir, IDENTITY_FILE))
    if (keyBytes == null && settingsBytes == null) {
      throw new NoAccountError(`there is no account in ${dataDir} (create one with p2pchat account create)`)
    }
    const encrypted = keyBytes != null && looksSealed(keyBytes)
    if (settingsBytes != null) {
      const s = decodeSettings(settingsBytes)
      return {
        dataDir,
        peerId: s.peerId,
        ...(s.name == null ? {} : { name: s.name }),
        encrypted,
        createdAt: s.createdAt,
        retention: s.retention,
        blocked: s.blocked.length,
        hasAccountFile: true
      }
    }
    const account = await Account.open(dataDir)
    return {
      dataDir,
      peerId: account.peerId,
      encrypted: false,
      retention: account.settings.retention,
      blocked: 0,
      hasAccountFile: false
    }
  }

  /** Writes the settings file (atomically: a crash leaves the old or the new file, never half of one). */
  async save(): Promise<void> {
    if (this.dataDir != null) {
      await Account.saveSettings(this.dataDir, this.settings)
    }
    await this.keeper?.saveSettings(this.settings)
  }

  /** Writes `settings` as the account file of `dataDir`. */
  static async saveSettings(dataDir: string, settings: AccountSettings): Promise<void> {
    await writeFileAtomic(join(dataDir, ACCOUNT_FILE), Buffer.from(encodeSettings(settings)), {
      mode: 0o600,
      fsync: true
    })
  }

  /** Sets, changes or (with undefined) removes the passphrase that encrypts the key file. */
  async setPassphrase(passphrase: string | undefined, scrypt: ScryptParams = DEFAULT_SCRYPT): Promise<void> {
    await this.writeKey(passphrase, scrypt)
    this.encryptedWith = passphrase != null
  }

  /** Deletes every file of the account (and the data directory when p2pchat made it). */
  async wipe(): Promise<WipeResult> {
    if (this.dataDir == null) {
      return (await this.keeper?.wipe()) ?? { removedDir: false, kept: [] }
    }
    return wipeAccountFiles(this.dataDir, this.settings.ownsDataDir)
  }

  /** The raw key, for backups. */
  exportKey(): Uint8Array {
    return privateKeyToProtobuf(this.privateKey)
  }

  /** Builds an account object from restored parts (backup import); write it with writeKey() and save(). */
  static restored(dataDir: string, key: PrivateKey, settings: AccountSettings, encrypted: boolean): Account {
    return new Account(dataDir, key, settings, encrypted)
  }

  /** Writes identity.key: sealed when there is a passphrase, so the file never holds the raw key. */
  async writeKey(passphrase: string | undefined, scrypt: ScryptParams = DEFAULT_SCRYPT): Promise<void> {
    if (this.dataDir == null) {
      return
    }
    const raw = privateKeyToProtobuf(this.privateKey)
    const bytes = passphrase == null ? raw : encodeSealed(await seal(raw, passphrase, 'key', scrypt))
    const path = join(this.dataDir, IDENTITY_FILE)
    // the replaced file's blocks would keep the old key (unencrypted, or sealed under the old passphrase) on the
    // disk: hold it open, put the new one in place, then overwrite the old bytes; a crash in between loses nothing
    const old = await open(path, 'r+').catch(() => undefined)
    try {
      await writeFileAtomic(path, Buffer.from(bytes), { mode: 0o600, fsync: true })
      if (old != null) {
        await overwriteOpenFile(old)
      }
    } finally {
      await old?.close()
      raw.fill(0)
    }
  }
}

function parseKey(bytes: Uint8Array, path: string): PrivateKey {
  try {
    return privateKeyFromProtobuf(bytes)
  } catch (err) {
    throw new CorruptIdentityError(
      `${path} is not a valid identity key (${err instanceof Error ? err.message : String(err)}); move it away to start with a new identity`
    )
  }
}

async function readIfExists(path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined
    }
    throw err
  }
}

/** Removes one path if present (used by import to undo a half-written account). */
export async function removeIfPresent(path: string): Promise<void> {
  await rm(path, { force: true, recursive: true })
}
