/** Protocol id of relay administration; bump the version for any wire change. */
export const ADMIN_PROTOCOL = '/p2pchat/admin/1.0.0'

/** Signatures cover this prefix then the command bytes, so they can never pass for a signature of another protocol. */
export const SIGNING_PREFIX = new TextEncoder().encode('/p2pchat/admin/1.0.0 request:')

/**
 * How far a request's timestamp may be from the relay's clock (either way). Wide enough for ordinary clock drift,
 * short enough that a captured request is useless soon after.
 */
export const FRESHNESS_WINDOW_MS = 60_000

/** Nonces are remembered this long: a request stays fresh for at most twice the window after it was made. */
export const REPLAY_TTL_MS = 2 * FRESHNESS_WINDOW_MS

/** Remembered nonces at most: only verified admins reach the cache, so this is far above honest use. */
export const MAX_REPLAY_ENTRIES = 10_000

/** Largest request frame: one chat text plus the envelope. */
export const MAX_REQUEST_BYTES = 16 * 1024

/** Largest response frame: the user directory of a busy relay (10,000 rows) fits. */
export const MAX_RESPONSE_BYTES = 2 * 1024 * 1024

/** Rows of one kind in a response. */
export const MAX_ROWS = 10_000

/** Arguments of one command. */
export const MAX_ARGS = 8

/** Longest single argument, in characters: a chat text is at most 4096 bytes. */
export const MAX_ARG_LENGTH = 4096

/** Nonce size we generate; decoders accept 8 to 64 bytes. */
export const NONCE_BYTES = 16

/** One admin exchange must finish within this. */
export const ADMIN_TIMEOUT_MS = 10_000

/** Concurrent admin streams per connection: an admin types commands, nobody needs more. */
export const MAX_INBOUND_STREAMS = 4

/**
 * Refused requests of non-admins the relay reports per window: each costs the sender one stream, so without a budget
 * one peer (or many fresh PeerIds) could fill the operator's console. Admins' requests are always reported.
 */
export const REFUSAL_REPORT_BUDGET = { perSource: 10, total: 50, windowMs: 60_000 }

/** Longest command name and argument a refusal's report quotes: the request was not verified, so it is a peer's text. */
export const MAX_QUOTED_LENGTH = 64
