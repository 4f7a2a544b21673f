import { rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Level } from 'level'
import { pathExists } from './path-exists.ts'

/**
 * Why rewrite rather than compact: LevelDB writes a deleted value and its tombstone into the same table file
 * when both are still in the memtable, and a manual compaction never touches a file in the deepest level, so
 * deleted text can outlive any number of compactions. Its LOG and MANIFEST also keep keys of deleted entries.
 * Copying what is live into a fresh database and swapping directories leaves none of it behind.
 */

/** The store's directory, and the two names used while swapping it. */
export const DB_DIR = 'db'
const NEXT_DIR = 'db.next'
const OLD_DIR = 'db.old'

/** Entries copied per batch while rewriting. */
const COPY_BATCH = 1000

/**
 * Opens the store at `dataDir/db`, finishing or undoing a rewrite that a crash interrupted. Leftovers are
 * removed only once `open` holds the store's lock, so a running peer's rewrite is never disturbed.
 */
export async function openStore<V>(
  dataDir: string,
  open: (path: string) => Promise<Level<string, V>>
): Promise<Level<string, V>> {
  if (!(await pathExists(join(dataDir, DB_DIR))) && (await pathExists(join(dataDir, OLD_DIR)))) {
    // crashed between the two renames: the old store is whole, so it stays
    await rename(join(dataDir, OLD_DIR), join(dataDir, DB_DIR))
  }
  const db = await open(join(dataDir, DB_DIR))
  await rm(join(dataDir, NEXT_DIR), { recursive: true, force: true })
  await rm(join(dataDir, OLD_DIR), { recursive: true, force: true })
  return db
}

/**
 * Copies every live entry of `source` into a new database next to it, then swaps directories. `source` is
 * closed by this function; open the store again afterwards. `open` creates a database at a path.
 */
export async function rewriteStore<V>(
  dataDir: string,
  source: Level<string, V>,
  open: (path: string) => Promise<Level<string, V>>
): Promise<void> {
  const nextPath = join(dataDir, NEXT_DIR)
  await rm(nextPath, { recursive: true, force: true })
  const target = await open(nextPath)
  try {
    let batch: Array<{ type: 'put'; key: string; value: V }> = []
    for await (const [key, value] of source.iterator()) {
      batch.push({ type: 'put', key, value })
      if (batch.length >= COPY_BATCH) {
        await target.batch(batch)
        batch = []
      }
    }
    await target.batch(batch)
  } finally {
    await target.close()
  }
  await source.close()
  await rename(join(dataDir, DB_DIR), join(dataDir, OLD_DIR))
  await rename(nextPath, join(dataDir, DB_DIR))
  await rm(join(dataDir, OLD_DIR), { recursive: true, force: true })
}
