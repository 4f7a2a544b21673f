/** Gossipsub topic of the lobby: versioned, so a future wire format gets a topic of its own. */
export const LOBBY_TOPIC = '/p2pchat/lobby/1.0.0'

/** Remembered (sender, id) pairs for dropping duplicates that gossipsub's own cache let through. */
export const SEEN_CACHE_SIZE = 4096
