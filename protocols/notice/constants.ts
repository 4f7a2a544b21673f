import { MAX_FRAME_BYTES } from '../common/limits.ts'

/** Gossipsub topic on which relays publish notices to everyone (announcements, ban lists, departures). */
export const NOTICE_TOPIC = '/p2pchat/relay-notices/1.0.0'

/** Stream protocol for a notice meant for one peer (an admin's message, the message of the day). */
export const NOTICE_PROTOCOL = '/p2pchat/notice/1.0.0'

/** Largest notice: it travels as a gossip message, so the gossip limit applies. */
export const MAX_NOTICE_BYTES = MAX_FRAME_BYTES

/** Most bans a relay keeps: the whole list must fit in one notice (a banned PeerId takes about 40 bytes). */
export const MAX_BANS = 1000

/** Longest reason or notice text, in UTF-8 bytes: same as a chat message. */
export const MAX_NOTICE_TEXT_BYTES = 4096

/** Longest shutdown delay a notice may announce (one hour). */
export const MAX_SHUTDOWN_SECONDS = 3600

/** Delivering one direct notice must finish within this. */
export const NOTICE_TIMEOUT_MS = 5_000

/**
 * Oldest notice accepted from gossip, by its timestamp. Gossipsub forgets a message id after two minutes, after
 * which anyone could replay a relay's signed `departed`, `kicked` or `shutdown` and make clients act on it again;
 * past this age a notice is stale. A relay's clock may lag ours by at most this much.
 */
export const MAX_NOTICE_AGE_MS = 2 * 60 * 1000

/** Notices remembered per sender within MAX_NOTICE_AGE_MS, to drop replays the age check alone lets through. */
export const MAX_SEEN_NOTICES_PER_SENDER = 256

/** Senders whose recent notices are remembered (the relays a client uses, plus whoever else publishes). */
export const MAX_NOTICE_SENDERS = 64
