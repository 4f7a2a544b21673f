import { MAX_FRAME_BYTES } from '../common/limits.ts'

/** Protocol id of presence sync; bump the version for any wire change. */
export const PRESENCE_SYNC_PROTOCOL = '/p2pchat/presence-sync/1.0.0'

/** Most announcements one answer carries: a full directory (the presence directory holds at most 10,000). */
export const MAX_SYNC_ENTRIES = 10_000

/**
 * Most bytes of one answer a peer reads: a full directory of typical announcements (about 300 bytes each) fits in
 * 3 MiB; a peer filling every entry to its limit must not make us hold 80 MiB.
 */
export const MAX_SYNC_BYTES = 8 * 1024 * 1024

/** Largest frame either way: a request, or one page of the answer. */
export const MAX_PAGE_BYTES = MAX_FRAME_BYTES

/** Most entries in one page (an announcement is rarely under 100 bytes). */
export const MAX_PAGE_ENTRIES = 1024

/** Longest signed presence message we pass on or take: a name and 16 addresses of 256 bytes fit well within. */
export const MAX_SIGNED_DATA_BYTES = 8 * 1024

/** Longest PeerId (multihash) and signature accepted: an Ed25519 identity is 38 bytes, its signature 64. */
export const MAX_FROM_BYTES = 128
export const MAX_SIGNATURE_BYTES = 128

/** Bytes a page spends on an entry besides its from, data and signature (tags, lengths, seqno, age), rounded up. */
export const ENTRY_OVERHEAD_BYTES = 48

/** One sync, request to last page, must finish within this: a stalled peer cannot pin a stream. */
export const SYNC_TIMEOUT_MS = 20_000

/** Answers in progress at once, whoever asks; more wait for a later sync (heartbeats still bring everyone). */
export const MAX_CONCURRENT_SYNCS = 8

/** Syncs per requesting PeerId: a few (a reconnect or two), then one every 30 s. */
export const SYNC_BURST_PER_PEER = 3
export const SYNCS_PER_SECOND_PER_PEER = 1 / 30

/** Syncs per IP address, whatever the PeerIds: a crowd behind one NAT starting at once, then two a second. */
export const SYNC_BURST_PER_IP = 64
export const SYNCS_PER_SECOND_PER_IP = 2

/** Rate-limit buckets kept per kind; the least recently used go first, so fresh PeerIds cannot grow memory. */
export const MAX_SYNC_BUCKETS = 10_000
