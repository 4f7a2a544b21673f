/** Protocol id of the direct group streams (invitations, log sync); bump the version for any wire change. */
export const GROUP_PROTOCOL = '/p2pchat/group/2.0.0'

/** Gossipsub topic on which members announce public groups. */
export const DIRECTORY_TOPIC = '/p2pchat/groups/1.0.0'

/** Prefix of each group's own gossipsub topic; the group id follows. */
export const GROUP_TOPIC_PREFIX = '/p2pchat/group/2.0.0/'

/** Longest group name, in characters: fits a sidebar or a line header. */
export const MAX_GROUP_NAME_LENGTH = 48

/** Longest group description, in characters: a tweet's worth. */
export const MAX_DESCRIPTION_LENGTH = 280

/**
 * Most members (joined plus invited) per group. Bounds the size of a key rotation (about 110 bytes per member, so
 * well under one gossip frame) and the cost of a rekey; the benchmark measures a rekey at this size.
 */
export const MAX_MEMBERS = 64

/**
 * Most entries in a membership log. Logs are replayed on load and sent whole to joiners; past this, membership
 * changes are refused rather than letting a busy public group grow without bound.
 */
export const MAX_LOG_ENTRIES = 4096

/**
 * Most parents of one entry (prev and merges): an author merges at most this many concurrent branches at once, and
 * the next entry merges the rest.
 */
export const MAX_PARENTS = 8

/** Rounds of the authorization fixpoint (docs/groups.md); real histories settle in two or three. */
export const MAX_RESOLVE_ROUNDS = 16

/** Largest encoded log entry: a key rotation for MAX_MEMBERS members is about 7 KiB. */
export const MAX_ENTRY_BYTES = 16 * 1024

/** Entries per LogChunk frame, so that a chunk of the largest entries still fits MAX_FRAME_BYTES... */
export const MAX_CHUNK_ENTRIES = 256

/** ...and the byte budget a sender fills a chunk up to. */
export const CHUNK_TARGET_BYTES = 48 * 1024

/** Most bytes a log transfer may take in total (the largest legal log of typical entries is ~2 MiB). */
export const MAX_LOG_TRANSFER_BYTES = 8 * 1024 * 1024

/**
 * Pending invitations kept at most. Each holds its group's log (up to MAX_LOG_TRANSFER_BYTES, typically a few KiB)
 * until it is answered, so there are few; inviters we share a group with win over strangers (invitations.ts).
 */
export const MAX_PENDING_INVITATIONS = 32

/** Of those, invitations signed by inviters we share no group with: PeerIds, and groups, cost nothing. */
export const MAX_STRANGER_INVITATIONS = 8

/** Pending invitations signed by one inviter. */
export const MAX_INVITATIONS_PER_INVITER = 4

/** An invitation not answered within this is dropped; its inviter delivers it again when we next meet. */
export const INVITATION_TTL_MS = 24 * 60 * 60 * 1000

/**
 * Signature checks spent on invitations, in log entries per second: per delivering peer, and once more for all
 * strangers together (a full log per minute each), with a burst of two full logs...
 */
export const INVITE_CHECKS_PER_SECOND = MAX_LOG_ENTRIES / 60
export const INVITE_CHECKS_BURST = 2 * MAX_LOG_ENTRIES

/** ...and each invitation costs at least this many, so that tiny logs cannot be sent without end. */
export const MIN_INVITE_COST = 256

/** One exchange on the group protocol (request, answer, log) must finish within this. */
export const GROUP_TIMEOUT_MS = 15_000

/** Concurrent inbound group streams per connection. */
export const MAX_INBOUND_STREAMS = 16

/** Concurrent outbound group streams per connection. */
export const MAX_OUTBOUND_STREAMS = 32

/** How often members announce a public group on the directory topic. */
export const ANNOUNCE_INTERVAL_MS = 30_000

/** A listed group not announced for this long is dropped: three missed rounds. */
export const LISTING_TTL_MS = 3 * ANNOUNCE_INTERVAL_MS

/** Upper bound on listed public groups, so a flood of fake announcements cannot exhaust memory. */
export const MAX_LISTED_GROUPS = 1000

/** Listed public groups created by one owner: a real person runs a few, a script thousands. */
export const MAX_LISTED_PER_OWNER = 4

/** Delay window for answering a newcomer on the directory topic, so that members do not all answer at once. */
export const ANNOUNCE_JITTER_MS = 500

/** Out-of-order entries kept while the missing ones are fetched. */
export const MAX_PENDING_ENTRIES = 64

/** Posts from senders whose join has not reached us yet, kept briefly in case it arrives. */
export const MAX_PENDING_POSTS = 64

/** How long such a post waits for its sender's join. */
export const PENDING_POST_TTL_MS = 10_000

/** Remembered (sender, id) pairs per group for dropping duplicate posts. */
export const SEEN_POSTS_SIZE = 4096

/** Least time between two syncs of the same group with the same peer, unless something asks for one. */
export const SYNC_INTERVAL_MS = 2_000

/** When a member leaves a private group, an admin (not the owner) rotates the key after this random delay... */
export const ADMIN_REKEY_DELAY_MS = 3_000

/** ...so that the owner, who rotates at once, usually wins and admins do not all rotate together. */
export const ADMIN_REKEY_JITTER_MS = 2_000

/**
 * With no owner or admin online, plain members rotate: the online member first in the rotation order after
 * 2 x ADMIN_REKEY_DELAY_MS, the next one this much later, and so on, each only if no rotation came meanwhile.
 */
export const MEMBER_REKEY_STEP_MS = 2_000

/** Least time between two syncs with one peer prompted by frames sealed with a key we lack. */
export const UNKNOWN_KEY_SYNC_INTERVAL_MS = 2_000

/** Syncs running at once across all groups and peers: what anything a peer sends can make us start. */
export const MAX_CONCURRENT_SYNCS = 8

/**
 * How often (±20%) a member syncs its groups with a random member online, whatever happened meanwhile: how long a
 * member that missed an entry and met nobody new may lag behind at most, for one of its first groups.
 */
export const ANTI_ENTROPY_INTERVAL_MS = 15_000

/** Groups synced per anti-entropy round (the next round takes the next ones): half of MAX_CONCURRENT_SYNCS. */
export const MAX_ANTI_ENTROPY_GROUPS = 4

/** Group keys older than the current one kept for posts still in flight after a rotation. */
export const MAX_OLD_KEYS = 16

/** Characters of the group id shown to users and accepted as a short reference. */
export const SHORT_ID_LENGTH = 6

/** Largest group protocol request: a kind, a group id and two entry ids fit many times over. */
export const MAX_REQUEST_BYTES = 1024

/** Longest refusal reason a group protocol answer carries: one sentence for the log, not a channel for text. */
export const MAX_REASON_LENGTH = 256

/** Largest group protocol answer: a status and a reason of at most MAX_REASON_LENGTH characters (UTF-8 and tags). */
export const MAX_RESPONSE_BYTES = 1024

/** What signing adds to an entry's body: the Ed25519 signature (64 bytes) and protobuf framing, with room to spare. */
export const SIGNED_ENTRY_OVERHEAD_BYTES = 128

/**
 * Our own posts that went out to nobody (no member was on the group's topic for us yet), kept to be published once
 * more when a member appears there: at most this many in all, the oldest dropped first...
 */
export const MAX_UNHEARD_POSTS = 64

/** ...and at most this many bytes of them in all (64 posts of the longest text with their envelope fit)... */
export const MAX_UNHEARD_BYTES = 512 * 1024

/** ...and for at most this long; later, only catch-up brings them. */
export const UNHEARD_TTL_MS = 10 * 60 * 1000
