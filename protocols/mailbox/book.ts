/**
 * The relay's mail, in memory: quotas per recipient and in total, expiry, de-duplication by mail id. Pure (the
 * clock is a parameter); the relay persists each change before it answers (relay/mailbox-store.ts).
 */
import { bytesToHex } from '@noble/hashes/utils.js'
import { type Bytes, MAX_ENVELOPE_BYTES, type MailboxSettings } from './constants.ts'
import { MailboxRefusedError } from './errors.ts'

export interface StoredMail {
  recipient: string
  id: Bytes
  envelope: Bytes
  depositedAt: number
}

interface Box {
  /** by hex id, in deposit order */
  mails: Map<string, StoredMail>
  bytes: number
}

export class MailboxBook {
  private readonly boxes = new Map<string, Box>()
  private totalBytes = 0
  private settings: MailboxSettings

  constructor(settings: MailboxSettings) {
    this.settings = { ...settings }
  }

  /** New limits apply to new deposits and the next expiry pass; nothing stored is dropped for them. */
  configure(settings: MailboxSettings): void {
    this.settings = { ...settings }
  }

  /** Stores a mail; false when one with that id is already there. Throws MailboxRefusedError, storing nothing. */
  deposit(mail: StoredMail): boolean {
    if (mail.envelope.byteLength > MAX_ENVELOPE_BYTES) {
      throw new MailboxRefusedError('TOO_LARGE', `envelope is over the ${MAX_ENVELOPE_BYTES} byte limit`)
    }
    const box = this.boxes.get(mail.recipient)
    const key = bytesToHex(mail.id)
    if (box?.mails.has(key) === true) {
      return false
    }
    const size = mail.envelope.byteLength
    const s = this.settings
    if (box == null && this.boxes.size >= s.maxRecipients) {
      throw new MailboxRefusedError('MAILBOX_FULL', 'the relay holds mail for as many recipients as it can')
    }
    if (box != null && (box.mails.size >= s.maxMailsPerRecipient || box.bytes + size > s.maxBytesPerRecipient)) {
      throw new MailboxRefusedError('MAILBOX_FULL', "the recipient's mailbox on this relay is full")
    }
    if (this.totalBytes + size > s.maxTotalBytes) {
      throw new MailboxRefusedError('MAILBOX_FULL', "the relay's mail store is full")
    }
    this.insert(mail, key)
    return true
  }

  /** Takes back mail stored before a restart, even past quotas lowered since: nothing stored is dropped for them. */
  restore(mail: StoredMail): void {
    const key = bytesToHex(mail.id)
    if (this.boxes.get(mail.recipient)?.mails.has(key) !== true) {
      this.insert(mail, key)
    }
  }

  private insert(mail: StoredMail, key: string): void {
    const box = this.boxes.get(mail.recipient) ?? { mails: new Map(), bytes: 0 }
    box.mails.set(key, mail)
    box.bytes += mail.envelope.byteLength
    this.totalBytes += mail.envelope.byteLength
    this.boxes.set(mail.recipient, box)
  }

  /** The recipient's oldest mails, as many as `limit` and `maxBytes` allow, and how many are left after them. */
  fetch(recipient: string, limit: number, maxBytes: number): { mail: StoredMail[]; remaining: number } {
    const box = this.boxes.get(recipient)
    if (box == null) {
      return { mail: [], remaining: 0 }
    }
    const mail: StoredMail[] = []
    let bytes = 0
    for (const m of box.mails.values()) {
      if (mail.length >= limit || bytes + m.envelope.byteLength > maxBytes) {
        break
      }
      mail.push(m)
      bytes += m.envelope.byteLength
    }
    return { mail, remaining: box.mails.size - mail.length }
  }

  /** Deletes the recipient's mails with these ids; returns the ones deleted. Other recipients' mail is untouched. */
  delete(recipient: string, ids: Bytes[]): StoredMail[] {
    const box = this.boxes.get(recipient)
    if (box == null) {
      return []
    }
    const deleted: StoredMail[] = []
    for (const id of ids) {
      const key = bytesToHex(id)
      const mail = box.mails.get(key)
      if (mail != null) {
        box.mails.delete(key)
        deleted.push(mail)
      }
    }
    this.release(recipient, box, deleted)
    return deleted
  }

  /** Deletes every mail older than the TTL; returns them so the caller can delete them from disk too. */
  expire(now: number): StoredMail[] {
    const expired: StoredMail[] = []
    for (const [recipient, box] of this.boxes) {
      const gone: StoredMail[] = []
      for (const [key, mail] of box.mails) {
        if (now - mail.depositedAt < this.settings.ttlMs) {
          break // deposit order is time order
        }
        box.mails.delete(key)
        gone.push(mail)
      }
      this.release(recipient, box, gone)
      expired.push(...gone)
    }
    return expired
  }

  /** Mails held for a recipient. */
  count(recipient: string): number {
    return this.boxes.get(recipient)?.mails.size ?? 0
  }

  get stats(): { recipients: number; mails: number; bytes: number } {
    let mails = 0
    for (const box of this.boxes.values()) {
      mails += box.mails.size
    }
    return { recipients: this.boxes.size, mails, bytes: this.totalBytes }
  }

  private release(recipient: string, box: Box, removed: StoredMail[]): void {
    for (const mail of removed) {
      box.bytes -= mail.envelope.byteLength
      this.totalBytes -= mail.envelope.byteLength
    }
    if (box.mails.size === 0) {
      this.boxes.delete(recipient)
    }
  }
}

/**
 * Token buckets by key (a sender PeerId or an IP address), at most `maxBuckets` of them: the least recently used
 * goes first, so a flood of fresh PeerIds costs bounded memory and only ever resets its own buckets.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  constructor(
    private readonly burst: number,
    private readonly perMinute: number,
    private readonly maxBuckets: number
  ) {}

  /** Buckets held now. */
  get size(): number {
    return this.buckets.size
  }

  /** Takes one token for `key`; false when its bucket is empty. */
  take(key: string, now: number): boolean {
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now }
    this.buckets.delete(key)
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000)
    bucket.at = now
    const allowed = bucket.tokens >= 1
    if (allowed) {
      bucket.tokens -= 1
    }
    this.buckets.set(key, bucket)
    for (const oldest of this.buckets.keys()) {
      if (this.buckets.size <= this.maxBuckets) {
        break
      }
      this.buckets.delete(oldest)
    }
    return allowed
  }
}
