/** Protocol id on which a relay tells its clients where its STUN responder listens; bump for any wire change. */
export const STUN_INFO_PROTOCOL = '/p2pchat/stun/1.0.0'

/** The advertisement is one varint field: anything longer is not ours. */
export const MAX_STUN_INFO_BYTES = 16

/** Asking a relay for its STUN port must finish within this; it is one tiny frame each way. */
export const STUN_INFO_TIMEOUT_MS = 5_000

/** STUN's registered UDP port (RFC 8489 section 18.2), the relay's default. */
export const DEFAULT_STUN_PORT = 3478

/** The magic cookie of every RFC 5389 / 8489 message. */
export const MAGIC_COOKIE = 0x2112a442

/** STUN header: type, length, magic cookie, 96-bit transaction id. */
export const HEADER_BYTES = 20

/**
 * Longest binding request answered. RFC 8489 section 6.2.1 keeps messages over UDP under 548 bytes for IPv4 when the
 * path MTU is unknown; a binding request to a server carries at most a few small attributes.
 */
export const MAX_REQUEST_BYTES = 548

/** Message types: Binding request and Binding success response (RFC 8489 section 18.2). */
export const BINDING_REQUEST = 0x0001
export const BINDING_SUCCESS = 0x0101

/** Attribute types the responder reads or writes (RFC 8489 section 18.3). */
export const ATTR_XOR_MAPPED_ADDRESS = 0x0020
export const ATTR_FINGERPRINT = 0x8028
/** XOR'd into a message's CRC-32 to make its FINGERPRINT (RFC 8489 section 14.7). */
export const FINGERPRINT_XOR = 0x5354554e

/**
 * Comprehension-required attributes (type below 0x8000) a binding request may carry that a responder without
 * credentials can pass over: the RFC 8489 authentication attributes and ICE's (RFC 8445) PRIORITY and USE-CANDIDATE.
 * A request with any other comprehension-required attribute is dropped rather than answered with a 420 error, so an
 * answer is never bigger than a plain binding response.
 */
export const KNOWN_REQUIRED_ATTRIBUTES: ReadonlySet<number> = new Set([
  0x0006, // USERNAME
  0x0008, // MESSAGE-INTEGRITY
  0x0014, // REALM
  0x0015, // NONCE
  0x001c, // MESSAGE-INTEGRITY-SHA256
  0x001d, // PASSWORD-ALGORITHM
  0x001e, // USERHASH
  0x0024, // PRIORITY
  0x0025 // USE-CANDIDATE
])

/** Binding requests answered per source IP address: a burst, then a steady rate (ICE sends a handful per gather). */
export const STUN_BURST_PER_IP = 20
export const STUN_PER_IP_PER_SECOND = 5

/** Answers per second in total, whatever the sources: spoofed source addresses cannot make the relay a flood. */
export const STUN_TOTAL_PER_SECOND = 2_000

/** Source addresses whose rate the responder remembers; past this the least recently seen is forgotten. */
export const STUN_MAX_TRACKED_SOURCES = 10_000
