import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { Level } from 'level'
import type { MailboxServerInit, MailboxSettings, MailPersistence, StoredMail } from '../protocols/mailbox/index.ts'
import type { PrekeyServiceInit } from '../protocols/prekeys/index.ts'

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

  /** The prekey sets clients published here, with the address each came from. */
  async loadPrekeys(): Promise<Array<{ owner: string; ip: string; prekeys: Uint8Array }>> {
    const out: Array<{ owner: string; ip: string; prekeys: Uint8Array }> = []
    for await (const [key, value] of this.db.iterator({ gt: 'p!', lt: 'p!~' })) {
      const ipLength = value[0] ?? 0
      if (value.byteLength > 1 + ipLength) {
        out.push({
          owner: key.slice(2),
          ip: new TextDecoder().decode(value.subarray(1, 1 + ipLength)),
          prekeys: new Uint8Array(value.subarray(1 + ipLength))
        })
      }
    }
    return out
  }

  /** Keeps a client's newest published prekeys (one record per client, replaced by the next). */
  async putPrekeys(owner: string, ip: string, prekeys: Uint8Array): Promise<void> {
    const ipBytes = new TextEncoder().encode(ip).subarray(0, 255)
    const value = new Uint8Array(1 + ipBytes.byteLength + prekeys.byteLength)
    value[0] = ipBytes.byteLength
    value.set(ipBytes, 1)
    value.set(prekeys, 1 + ipBytes.byteLength)
    await this.db.put(`p!${owner}`, value, { sync: true })
  }

  /** What the relay's mailbox and prekey services start from and persist to. */
  async services(settings: MailboxSettings): Promise<{
    mailbox: MailboxServerInit
    prekeys: Pick<PrekeyServiceInit, 'stored' | 'persist'>
  }> {
    return {
      mailbox: { settings, stored: await this.load(), persistence: this },
      prekeys: {
        stored: await this.loadPrekeys(),
        persist: (owner, ip, prekeys) => this.putPrekeys(owner, ip, prekeys)
      }
    }
  }

  async close(): Promise<void> {
    await this.db.close()
  }
}

/** Deletes expired mail every MAIL_EXPIRY_INTERVAL_MS; returns what stops it. */
export function expireMailPeriodically(mailbox: { expire: () => Promise<number> }): () => void {
  const timer = setInterval(() => void mailbox.expire().catch(() => {}), MAIL_EXPIRY_INTERVAL_MS)
  return () => clearInterval(timer)
}
