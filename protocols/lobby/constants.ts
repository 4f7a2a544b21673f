/** Gossipsub topic of the lobby: versioned, so a future wire format gets a topic of its own. */
export const LOBBY_TOPIC = '/p2pchat/lobby/1.0.0'

/** Remembered (sender, id) pairs for dropping duplicates that gossipsub's own cache let through. */
export const SEEN_CACHE_SIZE = 4096

/**
 * Posts one sender may make in a burst, and how fast its allowance comes back (one a second): more than a person
 * types, far less than a script floods. Every receiver applies it in the topic validator, so an honest
 * peer never forwards what others would reject.
 */
export const LOBBY_POST_BURST = 20
export const LOBBY_POSTS_PER_SECOND = 1

/** Senders whose allowance is remembered; one forgotten starts with a full burst again. */
export const LOBBY_RATE_KEYS = 4096
