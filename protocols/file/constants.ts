/** Protocol id of file transfer; bump the version for any wire change. */
export const FILE_PROTOCOL = '/p2pchat/file/1.0.0'

/** Smallest chunk: small enough that a resume loses little, large enough that hashing per chunk costs nothing. */
export const MIN_CHUNK_SIZE = 1024 * 1024

/** Largest chunk a peer may announce (a multi-terabyte file still stays under MAX_CHUNKS). */
export const MAX_CHUNK_SIZE = 256 * 1024 * 1024

/** Most chunks per file: their hashes (32 bytes each, 512 KiB in all) travel in one response frame. */
export const MAX_CHUNKS = 16_384

/** SHA-256 digest length. */
export const HASH_BYTES = 32

/** Largest file size we can count exactly in a JS number. */
export const MAX_FILE_SIZE = Number.MAX_SAFE_INTEGER

/** Longest file name an offer may carry, in UTF-8 bytes; the receiver shortens it further to fit its file system. */
export const MAX_FILE_NAME_BYTES = 1024

/** Longest reason text in a decline, cancel or refusal. */
export const MAX_REASON_LENGTH = 256

/** Largest request frame: an offer with the longest name and reason fits with room to spare. */
export const MAX_REQUEST_BYTES = 4096

/** Largest response frame: the full chunk hash list plus the envelope. */
export const MAX_RESPONSE_BYTES = MAX_CHUNKS * HASH_BYTES + 1024

/** Offers nobody answers expire after this long on both sides (1 hour); the sender can set less. */
export const DEFAULT_OFFER_TTL_MS = 60 * 60 * 1000

/**
 * Shortest offer lifetime (10 s): an offer that vanishes at once cannot be answered, and only made offers cheap to
 * flood with. Receivers count such an offer for as long as this at least; senders never ask for less.
 */
export const MIN_OFFER_TTL_MS = 10_000

/** Longest offer lifetime we honour (7 days), so a peer cannot leave an offer pending forever. */
export const MAX_OFFER_TTL_MS = 7 * 24 * 60 * 60 * 1000

/** Opening a stream and exchanging the request and response must finish within this. */
export const REQUEST_TIMEOUT_MS = 15_000

/** A data stream that moves no bytes for this long is considered dead, and the transfer resumes later. */
export const IDLE_TIMEOUT_MS = 60_000

/** Buffer this much unread data before pausing the stream, which stops the muxer granting the sender more window. */
export const READ_HIGH_WATER_BYTES = 4 * 1024 * 1024

/**
 * What a paused data stream may hold before the muxer resets it. yamux keeps accepting up to its window
 * (16 MiB at most) after a pause, so its default of 4 MiB would kill every paused download.
 */
export const PAUSED_READ_BUFFER_BYTES = 32 * 1024 * 1024

/** How much the sender reads from disk per send(): few enough disk round trips, little memory. */
export const READ_BLOCK_BYTES = 1024 * 1024

/** Concurrent inbound file streams per connection: offers, fetches and control messages. */
export const MAX_INBOUND_STREAMS = 16

/** Concurrent outbound file streams per connection. */
export const MAX_OUTBOUND_STREAMS = 16
