/** Largest chat text, in UTF-8 bytes: about a screenful, and small enough that one frame never strains a mesh. */
export const MAX_TEXT_BYTES = 4096

/** Largest encoded frame or gossip payload we accept: text plus generous room for the envelope. */
export const MAX_FRAME_BYTES = 64 * 1024

/** Message ids are random UUIDs; anything longer is not ours. */
export const MAX_ID_LENGTH = 64

/** How far a sender's clock may run ahead of ours before its timestamp is refused (ms). */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000
