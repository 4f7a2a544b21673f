import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { IDENTITY_FILE } from '../identity.ts'
import { Account, removeIfPresent } from './account.ts'
import { AccountExistsError, CorruptBackupError, FileExistsError } from './errors.ts'
import { parseJsonObject } from './json-file.ts'
import { decodeSealed, encodeSealed, MAX_SEALED_BYTES, type ScryptParams, seal, unseal } from './sealed.ts'
import { ACCOUNT_FILE, type AccountSettings, decodeSettings, encodeSettings } from './settings.ts'

/** What a backup holds once decrypted: the identity key and the settings, nothing of the message history. */
export interface BackupContents {
  key: Uint8Array
  settings: AccountSettings
}

const FORMAT = 'p2pchat-backup'
const VERSION = 1

export function encodeBackup(contents: BackupContents): Uint8Array {
  const settings = JSON.parse(new TextDecoder().decode(encodeSettings(contents.settings))) as unknown
  const json = { format: FORMAT, version: VERSION, key: Buffer.from(contents.key).toString('base64'), settings }
  return new TextEncoder().encode(JSON.stringify(json))
}

/** Decodes the decrypted contents of a backup; throws only CorruptBackupError. */
export function decodeBackup(bytes: Uint8Array): BackupContents {
  const fail = (why: string): CorruptBackupError => new CorruptBackupError(`the backup is damaged (${why})`)
  const o = parseJsonObject(bytes, fail)
  if (o.format !== FORMAT || o.version !== VERSION || typeof o.key !== 'string' || o.key.length > 1024) {
    throw fail('unknown format, or no key')
  }
  const key = new Uint8Array(Buffer.from(o.key, 'base64'))
  let peerId: string
  try {
    peerId = peerIdFromPrivateKey(privateKeyFromProtobuf(key)).toString()
  } catch {
    throw fail('the key is not a valid identity key')
  }
  let settings: AccountSettings
  try {
    settings = decodeSettings(new TextEncoder().encode(JSON.stringify(o.settings)))
  } catch (err) {
    throw fail(err instanceof Error ? err.message : String(err))
  }
  if (settings.peerId !== peerId) {
    throw fail('the settings belong to another identity')
  }
  return { key, settings }
}

/** Writes an encrypted backup of `account` to `file`; never overwrites an existing file. */
export async function exportAccount(
  account: Account,
  file: string,
  passphrase: string,
  scrypt?: ScryptParams
): Promise<void> {
  const plain = encodeBackup({ key: account.exportKey(), settings: account.settings })
  const sealed = encodeSealed(await seal(plain, passphrase, 'backup', scrypt))
  plain.fill(0)
  try {
    await writeFile(file, sealed, { mode: 0o600, flag: 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new FileExistsError(`${file} exists; a backup never overwrites a file`)
    }
    throw err
  }
}

/**
 * Restores a backup into `dataDir`, which must not hold an account. The key is stored encrypted with the
 * backup's passphrase. A wrong passphrase (BadPassphraseError) or a damaged file writes nothing.
 */
export async function importAccount(
  dataDir: string,
  file: string,
  passphrase: () => Promise<string>,
  scrypt?: ScryptParams
): Promise<Account> {
  if (await Account.exists(dataDir)) {
    throw new AccountExistsError(`${dataDir} already holds an account; import into an empty --data-dir`)
  }
  let size: number
  try {
    size = (await stat(file)).size
  } catch (err) {
    throw new CorruptBackupError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
  }
  if (size > MAX_SEALED_BYTES) {
    throw new CorruptBackupError(`${file} is ${size} bytes: not a p2pchat backup`)
  }
  const sealed = decodeSealed(await readFile(file), 'backup')
  const secret = await passphrase()
  const contents = decodeBackup(await unseal(sealed, secret))
  const created = await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const account = Account.restored(
    dataDir,
    privateKeyFromProtobuf(contents.key),
    { ...contents.settings, ownsDataDir: created != null },
    true
  )
  try {
    await account.writeKey(secret, scrypt)
    await account.save()
  } catch (err) {
    // neither file existed before (checked above): leave the directory as it was
    await removeIfPresent(join(dataDir, ACCOUNT_FILE))
    await removeIfPresent(join(dataDir, IDENTITY_FILE))
    throw err
  }
  contents.key.fill(0)
  return account
}
