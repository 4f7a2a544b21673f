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

/**
 * Our own posts that went out to nobody (no lobby subscriber was reachable), kept to be published once more when one
 * appears: at most this many, the oldest dropped first...
 */
export const MAX_UNHEARD_LOBBY_POSTS = 64

/** ...and at most this many bytes of them in all (64 posts of the longest text with their envelope fit)... */
export const MAX_UNHEARD_LOBBY_BYTES = 320 * 1024

/** ...and for at most this long; later, only catch-up brings them. */
export const UNHEARD_LOBBY_TTL_MS = 10 * 60 * 1000

/**
 * How far back our posts are owed again when a relay connection is lost: a hung relay is given up on after at most
 * one ping interval (10 s) and a ping's timeout (15 s, node/constants.ts), and what we handed it meanwhile is lost.
 */
export const RELAY_LOSS_WINDOW_MS = 30_000

/** How soon owed posts are tried again when a subscriber is there but publishing reached nobody (no stream yet). */
export const UNHEARD_LOBBY_RETRY_MS = 2000

/**
 * A kept post that reached someone at last is sent once more this much later (or earlier, before a newer post): a
 * relay that just came back may have handed it on before peers reconnecting to it at the same time could take it.
 */
export const UNHEARD_LOBBY_ECHO_MS = 5000
