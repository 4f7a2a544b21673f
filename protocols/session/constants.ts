/**
 * Limits and labels of p2pchat's end-to-end sessions: PQXDH key agreement and the Double Ratchet, as Signal
 * specifies them (https://signal.org/docs/specifications/pqxdh/, https://signal.org/docs/specifications/doubleratchet/).
 */

/**
 * Most message keys one chain may skip at once (the spec's MAX_SKIP). A header announcing a longer jump is
 * refused before any work is done: a hostile sender cannot make us derive millions of keys. Signal's value.
 */
export const MAX_SKIP = 25_000

/**
 * Sending keys reserved by one write of a session record: the record holds the sending chain this many keys ahead
 * of the last one used, so the next sends need no write before they leave (one fsync per this many DMs to a peer,
 * not one each). A crash skips the unused rest of the reserve instead of ever reusing a key; the receiver derives
 * and keeps the skipped keys, which MAX_SKIP and MAX_SKIPPED_KEYS allow with room to spare.
 */
export const SEND_KEY_RESERVE = 64

/**
 * Most skipped message keys kept for messages that may still arrive out of order; the oldest go first.
 * Signal keeps 2,000 too: enough for a long burst lost on one path, bounded so state stays small.
 */
export const MAX_SKIPPED_KEYS = 2_000

/** Bytes of an X25519 public key, a Curve25519 DH output, a root, chain or message key. */
export const KEY_BYTES = 32

/** Bytes of the HMAC-SHA256 tag appended to every ratchet ciphertext (the spec's recommended ENCRYPT). */
export const MAC_BYTES = 32

/** Bytes of an encoded ratchet header: the sender's ratchet public key, PN and N as big-endian u32. */
export const HEADER_BYTES = KEY_BYTES + 4 + 4

/** Largest plaintext a ratchet message may carry; a DM frame is at most 64 KiB. */
export const MAX_PLAINTEXT_BYTES = 64 * 1024

/** Largest ciphertext accepted for decryption: the plaintext limit plus a CBC block of padding and the tag. */
export const MAX_CIPHERTEXT_BYTES = MAX_PLAINTEXT_BYTES + 16 + MAC_BYTES

/**
 * HKDF info strings. Each names the protocol, curve, hash and KEM as PQXDH's "info" parameter asks, so keys made
 * for one purpose never serve another.
 */
export const INFO = {
  pqxdh: 'p2pchat_CURVE25519_SHA-256_ML-KEM-768',
  rootRatchet: 'p2pchat_DoubleRatchet_Root',
  messageKeys: 'p2pchat_DoubleRatchet_MessageKeys'
} as const

/** Domain-separation prefixes for what the account's identity key signs in sessions (see prekeys.ts). */
export const SIGNATURE_DOMAIN = {
  signedPrekey: 'p2pchat/session/signed-prekey/1',
  kemPrekey: 'p2pchat/session/kem-prekey/1'
} as const

/** One-time prekeys of each kind an account keeps published; replenished when fewer than half remain. */
export const ONE_TIME_PREKEYS = 20

/** A signed prekey is replaced after this long, as Signal does weekly. */
export const SIGNED_PREKEY_ROTATION_MS = 7 * 24 * 60 * 60 * 1000

/** A replaced signed prekey is kept this long so that sessions started with it in flight still open. */
export const SIGNED_PREKEY_GRACE_MS = 30 * 24 * 60 * 60 * 1000

export type { Bytes } from '../common/bytes.ts'

/**
 * Sessions kept per peer: the current one and those a simultaneous start or a reinstall left behind, whose messages
 * may still be in flight (libsignal keeps older states for the same reason).
 */
export const MAX_SESSIONS_PER_PEER = 3

/** Peers with sessions; the least recently used go first, so identities made up by the thousand cost bounded state. */
export const MAX_SESSION_PEERS = 10_000
