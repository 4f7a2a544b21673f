import { BoundedMap, BoundedSet, type SenderSeq } from '../../protocols/common/index.ts'
import { type Hole, Holes } from './holes.ts'

/** Senders (per conversation) whose position is remembered; the least recently heard is forgotten first. */
export const GAP_TRACKER_KEYS = 4096

/** Message ids remembered as shown, over every conversation: a day of a busy lobby and groups. */
export const SEEN_IDS = 50_000

/**
 * Where each sender stands in each conversation, to notice a post that skips some: the sign of posts we missed
 * while the sender was still reachable (a partition, a dropped gossip link). Bounded by GAP_TRACKER_KEYS.
 */
export class GapTracker {
  /** each sender's newest position, and when (local time) it was heard */
  private readonly last: BoundedMap<string, SenderSeq & { at: number }>
  private readonly holes: Holes

  constructor(maxKeys = GAP_TRACKER_KEYS) {
    this.last = new BoundedMap(maxKeys)
    this.holes = new Holes(maxKeys)
  }

  /**
   * Records a post at `at` from `sender` in `conversation`, heard `now`; true if posts before it are missing: a later
   * count in the same run than the next one expected, or a new run that does not start at 1 (both only for senders
   * heard before). The missing posts are remembered until they arrive (see hole()).
   */
  observe(conversation: string, sender: string, at: SenderSeq, now = Date.now()): boolean {
    const key = `${conversation} ${sender}`
    const known = this.last.get(key)
    let gap = false
    let next = { ...at, at: now }
    if (known != null) {
      if (at.epoch === known.epoch) {
        gap = at.seq > known.seq + 1
        if (gap) {
          this.holes.add(key, at.epoch, known.seq + 1, at.seq - 1, known.at)
        } else if (at.seq <= known.seq) {
          this.holes.fill(key, at)
          next = known
        }
      } else if (at.epoch > known.epoch) {
        gap = at.seq > 1
        this.holes.clear(key)
        if (gap) {
          this.holes.add(key, at.epoch, 1, at.seq - 1, known.at)
        }
      } else {
        next = known
      }
    }
    this.last.set(key, next)
    return gap
  }

  /** The first post of `sender` in `conversation` still missing after a skip, and from when to ask for it. */
  hole(conversation: string, sender: string): Hole | undefined {
    return this.holes.first(`${conversation} ${sender}`)
  }

  /** From when to ask for every post still missing in `conversation`, whoever skipped it (undefined: none). */
  earliestHole(conversation: string): number | undefined {
    return this.holes.earliestSince(`${conversation} `)
  }

  /**
   * Whether `sender` says its posts in `conversation` stand at `tail` while we hold fewer: a later count in the run
   * we know, or a later run. False for a sender we never heard in that conversation (nothing to compare with).
   */
  behind(conversation: string, sender: string, tail: SenderSeq): boolean {
    const known = this.last.get(`${conversation} ${sender}`)
    if (known == null) {
      return false
    }
    return tail.epoch === known.epoch ? tail.seq > known.seq : tail.epoch > known.epoch
  }
}

/** Ids of messages already shown (by conversation and sender: ids are unique only per sender), bounded. */
export class SeenIds {
  private readonly ids: BoundedSet<string>

  constructor(max = SEEN_IDS) {
    this.ids = new BoundedSet(max)
  }

  /** True the first time; later calls for the same message are false. */
  add(conversation: string, sender: string, id: string): boolean {
    return this.ids.addNew(`${conversation} ${sender} ${id}`)
  }

  has(conversation: string, sender: string, id: string): boolean {
    return this.ids.has(`${conversation} ${sender} ${id}`)
  }
}

/** A caught-up message as ordering sees it. */
export interface Placed {
  sender: string
  ts: number
  epoch?: number
  seq?: number
}

/**
 * The order to show caught-up messages in: by their senders' timestamps, except that each sender's own messages
 * keep their send order (run, then count), whatever its clock said. Stable for equal keys.
 */
export function showOrder<T extends Placed>(items: T[]): T[] {
  const byTime = items.map((item, i) => ({ item, i })).sort((a, b) => a.item.ts - b.item.ts || a.i - b.i)
  const slots = new Map<string, number[]>()
  const mine = new Map<string, T[]>()
  byTime.forEach(({ item }, pos) => {
    const s = slots.get(item.sender) ?? []
    const m = mine.get(item.sender) ?? []
    s.push(pos)
    m.push(item)
    slots.set(item.sender, s)
    mine.set(item.sender, m)
  })
  const out: T[] = new Array(items.length)
  for (const [sender, positions] of slots) {
    const sent = sendOrder(mine.get(sender) ?? [])
    positions.forEach((pos, k) => {
      out[pos] = sent[k]
    })
  }
  return out
}

/** One sender's messages in send order: numbered ones by (run, count); unnumbered (older versions) keep their place. */
function sendOrder<T extends Placed>(items: T[]): T[] {
  const numbered = items.filter((m) => m.epoch != null && m.seq != null)
  numbered.sort((a, b) => (a.epoch ?? 0) - (b.epoch ?? 0) || (a.seq ?? 0) - (b.seq ?? 0))
  let k = 0
  return items.map((m) => (m.epoch != null && m.seq != null ? numbered[k++] : m))
}
