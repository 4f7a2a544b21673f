import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { Level } from 'level'
import type { MailPersistence, StoredMail } from '../protocols/mailbox/index.ts'

/** Folder of the relay's data directory that holds the mailbox's LevelDB. */
export const MAILBOX_DIR = 'mailbox'

/** How often the relay deletes expired mail. */
export const MAIL_EXPIRY_INTERVAL_MS = 60_000

/** Zero-padded deposit time after the recipient, so that a recipient's keys sort in deposit order. */
function mailKey(mail: Pick<StoredMail, 'recipient' | 'depositedAt' | 'id'>): string {
  return `m!${mail.recipient}!${String(mail.depositedAt).padStart(15, '0')}!${bytesToHex(mail.id)}`
}

function parseKey(key: string): Omit<StoredMail, 'envelope'> | undefined {
  const [prefix, recipient, ts, id] = key.split('!')
  if (prefix !== 'm' || recipient == null || !/^\d{15}$/.test(ts ?? '') || !/^[0-9a-f]{32}$/.test(id ?? '')) {
    return undefined
  }
  return { recipient, depositedAt: Number(ts), id: hexToBytes(id) }
}

/**
 * The relay's mail on disk: a LevelDB whose every write is synced before the deposit is acknowledged, so mail
 * a sender was told is stored survives `kill -9` and power loss, as the relay's state snapshots do.
 */
export class MailboxStore implements MailPersistence {
  private constructor(private readonly db: Level<string, Uint8Array>) {}

  static async open(dir: string): Promise<MailboxStore> {
    const db = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' })
    await db.open()
    return new MailboxStore(db)
  }

  /** Every stored mail, each recipient's in deposit order; entries that do not parse are skipped. */
  async load(): Promise<StoredMail[]> {
    const out: StoredMail[] = []
    for await (const [key, envelope] of this.db.iterator({ gt: 'm!', lt: 'm!~' })) {
      const parsed = parseKey(key)
      if (parsed != null) {
        out.push({ ...parsed, envelope: new Uint8Array(envelope) })
      }
    }
    return out
  }

  async put(mail: StoredMail): Promise<void> {
    await this.db.put(mailKey(mail), mail.envelope, { sync: true })
  }

  async delete(mails: StoredMail[]): Promise<void> {
    if (mails.length > 0) {
      await this.db.batch(
        mails.map((m) => ({ type: 'del' as const, key: mailKey(m) })),
        { sync: true }
      )
    }
  }

  async close(): Promise<void> {
    await this.db.close()
  }
}
