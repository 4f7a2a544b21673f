import { type FileHandle, open, readdir, rm, rmdir } from 'node:fs/promises'
import { join } from 'node:path'
import { removePartialDownloads } from '../transfers/disk-files.ts'

/** What destroying left behind: nothing, unless the data directory also held files that are not ours. */
export interface WipeResult {
  /** the data directory itself is gone */
  removedDir: boolean
  /** entries of a directory p2pchat did not create that are not the account's, left alone */
  kept: string[]
}

/**
 * The entries of a data directory that belong to the account: the key, the settings, the store, and the
 * temporary files of an interrupted atomic write (`identity.key.<hash>`). Features that keep files in the data
 * directory add their names here, so that destroying an account removes them too.
 */
export const ACCOUNT_ENTRIES: Array<string | RegExp> = [
  /^identity\.key(\.[0-9a-f]+)?$/,
  /^account\.json(\.[0-9a-f]+)?$/,
  'db',
  // a store rewrite that was interrupted (store-rewrite.ts)
  'db.next',
  'db.old',
  // file transfer records (transfers/manager.ts)
  'transfers',
  // membership logs of our groups (groups/group-store.ts)
  'groups',
  // end-to-end session state and prekeys (sessions/vault.ts)
  'sessions',
  // the outbox of sealed DMs and the ids of DMs received (direct/dm-store.ts)
  'dm-state'
]

/** Key files are overwritten before they are unlinked, so their bytes do not linger where the filesystem allows. */
const OVERWRITE_FIRST = /^identity\.key/

/**
 * Removes every file of the account from `dataDir`. The directory goes too when p2pchat created it or when
 * nothing else is left in it; a directory the user pointed us at keeps whatever else they put there.
 */
export async function wipeAccountFiles(dataDir: string, ownsDataDir: boolean): Promise<WipeResult> {
  let entries: string[]
  try {
    entries = await readdir(dataDir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return { removedDir: true, kept: [] }
    }
    throw err
  }
  // the transfer records say where our partial downloads are: remove those before the records go
  await removePartialDownloads(dataDir)
  const ours = (name: string): boolean =>
    ACCOUNT_ENTRIES.some((e) => (typeof e === 'string' ? e === name : e.test(name)))
  for (const name of entries.filter((n) => OVERWRITE_FIRST.test(n))) {
    await overwrite(join(dataDir, name))
  }
  for (const name of entries.filter(ours)) {
    await rm(join(dataDir, name), { recursive: true, force: true })
  }
  const kept = entries.filter((n) => !ours(n))
  if (ownsDataDir) {
    await rm(dataDir, { recursive: true, force: true })
    return { removedDir: true, kept: [] }
  }
  if (kept.length === 0) {
    await rmdir(dataDir)
    return { removedDir: true, kept: [] }
  }
  return { removedDir: false, kept }
}

async function overwrite(path: string): Promise<void> {
  const file = await open(path, 'r+').catch(() => undefined)
  if (file == null) {
    return
  }
  try {
    await overwriteOpenFile(file)
  } finally {
    await file.close()
  }
}

/** Overwrites every byte of an open file with zeros and waits for the disk: the file's blocks no longer hold it. */
export async function overwriteOpenFile(file: FileHandle): Promise<void> {
  const { size } = await file.stat()
  await file.write(Buffer.alloc(size), 0, size, 0)
  await file.sync()
}
