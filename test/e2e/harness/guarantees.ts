/**
 * The delivery guarantees of the README, checked over what every peer printed (its `--json` events, all runs of it
 * across restarts), how each of its processes ended and what /proc said about it while it ran. Pure: no processes,
 * no I/O, so unit tests can feed it streams that break each rule.
 */

/** A JSON event as the checker reads it: a type, and fields looked up by name. */
export interface CheckedEvent {
  readonly type: string
}

/** Field `key` of an event, whatever its shape. */
function field(e: CheckedEvent, key: string): unknown {
  const value: unknown = Reflect.get(e, key)
  return value
}

/** How one process of a peer ended, and whether the test meant it to (a kill, a /quit). */
export interface ProcessExit {
  code: number | null
  signal: string | null
  expected: boolean
}

/** One look at a running process in /proc. */
export interface ResourceSample {
  at: number
  rssBytes: number
  fds: number
}

/** Everything one peer showed, over all its runs. */
export interface PeerLog {
  name: string
  peerId: string
  events: CheckedEvent[]
  exits: ProcessExit[]
  samples: ResourceSample[]
}

/** Who must see what: peers online throughout a scenario, for the lobby and for each group id. */
export interface Audience {
  /** names of peers that must see every lobby message of the others; default: every peer */
  lobby?: string[]
  /** group id -> names of members that must see every post of the others */
  groups?: Record<string, string[]>
}

export interface ResourceLimits {
  /** highest RSS any process may reach */
  maxRssBytes: number
  /** most open descriptors a process may gain between the first and the last third of its samples */
  maxFdGrowth: number
  /** most RSS a process may gain between the first and the last third of its samples */
  maxRssGrowthBytes: number
}

export interface CheckInit {
  peers: PeerLog[]
  audience?: Audience
  limits?: ResourceLimits
  /**
   * Offline delivery: every DM must reach its recipient once the network heals, but one that an error naming it
   * (`id`) ended, such as NO_PREKEYS; DELIVERY_FAILED and MAILBOX_FULL say it waits in the outbox. Lobby and group
   * messages are owed even when their sender was told nobody heard them (`recipients: 0`), or sent during a fault:
   * catch-up brings them. Off, a DM is owed only once `delivered`, and neither of those broadcasts is.
   */
  offlineDelivery?: boolean
  /**
   * Lobby and group messages sent while the network was cut (a relay down, a partition), for a check without
   * offline delivery: then nobody owes them, since the audience was unreachable when they were sent.
   */
  sentDuringFault?: ReadonlySet<string>
  /**
   * Group id -> names of members that must agree on the group's state: each one's last `members` answer for the
   * group lists the same members and invitees with the same roles, the same `epoch` and the same `keyId`.
   */
  converged?: Record<string, string[]>
}

export type Rule =
  | 'dm-exactly-once'
  | 'broadcast-exactly-once'
  | 'no-duplicates'
  | 'per-sender-order'
  | 'no-crash'
  | 'bounded-rss'
  | 'flat-resources'
  | 'group-converged'

export interface Violation {
  rule: Rule
  peer: string
  detail: string
}

/** Counts for the chaos table: messages sent, and deliveries owed (one per message and recipient). */
export interface Tally {
  sent: number
  /** deliveries the guarantees require */
  owed: number
  deliveredOnce: number
  duplicates: number
  lost: number
  /** DMs the sender was told failed (no acknowledgement) and the recipient never showed; posts nobody heard */
  reportedFailed: number
  peakRssBytes: number
}

export interface CheckResult {
  violations: Violation[]
  tally: Tally
}

interface Sent {
  id: string
  scope: string
  sender: PeerLog
  to?: string
  group?: string
  text: string
  /** lobby and groups: how many peers the sender handed it to; 0 tells the sender that nobody heard it */
  recipients?: number
  index: number
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const peerOf = (v: unknown): string => (v != null && typeof v === 'object' && 'peerId' in v ? str(v.peerId) : '')
const groupOf = (v: unknown): string => (v != null && typeof v === 'object' && 'id' in v ? str(v.id) : '')

/** Every message each peer sent, in its send order. */
function sentMessages(peers: PeerLog[]): Sent[] {
  const out: Sent[] = []
  for (const sender of peers) {
    let index = 0
    for (const e of sender.events) {
      if (e.type === 'sent') {
        out.push({
          id: str(field(e, 'id')),
          scope: str(field(e, 'scope')),
          sender,
          to: peerOf(field(e, 'to')) || undefined,
          group: groupOf(field(e, 'group')) || undefined,
          text: str(field(e, 'text')),
          recipients: typeof field(e, 'recipients') === 'number' ? Number(field(e, 'recipients')) : undefined,
          index: index++
        })
      }
    }
  }
  return out
}

/** How many times each message id was shown on one peer. */
function shownCounts(peer: PeerLog): Map<string, number> {
  const counts = new Map<string, number>()
  for (const e of peer.events) {
    if (e.type === 'message') {
      counts.set(str(field(e, 'id')), (counts.get(str(field(e, 'id'))) ?? 0) + 1)
    }
  }
  return counts
}

/** Checks every rule; the tally counts what the table shows. */
export function checkGuarantees(init: CheckInit): CheckResult {
  const violations: Violation[] = []
  const tally: Tally = {
    sent: 0,
    owed: 0,
    deliveredOnce: 0,
    duplicates: 0,
    lost: 0,
    reportedFailed: 0,
    peakRssBytes: 0
  }
  const shown = new Map(init.peers.map((p) => [p, shownCounts(p)]))
  const byId = new Map(init.peers.map((p) => [p.peerId, p]))
  const byName = new Map(init.peers.map((p) => [p.name, p]))
  const audienceOf = (names: string[] | undefined): PeerLog[] =>
    names == null ? init.peers : names.flatMap((n) => byName.get(n) ?? [])
  const sent = sentMessages(init.peers)
  tally.sent = sent.length
  for (const m of sent) {
    const owedTo = recipientsOwed(m, init, byId, audienceOf)
    for (const r of owedTo) {
      tally.owed++
      const count = shown.get(r)?.get(m.id) ?? 0
      if (count === 1) {
        tally.deliveredOnce++
      } else if (count === 0) {
        tally.lost++
        const rule = m.scope === 'dm' ? 'dm-exactly-once' : 'broadcast-exactly-once'
        violations.push({
          rule,
          peer: r.name,
          detail: `${m.scope} ${m.id} from ${m.sender.name} never shown: "${m.text}" (recipients ${m.recipients ?? '-'})`
        })
      }
    }
    if (m.scope !== 'dm' && m.recipients === 0) {
      tally.reportedFailed++
    }
    if (m.scope === 'dm' && owedTo.length === 0) {
      const r = m.to == null ? undefined : byId.get(m.to)
      if (r != null && (shown.get(r)?.get(m.id) ?? 0) === 0) {
        tally.reportedFailed++
      }
    }
  }
  for (const [peer, counts] of shown) {
    for (const [id, count] of counts) {
      if (count > 1) {
        tally.duplicates += count - 1
        violations.push({ rule: 'no-duplicates', peer: peer.name, detail: `message ${id} shown ${count} times` })
      }
    }
  }
  violations.push(...orderViolations(init.peers, sent))
  violations.push(...processViolations(init.peers, init.limits))
  violations.push(...convergenceViolations(init.peers, init.converged ?? {}))
  tally.peakRssBytes = Math.max(0, ...init.peers.flatMap((p) => p.samples.map((s) => s.rssBytes)))
  return { violations, tally }
}

/** Error codes about a DM that say it still waits for its recipient (in the outbox): they end nothing. */
const DM_WAITS = new Set(['DELIVERY_FAILED', 'MAILBOX_FULL'])

/** Who must show message `m` exactly once. */
function recipientsOwed(
  m: Sent,
  init: CheckInit,
  byId: Map<string, PeerLog>,
  audienceOf: (names: string[] | undefined) => PeerLog[]
): PeerLog[] {
  if (m.scope === 'dm') {
    const r = m.to == null ? undefined : byId.get(m.to)
    if (r == null) {
      return []
    }
    const acknowledged = m.sender.events.some((e) => e.type === 'delivered' && str(field(e, 'id')) === m.id)
    // with offline delivery, every DM is owed but one that an error naming it ended (the sender was told)
    const ended = m.sender.events.some(
      (e) => e.type === 'error' && str(field(e, 'id')) === m.id && !DM_WAITS.has(str(field(e, 'code')))
    )
    return acknowledged || (init.offlineDelivery === true && !ended) ? [r] : []
  }
  // the sender was told that nobody heard it (no peer on the topic): like a DM that failed, it is not owed
  if (m.recipients === 0 && init.offlineDelivery !== true) {
    return []
  }
  if (init.sentDuringFault?.has(m.id) === true && init.offlineDelivery !== true) {
    return []
  }
  const names = m.scope === 'group' ? (init.audience?.groups?.[m.group ?? ''] ?? []) : init.audience?.lobby
  const audience = m.scope === 'group' && names?.length === 0 ? [] : audienceOf(names)
  return audience.filter((p) => p !== m.sender)
}

/**
 * At every peer, each sender's lobby and group messages appear in the order they were sent, among those that came
 * live, as the README promises. A post fetched by catch-up (`catchUp: true`) came late on purpose and is placed by
 * its timestamp. DMs are promised exactly once, not in order: one that waits in the outbox or is sent again after a
 * failed try may arrive after later ones that went straight through.
 */
function orderViolations(peers: PeerLog[], sent: Sent[]): Violation[] {
  const out: Violation[] = []
  const index = new Map(sent.map((m) => [m.id, m]))
  for (const peer of peers) {
    const last = new Map<string, Sent>()
    for (const e of peer.events) {
      const m = e.type === 'message' ? index.get(str(field(e, 'id'))) : undefined
      if (m == null || m.scope === 'dm' || field(e, 'catchUp') === true) {
        continue
      }
      const key = `${m.sender.peerId}|${m.scope}|${m.group ?? m.to ?? ''}`
      const before = last.get(key)
      if (before != null && before.index > m.index) {
        out.push({
          rule: 'per-sender-order',
          peer: peer.name,
          detail: `${m.sender.name}'s ${m.scope} ${m.id} (#${m.index}) shown after #${before.index}`
        })
      }
      if (before == null || m.index > before.index) {
        last.set(key, m)
      }
    }
  }
  return out
}

/** One peer's view of a group, from its last `members` answer: members with roles, epoch and key id. */
function groupView(peer: PeerLog, groupId: string): string | undefined {
  const answer = peer.events.findLast((e) => e.type === 'members' && groupOf(field(e, 'group')) === groupId)
  if (answer == null) {
    return undefined
  }
  const list = field(answer, 'members')
  const members = (Array.isArray(list) ? list : [])
    .map((m: unknown) => `${peerOf(m)}=${m != null && typeof m === 'object' && 'role' in m ? str(m.role) : ''}`)
    .sort()
  return `members ${members.join(' ')}; epoch ${String(field(answer, 'epoch'))}; key ${str(field(answer, 'keyId'))}`
}

/** Every named member's last view of each group is the same. */
function convergenceViolations(peers: PeerLog[], converged: Record<string, string[]>): Violation[] {
  const out: Violation[] = []
  for (const [groupId, names] of Object.entries(converged)) {
    let first: { name: string; view: string } | undefined
    for (const name of names) {
      const peer = peers.find((p) => p.name === name)
      const view = peer == null ? undefined : groupView(peer, groupId)
      if (view == null) {
        out.push({ rule: 'group-converged', peer: name, detail: `no members answer for group ${groupId}` })
      } else if (first == null) {
        first = { name, view }
      } else if (view !== first.view) {
        out.push({
          rule: 'group-converged',
          peer: name,
          detail: `group ${groupId}: ${view}; but ${first.name} has ${first.view}`
        })
      }
    }
  }
  return out
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]
}

/** No unexpected exits; RSS under the cap; descriptors and RSS flat from the first third of the run to the last. */
function processViolations(peers: PeerLog[], limits: ResourceLimits | undefined): Violation[] {
  const out: Violation[] = []
  for (const peer of peers) {
    for (const exit of peer.exits) {
      if (!exit.expected) {
        out.push({ rule: 'no-crash', peer: peer.name, detail: `exited unexpectedly (${exit.signal ?? exit.code})` })
      }
    }
    if (limits == null || peer.samples.length === 0) {
      continue
    }
    const peak = Math.max(...peer.samples.map((s) => s.rssBytes))
    if (peak > limits.maxRssBytes) {
      out.push({
        rule: 'bounded-rss',
        peer: peer.name,
        detail: `RSS reached ${mb(peak)}, cap ${mb(limits.maxRssBytes)}`
      })
    }
    const third = Math.floor(peer.samples.length / 3)
    if (third === 0) {
      continue
    }
    const first = peer.samples.slice(0, third)
    const lastThird = peer.samples.slice(-third)
    const fdGrowth = median(lastThird.map((s) => s.fds)) - median(first.map((s) => s.fds))
    if (fdGrowth > limits.maxFdGrowth) {
      out.push({ rule: 'flat-resources', peer: peer.name, detail: `open descriptors grew by ${fdGrowth}` })
    }
    const rssGrowth = median(lastThird.map((s) => s.rssBytes)) - median(first.map((s) => s.rssBytes))
    if (rssGrowth > limits.maxRssGrowthBytes) {
      out.push({ rule: 'flat-resources', peer: peer.name, detail: `RSS grew by ${mb(rssGrowth)}` })
    }
  }
  return out
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
