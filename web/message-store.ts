import { BrowserLevel } from 'browser-level'
import { LevelMessageStore, type StoredValue } from '../node/store.ts'

/** The IndexedDB database (browser-level prefixes it with `level-js-`) holding the page's history and contacts. */
export const HISTORY_DB = 'p2pchat-history'

/**
 * History and contacts in IndexedDB, in the same keys as the terminal's LevelDB store (node/store.ts), under the
 * same retention rules (the archive decides what is kept and for how long).
 */
export class BrowserMessageStore extends LevelMessageStore {
  static async open(): Promise<BrowserMessageStore> {
    const db = new BrowserLevel<string, StoredValue>(HISTORY_DB, { valueEncoding: 'json' })
    await db.open()
    return new BrowserMessageStore(db)
  }

  /** IndexedDB has no files of ours to rewrite: what it does with deleted records is the browser's business. */
  async compact(): Promise<void> {}
}
