/** Protocol id of direct messages; bump the version for any wire change. */
export const DM_PROTOCOL = '/p2pchat/dm/1.0.0'

/** One DM exchange (open, send, ack) must finish within this; a stalled peer cannot pin a stream. */
export const DM_TIMEOUT_MS = 10_000

/** Concurrent inbound DM streams per connection: a chatty or hostile peer cannot open thousands. */
export const MAX_INBOUND_STREAMS = 32

/** Concurrent outbound DM streams per connection. */
export const MAX_OUTBOUND_STREAMS = 64
