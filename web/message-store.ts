import { BrowserLevel } from 'browser-level'
import { type Contact, type MessageStore, messageKey, type StoredMessage } from '../node/store.ts'

/** The IndexedDB database (browser-level prefixes it with `level-js-`) holding the page's history and contacts. */
export const HISTORY_DB = 'p2pchat-history'

type Value = StoredMessage | Contact

/**
 * History and contacts in IndexedDB, in the same keys as the terminal's LevelDB store (node/store.ts), under the
 * same retention rules (the archive decides what is kept and for how long).
 */
export class BrowserMessageStore implements MessageStore {
  private constructor(private readonly db: BrowserLevel<string, Value>) {}

  static async open(): Promise<BrowserMessageStore> {
    const db = new BrowserLevel<string, Value>(HISTORY_DB, { valueEncoding: 'json' })
    await db.open()
    return new BrowserMessageStore(db)
  }

  async saveMessage(msg: StoredMessage): Promise<void> {
    await this.db.put(messageKey(msg), msg)
  }

  async history(conversation: string, limit = 50): Promise<StoredMessage[]> {
    const range = { gt: `msg!${conversation}!`, lt: `msg!${conversation}!~`, reverse: true, limit }
    const out: StoredMessage[] = []
    for await (const value of this.db.values(range)) {
      out.push(value as StoredMessage)
    }
    return out.reverse()
  }

  async saveContact(contact: Contact): Promise<void> {
    await this.db.put(`contact!${contact.peerId}`, contact)
  }

  async contacts(): Promise<Contact[]> {
    const out: Contact[] = []
    for await (const value of this.db.values({ gt: 'contact!', lt: 'contact!~' })) {
      out.push(value as Contact)
    }
    return out
  }

  async *messages(): AsyncGenerator<[string, StoredMessage]> {
    for await (const [key, value] of this.db.iterator({ gt: 'msg!', lt: 'msg!~' })) {
      yield [key, value as StoredMessage]
    }
  }

  async deleteMessages(keys: string[]): Promise<void> {
    if (keys.length > 0) {
      await this.db.batch(keys.map((key) => ({ type: 'del' as const, key })))
    }
  }

  async deleteContact(peerId: string): Promise<void> {
    await this.db.del(`contact!${peerId}`)
  }

  /** IndexedDB has no files of ours to rewrite: what it does with deleted records is the browser's business. */
  async compact(): Promise<void> {}

  async close(): Promise<void> {
    await this.db.close()
  }
}
