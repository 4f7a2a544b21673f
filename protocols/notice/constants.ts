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
