import { MAX_FRAME_BYTES } from '../common/limits.ts'

/** Protocol id of catch-up; bump the version for any wire change. */
export const CATCH_UP_PROTOCOL = '/p2pchat/catchup/1.0.0'

/**
 * How far back catch-up reaches: a day covers a night offline or a lost afternoon of a laptop, the usual reasons to
 * miss a chat, while what every peer keeps for others stays small. Older messages are history, not catch-up.
 */
export const CATCH_UP_WINDOW_MS = 24 * 60 * 60 * 1000

/** Messages kept (and served) per conversation: a busy day of a lobby; bounds each answer too. */
export const MAX_MESSAGES_PER_CONVERSATION = 1000

/** Bytes of messages in one answer: 1,000 ordinary posts fit several times over, a flood of huge ones does not. */
export const MAX_RESPONSE_BYTES = 1024 * 1024

/** Largest frame of an answer: one gossip message (at most MAX_FRAME_BYTES) plus its envelope and the header. */
export const MAX_RESPONSE_FRAME_BYTES = MAX_FRAME_BYTES + 1024

/** Largest request: a topic and two numbers. */
export const MAX_REQUEST_BYTES = 1024

/** Longest topic a request may name: group topics are a prefix and a 64-character id. */
export const MAX_TOPIC_LENGTH = 128

/** Bytes a peer keeps for others in total (the lobby and its groups): a few MiB of memory at most. */
export const PEER_STORE_BYTES = 8 * 1024 * 1024

/** Conversations a peer keeps: the lobby and the groups it is in (far fewer in practice). */
export const PEER_STORE_CONVERSATIONS = 256

/** Bytes a relay keeps for its clients in total. */
export const RELAY_STORE_BYTES = 64 * 1024 * 1024

/** Conversations a relay keeps: the lobby and every group topic it may follow (MAX_FOLLOWED_GROUP_TOPICS, 900). */
export const RELAY_STORE_CONVERSATIONS = 1024

/** One request, answered in full, must finish within this. */
export const CATCH_UP_TIMEOUT_MS = 15_000

/**
 * Requests one peer may make: a burst of 6 (the lobby and a few groups after a reconnect), then one every 10 s.
 * More is refused with RATE_LIMITED, so a peer cannot make a responder re-send a day of chat in a loop.
 */
export const REQUESTS_PER_PEER_BURST = 6
export const REQUESTS_PER_PEER_PER_SECOND = 0.1

/** The same per IP address: PeerIds cost nothing, addresses do. */
export const REQUESTS_PER_IP_BURST = 24
export const REQUESTS_PER_IP_PER_SECOND = 0.5

/** Peers and addresses whose allowance is remembered (the least recently seen forgotten first). */
export const RATE_KEYS = 4096

/** Answers being served at once; more are refused with RATE_LIMITED rather than queued. */
export const MAX_CONCURRENT_ANSWERS = 8

/** Concurrent catch-up streams per connection, each way: the lobby and a few groups asked at once after a reconnect. */
export const MAX_INBOUND_STREAMS = 4
export const MAX_OUTBOUND_STREAMS = 4

/** What signing adds to one of our own posts (sender, seqno, topic, signature, tags): counted in the store up front. */
export const ENVELOPE_BYTES = 200

/** Room an answer frame keeps for its header (status, flags, reason) besides the messages. */
export const FRAME_HEADER_BYTES = 64
