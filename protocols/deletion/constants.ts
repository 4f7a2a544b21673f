/** Gossipsub topic of account deletion notices; versioned, so a new format gets a topic of its own. */
export const DELETION_TOPIC = '/p2pchat/deletion/1.0.0'

/** A notice is a timestamp and little else: anything bigger is not one. */
export const MAX_NOTICE_BYTES = 64

/**
 * Receivers act on a notice only this long after it was sent. Gossip reaches everyone online within seconds;
 * the window bounds how long a captured notice could be replayed against an identity restored from a backup.
 */
export const MAX_NOTICE_AGE_MS = 10 * 60 * 1000

/** Time for the notice to reach the wire before the destroying peer closes its connections. */
export const NOTICE_FLUSH_MS = 300

/** Remembered notices already handled, so gossip duplicates are not handled twice. */
export const SEEN_NOTICES = 1024

/** How long announcing may take beyond the wait for peers: publishing and flushing, on a loaded machine. */
export const ANNOUNCE_SLACK_MS = 10_000

/** How often a destroying peer looks for someone subscribed to tell, while it waits for peers. */
export const PEER_POLL_INTERVAL_MS = 100
