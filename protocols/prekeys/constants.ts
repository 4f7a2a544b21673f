import { MAX_BUNDLE_BYTES, MAX_PUBLISHED_BYTES } from '../session/index.ts'

/** Protocol id of prekey exchange; bump the version for any wire change. */
export const PREKEYS_PROTOCOL = '/p2pchat/prekeys/1.0.0'

/** Largest request frame: one published prekey set and the request's other fields. */
export const MAX_REQUEST_BYTES = MAX_PUBLISHED_BYTES + 1024

/** Largest response frame: one bundle and a short message. */
export const MAX_RESPONSE_BYTES = MAX_BUNDLE_BYTES + 1024

/** Longest a PeerId may be as bytes (an identity-multihash Ed25519 id is 38). */
export const MAX_PEER_ID_BYTES = 128

/** One request and its answer must finish within this: a stalled peer cannot pin a stream. */
export const PREKEYS_TIMEOUT_MS = 10_000

/** Concurrent prekey streams per connection. */
export const MAX_INBOUND_STREAMS = 4

/** Longest reason text a response carries. */
export const MAX_MESSAGE_LENGTH = 256

/**
 * Published prekey sets a relay holds in all: one per client, each at most MAX_PUBLISHED_BYTES, so at most
 * about 640 MiB in the worst case and some 30 MiB for a typical set; new publishers are refused beyond it.
 */
export const MAX_HELD = 10_000

/** Published sets the clients of one IP address may have held at once: a household, not a PeerId factory. */
export const MAX_HELD_PER_IP = 16

/** Requests of any kind per requester: a burst, then a steady rate (per second). */
export const REQUEST_BURST = 30
export const REQUESTS_PER_SECOND = 0.5

/**
 * Requests of any kind per IP address, whatever the PeerIds: a publication costs some 40 signature checks, so fresh
 * PeerIds from one address must not each bring a fresh allowance. Room for a household behind one NAT.
 */
export const IP_REQUEST_BURST = 120
export const IP_REQUESTS_PER_SECOND = 2

/**
 * One-time prekeys handed to one requester: a few, then one every five minutes. A requester over it still gets
 * a bundle, with the last-resort KEM prekey and no one-time prekey: it can start a session, it cannot drain keys.
 */
export const ONE_TIME_BURST_PER_REQUESTER = 3
export const ONE_TIME_PER_SECOND_PER_REQUESTER = 1 / 300

/**
 * One-time prekeys of one account handed out in all, whoever asks: a flood of fresh PeerIds drains at most this
 * many (10, then one a minute), and the owner replenishes far faster when sessions really start.
 */
export const ONE_TIME_BURST_PER_TARGET = 10
export const ONE_TIME_PER_SECOND_PER_TARGET = 1 / 60

/** Rate-limit buckets kept per kind; the least recently used go first, so fresh PeerIds cannot grow memory. */
export const MAX_BUCKETS = 20_000
