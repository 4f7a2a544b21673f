import { join } from 'node:path'
import { Level } from 'level'
import { DataDirInUseError } from './errors.ts'
import { DB_DIR, openStore, rewriteStore } from './store-rewrite.ts'

/** A message as kept in history. */
export interface StoredMessage {
  id: string
  scope: 'lobby' | 'dm' | 'group'
  /** the other side of a DM, the group id, or 'lobby' */
  conversation: string
  fromPeerId: string
  fromName: string
  text: string
  ts: number
}

/**
 * The key of a stored message: zero-padded time first within a conversation, so keys sort chronologically, then
 * the sender, because message ids are unique only per sender: anyone can copy another's id and time, and without
 * the sender in the key that copy would overwrite the original. PeerIds hold no '!', so keys cannot collide.
 */
export function messageKey(msg: Pick<StoredMessage, 'conversation' | 'ts' | 'fromPeerId' | 'id'>): string {
  return `msg!${msg.conversation}!${String(msg.ts).padStart(15, '0')}!${msg.fromPeerId}!${msg.id}`
}

export interface Contact {
  peerId: string
  name: string
  lastSeen: number
  /** the relays it was last seen using (multiaddrs ending in /p2p/<relay>), for DMs while it is away */
  relays?: string[]
}

/** What the store keeps under its keys. */
export type StoredValue = StoredMessage | Contact

/** Where message history and contacts are kept: LevelDB in the data directory (ChatStore), or a page's IndexedDB. */
export interface MessageStore {
  saveMessage: (msg: StoredMessage) => Promise<void>
  /** Saves several messages in one write. */
  saveMessages: (msgs: StoredMessage[]) => Promise<void>
  /** The newest `limit` messages of a conversation ('lobby' or a PeerId), oldest first. */
  history: (conversation: string, limit?: number) => Promise<StoredMessage[]>
  saveContact: (contact: Contact) => Promise<void>
  contacts: () => Promise<Contact[]>
  /** Every stored message with its key, in key order. */
  messages: () => AsyncGenerator<[string, StoredMessage]>
  deleteMessages: (keys: string[]) => Promise<void>
  deleteContact: (peerId: string) => Promise<void>
  /** Makes deleted entries unrecoverable where the storage allows it. */
  compact: () => Promise<void>
  close: () => Promise<void>
}

/** What the stores need of an abstract-level database: classic-level on disk, browser-level in a page. */
export interface LevelDatabase {
  put(key: string, value: StoredValue): Promise<void>
  del(key: string): Promise<void>
  batch(
    operations: Array<{ type: 'del'; key: string }> | Array<{ type: 'put'; key: string; value: StoredValue }>
  ): Promise<void>
  values(range: { gt: string; lt: string; reverse?: boolean; limit?: number }): AsyncIterable<StoredValue>
  iterator(range: { gt: string; lt: string }): AsyncIterable<[string, StoredValue]>
  close(): Promise<void>
}

/**
 * History and contacts in any abstract-level database, under the same keys wherever it runs. Subclasses open the
 * database and say how deleted entries are made unrecoverable (compact).
 */
export abstract class LevelMessageStore implements MessageStore {
  protected constructor(protected db: LevelDatabase) {}

  async saveMessage(msg: StoredMessage): Promise<void> {
    await this.db.put(messageKey(msg), msg)
  }

  async saveMessages(msgs: StoredMessage[]): Promise<void> {
    if (msgs.length > 0) {
      await this.db.batch(msgs.map((msg) => ({ type: 'put' as const, key: messageKey(msg), value: msg })))
    }
  }

  /** The newest `limit` messages of a conversation ('lobby' or a PeerId), oldest first. */
  async history(conversation: string, limit = 50): Promise<StoredMessage[]> {
    const out: StoredMessage[] = []
    for await (const value of this.db.values({
      gt: `msg!${conversation}!`,
      lt: `msg!${conversation}!~`,
      reverse: true,
      limit
    })) {
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

  /** Every stored message with its key, in key order. */
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

  abstract compact(): Promise<void>

  async close(): Promise<void> {
    await this.db.close()
  }
}

/** Message history and contacts in a LevelDB under the data directory. */
export class ChatStore extends LevelMessageStore {
  private constructor(
    private readonly dataDir: string,
    private level: Level<string, StoredValue>
  ) {
    super(level)
  }

  static async open(dataDir: string): Promise<ChatStore> {
    let db: Level<string, StoredValue>
    try {
      db = await openStore(dataDir, openLevel)
    } catch (err) {
      if (isLocked(err)) {
        throw new DataDirInUseError(`${dataDir} is in use by another p2pchat process; give this one its own --data-dir`)
      }
      throw err
    }
    await rekeyMessages(db)
    return new ChatStore(dataDir, db)
  }

  /**
   * Makes deleted entries unrecoverable from the files: LevelDB keeps them in its log, tables and manifest
   * until they happen to be compacted, so the live entries are copied into a fresh database (store-rewrite.ts).
   * No other operation may run meanwhile (the archive serialises them).
   */
  async compact(): Promise<void> {
    await rewriteStore(this.dataDir, this.level, openLevel)
    this.level = await openLevel(join(this.dataDir, DB_DIR))
    this.db = this.level
  }
}

/** Operations per batch while moving messages to the current key format. */
const REKEY_BATCH = 1000

/**
 * Moves messages stored under an older key format (without the sender) to their current key. Runs at every open;
 * it only reads when nothing is left to move.
 */
async function rekeyMessages(db: Level<string, StoredValue>): Promise<void> {
  let batch: Array<{ type: 'del'; key: string } | { type: 'put'; key: string; value: StoredValue }> = []
  for await (const [key, value] of db.iterator({ gt: 'msg!', lt: 'msg!~' })) {
    const current = messageKey(value as StoredMessage)
    if (current !== key) {
      batch.push({ type: 'del', key }, { type: 'put', key: current, value })
    }
    if (batch.length >= REKEY_BATCH) {
      await db.batch(batch)
      batch = []
    }
  }
  if (batch.length > 0) {
    await db.batch(batch)
  }
}

/** Uncompressed, so that a scan of the files can verify that deleted text is gone (no text hides in a block). */
async function openLevel(path: string): Promise<Level<string, StoredValue>> {
  const db = new Level<string, StoredValue>(path, { valueEncoding: 'json', compression: false })
  await db.open()
  return db
}

function isLocked(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } }
  return e?.code === 'LEVEL_LOCKED' || e?.cause?.code === 'LEVEL_LOCKED'
}
