import { MAX_FRAME_BYTES } from '../common/limits.ts'

/** Protocol id of direct messages; bump the version for any wire change. */
export const DM_PROTOCOL = '/p2pchat/dm/2.0.0'

/**
 * One DM (opening the stream if needed, sending, the ack) must finish within this, and a new stream must
 * bring its first DM within it: a stalled peer cannot pin a stream.
 */
export const DM_TIMEOUT_MS = 10_000

/** Concurrent inbound DM streams per connection: a chatty or hostile peer cannot open thousands. */
export const MAX_INBOUND_STREAMS = 32

/** Concurrent outbound DM streams per connection. */
export const MAX_OUTBOUND_STREAMS = 64

/**
 * A sender closes its DM stream to a peer after this long with nothing in flight: long enough that a
 * conversation reuses one stream, short enough that idle streams do not pile up.
 */
export const DM_IDLE_CLOSE_MS = 30_000

/** A receiver lets go of a DM stream silent for this long; twice the sender's idle close, so senders close first. */
export const DM_IDLE_TIMEOUT_MS = 60_000

/**
 * Most bytes of DM frames a sender may have unacknowledged on one stream (about 15 full-size DMs). The receiver
 * answers that much at once (its session writes shared) and reads no further until acks go out, so it holds at
 * most this plus one frame of MAX_FRAME_BYTES per stream.
 */
export const MAX_UNACKED_BYTES = MAX_FRAME_BYTES

/**
 * Largest sealed DM: a DmContent of at most MAX_TEXT_BYTES text plus names and ids, padded, sealed, with PQXDH's
 * first-message fields (about 1.2 KB): far below a frame, and what a relay mailbox takes too.
 */
export const MAX_SEALED_BYTES = 16 * 1024

/** Most DM ids one receipt acknowledges. */
export const MAX_RECEIPT_IDS = 256
