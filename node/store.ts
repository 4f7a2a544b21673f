import { join } from 'node:path'
import { Level } from 'level'
import { DataDirInUseError } from './errors.ts'

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

export interface Contact {
  peerId: string
  name: string
  lastSeen: number
}

type Value = StoredMessage | Contact

/** Message history and contacts in a LevelDB under the data directory. */
export class ChatStore {
  private constructor(private readonly db: Level<string, Value>) {}

  static async open(dataDir: string): Promise<ChatStore> {
    const db = new Level<string, Value>(join(dataDir, 'db'), { valueEncoding: 'json' })
    try {
      await db.open()
    } catch (err) {
      if (isLocked(err)) {
        throw new DataDirInUseError(`${dataDir} is in use by another p2pchat process; give this one its own --data-dir`)
      }
      throw err
    }
    return new ChatStore(db)
  }

  async saveMessage(msg: StoredMessage): Promise<void> {
    // Zero-padded time first within a conversation, so keys sort chronologically.
    const key = `msg!${msg.conversation}!${String(msg.ts).padStart(15, '0')}!${msg.id}`
    await this.db.put(key, msg)
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

  async close(): Promise<void> {
    await this.db.close()
  }
}

function isLocked(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } }
  return e?.code === 'LEVEL_LOCKED' || e?.cause?.code === 'LEVEL_LOCKED'
}
