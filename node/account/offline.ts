import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { MessageArchive, type PurgeCounts } from '../history.ts'
import { ChatStore } from '../store.ts'
import { Account } from './account.ts'
import { NoAccountError } from './errors.ts'
import { ACCOUNT_FILE, type AccountSettings, decodeSettings } from './settings.ts'
import { type WipeResult, wipeAccountFiles } from './wipe.ts'

/**
 * Changes the settings of an account that is not running, without its key (so no passphrase is needed for a
 * name or a retention policy). Holds the store's lock meanwhile, so a running client (DATA_DIR_IN_USE) is never
 * overwritten, and applies the retention policies to the stored history before returning what it deleted.
 */
export async function changeSettings(
  dataDir: string,
  change: (settings: AccountSettings) => void
): Promise<{ settings: AccountSettings; deleted: PurgeCounts }> {
  if (!(await Account.exists(dataDir))) {
    throw new NoAccountError(`there is no account in ${dataDir} (create one with p2pchat account create)`)
  }
  const store = await ChatStore.open(dataDir)
  try {
    const settings = await readSettings(dataDir)
    change(settings)
    await Account.saveSettings(dataDir, settings)
    const archive = new MessageArchive({ disk: store, settings: () => settings.retention })
    const deleted = await archive.apply()
    return { settings, deleted }
  } finally {
    await store.close()
  }
}

/**
 * Deletes every file of the account in `dataDir` without going online (no deletion notice, no key needed).
 * Refuses while a client runs on the directory.
 */
export async function wipeOffline(dataDir: string): Promise<WipeResult & { peerId: string }> {
  const settings = await readSettings(dataDir)
  const store = await ChatStore.open(dataDir)
  await store.close()
  return { ...(await wipeAccountFiles(dataDir, settings.ownsDataDir)), peerId: settings.peerId }
}

/** The settings file, or for a directory from before accounts the defaults around its (unencrypted) key. */
async function readSettings(dataDir: string): Promise<AccountSettings> {
  try {
    return decodeSettings(await readFile(join(dataDir, ACCOUNT_FILE)))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw err
    }
  }
  return (await Account.open(dataDir)).settings
}
