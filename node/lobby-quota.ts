/**
 * How many lobby messages are kept. Anyone can post to the lobby and PeerIds cost nothing, so what every peer
 * stores of it is bounded per sender and in total, whatever the retention policy says. Past the total, messages
 * of strangers go first (oldest first), then those of peers the node knows.
 */
export interface LobbyQuota {
  /** lobby messages kept per sender; the oldest go first */
  perSender: number
  /** lobby messages kept in all */
  total: number
  /** whether the node knows a sender (shares a group with it): its messages are kept longest */
  known: (peerId: string) => boolean
}

/** Lobby messages kept per sender unless configured otherwise: days of lively chat from one person. */
export const MAX_STORED_LOBBY_PER_SENDER = 1000

/** Lobby messages kept in all unless configured otherwise (a few MiB). */
export const MAX_STORED_LOBBY = 20_000

/** A purge for the quota waits until a count is this fraction over its cap, so one purge trims a batch. */
export const QUOTA_SLACK_FRACTION = 0.1

export const DEFAULT_LOBBY_QUOTA: LobbyQuota = {
  perSender: MAX_STORED_LOBBY_PER_SENDER,
  total: MAX_STORED_LOBBY,
  known: () => false
}

/** What the quota needs to know of a stored lobby message. */
export interface QuotaMessage {
  key: string
  from: string
  ts: number
}

/** Keys of the lobby messages that must go so that what is left fits `quota`. */
export function overQuota(messages: Iterable<QuotaMessage>, quota: LobbyQuota): Set<string> {
  const bySender = new Map<string, QuotaMessage[]>()
  for (const m of messages) {
    const list = bySender.get(m.from)
    if (list == null) {
      bySender.set(m.from, [m])
    } else {
      list.push(m)
    }
  }
  const doomed = new Set<string>()
  const kept: Array<QuotaMessage & { known: boolean }> = []
  for (const [from, list] of bySender) {
    list.sort((a, b) => a.ts - b.ts)
    const excess = Math.max(0, list.length - quota.perSender)
    const known = quota.known(from)
    list.forEach((m, i) => {
      if (i < excess) {
        doomed.add(m.key)
      } else {
        kept.push({ ...m, known })
      }
    })
  }
  if (kept.length > quota.total) {
    kept.sort((a, b) => Number(a.known) - Number(b.known) || a.ts - b.ts)
    for (const m of kept.slice(0, kept.length - quota.total)) {
      doomed.add(m.key)
    }
  }
  return doomed
}

/** Running counts of stored lobby messages, to know when a purge for the quota is due without a scan. */
export class LobbyCounts {
  private readonly perSender = new Map<string, number>()
  private total = 0

  constructor(private readonly quota: LobbyQuota) {}

  /** Starts over from what a scan found. */
  reset(senders: Iterable<string>): void {
    this.perSender.clear()
    this.total = 0
    for (const from of senders) {
      this.add(from)
    }
  }

  add(from: string): void {
    this.perSender.set(from, (this.perSender.get(from) ?? 0) + 1)
    this.total++
  }

  forget(from: string): void {
    this.total -= this.perSender.get(from) ?? 0
    this.perSender.delete(from)
  }

  /** True once a sender or the total is past its cap by the slack: time to purge. */
  due(from: string): boolean {
    const over = (count: number, cap: number): boolean => count > cap + Math.ceil(cap * QUOTA_SLACK_FRACTION)
    return over(this.perSender.get(from) ?? 0, this.quota.perSender) || over(this.total, this.quota.total)
  }
}
