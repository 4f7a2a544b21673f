/** Protocol id of the relay mailbox; bump the version for any wire change. */
export const MAILBOX_PROTOCOL = '/p2pchat/mailbox/1.0.0'

/** Largest envelope a relay stores: a DM frame's worth of session message (64 KiB) plus PQXDH's first fields. */
export const MAX_ENVELOPE_BYTES = 64 * 1024 + 4 * 1024

/** Largest request frame: one envelope and the deposit's other fields. */
export const MAX_REQUEST_BYTES = MAX_ENVELOPE_BYTES + 1024

/** Largest response frame; FETCH returns as many mails as fit. */
export const MAX_RESPONSE_BYTES = 1024 * 1024

/** Bytes of a mail id. */
export const MAIL_ID_BYTES = 16

/** Most mails one FETCH returns, and most ids one DELETE names. */
export const MAX_BATCH = 256

/** Longest a PeerId may be as bytes (an identity-multihash Ed25519 id is 38; RSA ids are longer). */
export const MAX_PEER_ID_BYTES = 128

/** One request and its answer must finish within this: a stalled peer cannot pin a stream. */
export const MAILBOX_TIMEOUT_MS = 10_000

/** Concurrent mailbox streams per connection. */
export const MAX_INBOUND_STREAMS = 4

/** Defaults of the relay's mailbox settings (admins may change them; docs/relay.md). */
export const MAILBOX_DEFAULTS = {
  /** Mail not fetched by then is deleted: a week, as most people come back within one. */
  ttlMs: 7 * 24 * 60 * 60 * 1000,
  /** Per recipient: enough for a busy week of DMs, small enough that one victim cannot fill the relay. */
  maxMailsPerRecipient: 1_000,
  maxBytesPerRecipient: 8 * 1024 * 1024,
  /** The whole store: what the relay's memory and disk can hold without harming its other work. */
  maxTotalBytes: 512 * 1024 * 1024,
  maxRecipients: 100_000,
  /** Deposits per sender PeerId and per IP address: a burst, then a steady rate (token buckets). */
  senderBurst: 60,
  senderPerMinute: 30,
  ipBurst: 300,
  ipPerMinute: 120,
  /** Rate-limit buckets kept; the least recently used go first, so fresh PeerIds cannot grow memory. */
  maxBuckets: 50_000
} as const

export type MailboxSettings = { -readonly [K in keyof typeof MAILBOX_DEFAULTS]: number }

export type { Bytes } from '../common/bytes.ts'
