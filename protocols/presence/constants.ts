/** Gossipsub topic that carries join, alive and leave announcements. */
export const PRESENCE_TOPIC = '/p2pchat/presence/1.0.0'

/** How often a peer says it is still here. */
export const HEARTBEAT_INTERVAL_MS = 10_000

/** A peer silent this long is gone: three missed heartbeats, so one lost gossip message does not drop anyone. */
export const PRESENCE_TTL_MS = 30_000

/**
 * How often a peer that holds a relay slot says it is still here. Its relay sees its connection close and announces
 * the departure (to every relay's clients, see `Directory.relaysOf`), so its heartbeats need not reach every client every
 * HEARTBEAT_INTERVAL_MS: at 10,000 clients on one relay each such broadcast costs the relay about half a second of CPU.
 * It still announces within a heartbeat when its addresses or its lobby tail change.
 */
export const RELAYED_HEARTBEAT_INTERVAL_MS = 120_000

/**
 * Crowd up to which a peer without a relay slot (on a LAN) keeps HEARTBEAT_INTERVAL_MS; in a larger one its interval
 * grows in proportion (`lanHeartbeatIntervalMs`), so each peer receives about this many heartbeats per
 * HEARTBEAT_INTERVAL_MS (2 a second) whatever the crowd.
 */
export const LAN_CROWD_PER_HEARTBEAT = 20

/**
 * How far a LAN peer's interval may stretch, in base intervals: 200 s from 400 peers on. With three intervals of
 * lifetime, a crashed LAN peer that nobody holds a connection with stays listed up to 10 minutes (MAX_LIFETIME_MS).
 */
export const MAX_HEARTBEAT_STRETCH = 20

/** The lifetime a peer with a relay slot announces: three of its heartbeats, as PRESENCE_TTL_MS is three of ours. */
export const RELAYED_LIFETIME_MS = 3 * RELAYED_HEARTBEAT_INTERVAL_MS

/** The longest lifetime receivers grant an announcement, whatever it asks: a peer gone unnoticed is listed no longer. */
export const MAX_LIFETIME_MS = 10 * 60_000

/** Most dial addresses we keep per announcement; real peers have a handful. */
export const MAX_ANNOUNCED_ADDRS = 16

/** Longest binary multiaddr we accept in an announcement. */
export const MAX_ADDR_BYTES = 256

/** Upper bound on remembered peers, so a flood of fake identities cannot exhaust memory. */
export const MAX_DIRECTORY_SIZE = 10_000

/**
 * Peers expected to answer a newcomer. With up to this many in our directory we always answer; with more, each
 * answers with probability REPLY_FANOUT / known, so a join costs the network about this many announcements whatever
 * its size (everyone answering cost every peer one message per peer per join). The newcomer gets the rest by presence
 * sync from its neighbours (synced.ts), or at their next heartbeat.
 */
export const REPLY_FANOUT = 8

/**
 * Newcomers are answered at most once per this window: the first at once (a peer found on the LAN lists us as soon as
 * it connects), later ones together at the window's end, so a crowd joining at once costs each peer at most two
 * announcements per window instead of one per newcomer.
 */
export const REPLY_WINDOW_MS = 300

/**
 * Subscribers whose immediate answer went out before our gossip stream to them was open, remembered so that their
 * own join is answered at once rather than at the window's end. Each costs one extra announcement at most, and only
 * a paced answer can add one.
 */
export const MAX_MISSED_ANSWERS = 64

/** Time for a queued LEAVE to reach the wire before our connections close. */
export const LEAVE_FLUSH_MS = 150

/**
 * Identities one connection may bring into our directory by forwarding other peers' announcements, until we hear
 * them from their own connections. Honest neighbours forward the few peers we have not met yet; keys are free, so
 * without a budget one connection filled every directory with made-up users.
 */
export const MAX_FORWARDED_IDENTITIES_PER_PEER = 64

/** The same budget for all connections from one IP address together, so fresh PeerIds do not multiply it. */
export const MAX_FORWARDED_IDENTITIES_PER_IP = 128

/**
 * Over-budget announcements one connection may send within REFUSAL_WINDOW_MS before we close it. Each costs a
 * signature check before any budget can be applied; an honest neighbour forwards each identity twice a heartbeat,
 * so it stays far below this unless it knows hundreds of peers we cannot reach.
 */
export const MAX_REFUSED_PER_WINDOW = 256

/** The window for MAX_REFUSED_PER_WINDOW: one heartbeat. */
export const REFUSAL_WINDOW_MS = 10_000

/**
 * Neighbours other than our relays asked for their directory when they appear, per session: the first few are
 * enough for a newcomer to list the peers around it at once, and gossip brings the rest.
 */
export const SYNC_NEIGHBOURS = 2

/**
 * Neighbours other than our relays asked at most, when the first ones' answers were cut by their introduction budget
 * (MAX_FORWARDED_IDENTITIES_PER_PEER each): 8 may introduce 512 identities, a LAN crowd that would otherwise only be
 * listed as its heartbeats come (minutes apart in a crowd of hundreds, see LAN_CROWD_PER_HEARTBEAT).
 */
export const MAX_SYNC_NEIGHBOURS = 8

/**
 * Entries of one sync from a neighbour other than our relays that we check at all: its budget lets it introduce
 * MAX_FORWARDED_IDENTITIES_PER_PEER identities, and the rest are updates of peers we know, which gossip brings anyway.
 */
export const MAX_UNTRUSTED_SYNC_ENTRIES = 256

/**
 * Authors remembered at most whose announcement we ignored because the neighbour that brought it first was over its
 * introduction budget (gossipsub then drops every other neighbour's copy as a duplicate): a bound on what forged
 * announcements can make us keep.
 */
export const MAX_MISSED_AUTHORS = 1024

/** Wait after the first such miss before asking another neighbour, so that one sync covers a burst of them. */
export const REFILL_DELAY_MS = 500

/** At most one such sync this often: a neighbour flooding us with identities cannot make us sync without end. */
export const REFILL_INTERVAL_MS = 2_000

/** Syncs a missed author is looked for in before it is left to its next heartbeat. */
export const MAX_REFILL_ATTEMPTS = 3
