/** Timeouts and limits of the core that belong to no single protocol. */

/**
 * How long one dial of a known peer (bootstrap, group member, a peer blocked and unblocked) may take: a TCP
 * connect plus the noise and yamux handshakes finish in well under a second on a LAN, a relayed one in a few.
 */
export const DIAL_TIMEOUT_MS = 10_000

/** How long reaching a relay and reserving a slot on it may take before the attempt counts as failed. */
export const RELAY_CONNECT_TIMEOUT_MS = 15_000

/** How often mDNS asks the LAN who is there: new peers appear within this, at one small multicast per period. */
export const MDNS_INTERVAL_MS = 10_000

/**
 * How long the peer that does not dial first (see dialsFirst) waits for the other's connection after discovering it,
 * before it dials itself: two LAN peers find each other within milliseconds, and a connection on a loaded machine
 * took up to about 350 ms to open; a peer that missed our mDNS answer is reached this much later.
 */
export const DISCOVERY_YIELD_MS = 1000

/**
 * Discovered peers held at once, waiting for libp2p to finish starting or for the other side's dial: more than a LAN
 * has; past it a discovery is dropped (mDNS announces again within MDNS_INTERVAL_MS) or dialed at once.
 */
export const MAX_DISCOVERIES_WAITING = 256

/**
 * Connections below which we dial peers we only heard of (presence lists them, with their direct addresses), not
 * found on the LAN: enough neighbours that gossip reaches us by several paths and that their introduction budgets
 * (64 identities each, MAX_FORWARDED_IDENTITIES_PER_PEER) cover a crowd of hundreds; dialing all of them made a full
 * mesh, whose pings and keep-alives cost every peer in proportion to the crowd.
 */
export const MIN_NEIGHBOURS = 8

/**
 * A public group's listing can arrive before any of its announcers' presence does (both travel by gossip, through a
 * relay often by different paths): `/join` waits this long for one of them to be reachable before it gives up.
 */
export const JOIN_PRESENCE_WAIT_MS = 10_000

/**
 * Largest window a stream grants its sender: yamux's initial window, so it never grows (yamux's default lets it
 * grow to 16 MiB). Every byte of a window can sit queued in front of a chat message on the same connection: on a
 * 1 Mbit/s link a file transfer with the default window kept DMs from arriving for over 30 s, and with 1 MiB for
 * over 10 s; with 256 KiB they arrive within a few seconds. The cost: one stream moves at most 256 KiB per round
 * trip (2.5 MB/s at 100 ms, no limit worth the name on a LAN).
 */
export const MAX_STREAM_WINDOW_BYTES = 256 * 1024

/**
 * Least time a keep-alive ping of a connection may take before libp2p's connection monitor closes it (its default
 * is 5 s; it pings every connection every 10 s). A relay serving 50 clients on a loaded machine answered later than
 * that often enough that every client lost its relay connection about once a minute, and the announcements it made
 * while reconnecting reached nobody: users dropped out of everyone's list. A dead relay is still noticed within 25 s.
 */
export const PING_MIN_TIMEOUT_MS = 15_000

/**
 * Ping streams open at once on one connection, each way: with PING_MIN_TIMEOUT_MS over the 10 s interval two of the
 * monitor's pings overlap, and ping's own limit (1 out, 2 in) made the second fail, which closed the connection.
 */
export const MAX_PING_STREAMS = 4
