import type { Logger, PeerId } from '@libp2p/interface'
import { BoundedMap, type SenderSeq } from '../../protocols/common/index.ts'
import type { Hole } from './holes.ts'

/**
 * A presence announcement saying a sender posted more than we hold is acted on this long after it arrived: the post
 * itself may be right behind it on its own topic.
 */
export const TAIL_GRACE_MS = 2_000
/** A position we asked for and still lack is asked for again after this, at most MAX_TAIL_ASKS times in all. */
export const TAIL_REASK_MS = 30_000
export const MAX_TAIL_ASKS = 3
/** Senders whose asked position is remembered, and checks waiting out the grace at once. */
const MAX_SENDERS = 4096
const MAX_PENDING = 64

export interface TailWatchInit {
  me: string
  /** whether what we showed of `sender` ends before `tail` */
  behind: (sender: string, tail: SenderSeq) => boolean
  /** the first post of `sender` still missing after a skip in its numbering */
  hole: (sender: string) => Hole | undefined
  /** from when to ask for every post still missing, whoever skipped it */
  earliestHole: () => number | undefined
  /** queues a lobby request to `peer`, reaching back to `back` if given; false when it was not queued (cooldown, full queue) */
  ask: (peer: PeerId, back?: number) => boolean
  /** the relays we use: they hold the lobby too, and answer when the sender cannot be reached */
  relays: () => PeerId[]
  log: Logger
}

/** What we lack of a sender: posts after the last we hold (its tail), or posts it skipped (a hole). */
interface Want {
  kind: 'tail' | 'hole'
  pos: SenderSeq
}

interface Asked {
  want: Want
  times: number
  at: number
}

/** Whether `now` is what `before` asked for: the same hole, or a tail no further on. */
function sameWant(before: Want, now: Want): boolean {
  if (before.kind !== now.kind || before.pos.epoch !== now.pos.epoch) {
    return false
  }
  return now.kind === 'hole' ? before.pos.seq === now.pos.seq : before.pos.seq >= now.pos.seq
}

/**
 * Notices lobby posts lost at the end of a conversation. A post lost on the way is noticed by the gap it leaves
 * before the sender's next one; its last post leaves no gap, so without this a line dropped at the end (by a relay
 * that hung or restarted, a connection that broke) stayed missing. Each sender's presence says where its posts stand;
 * when we hold less, we ask the sender. A position asked for and still missing is asked again a few times, of the
 * sender and of our relays (the first requests can fail while everyone reconnects at once, and a sender may be out
 * of reach), then left alone, so that a sender announcing posts nobody has cannot make us ask forever. The same goes
 * for posts a sender skipped (a gap) that the first request did not bring: each announcement of the sender is a
 * reminder, reaching back to before the gap.
 */
export class TailWatch {
  private readonly asked = new BoundedMap<string, Asked>(MAX_SENDERS)
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>()
  private lastRelayAsk = Number.NEGATIVE_INFINITY
  private running = true

  constructor(private readonly init: TailWatchInit) {}

  announced(sender: PeerId, tail: SenderSeq): void {
    const id = sender.toString()
    if (!this.running || id === this.init.me || this.pending.has(id) || this.pending.size >= MAX_PENDING) {
      return
    }
    const timer = setTimeout(() => {
      this.pending.delete(id)
      if (this.running) {
        this.check(sender, tail)
      }
    }, TAIL_GRACE_MS)
    timer.unref?.()
    this.pending.set(id, timer)
  }

  stop(): void {
    this.running = false
    for (const timer of this.pending.values()) {
      clearTimeout(timer)
    }
    this.pending.clear()
  }

  private check(sender: PeerId, tail: SenderSeq): void {
    const id = sender.toString()
    const now = Date.now()
    const hole = this.init.hole(id)
    const want: Want = hole == null ? { kind: 'tail', pos: tail } : { kind: 'hole', pos: hole.pos }
    const before = this.asked.get(id)
    const again = before != null && sameWant(before.want, want)
    if (again && (before.times >= MAX_TAIL_ASKS || now - before.at < TAIL_REASK_MS)) {
      return
    }
    if (hole == null && !this.init.behind(id, tail)) {
      return
    }
    // The relays, which serve every client, are asked only when asking the sender did not bring the posts, and at
    // most once per TAIL_REASK_MS: a sender announcing posts it never made cannot turn every client on the relay.
    const withRelays = again && now - this.lastRelayAsk >= TAIL_REASK_MS
    if (withRelays) {
      this.lastRelayAsk = now
    }
    const relays = withRelays ? ' and our relays' : ''
    if (hole == null) {
      this.init.log('%s says it posted up to %d in the lobby, we hold less: asking it%s', id, tail.seq, relays)
    } else {
      this.init.log('%s skipped posts from %d in the lobby that never came: asking it%s', id, hole.pos.seq, relays)
    }
    // Every one is asked (no short-circuit): a relay may answer where the sender cannot be reached. A relay answers
    // for every sender at once, and is asked at most once per TAIL_REASK_MS for all of them, so it is asked from the
    // earliest post missing of anyone: reaching back only to this sender's, the answer could end after the posts
    // other senders skipped earlier, and their own turns may find the relay asked already.
    const relayBack = earliest(hole?.since, this.init.earliestHole())
    const queued = [
      this.init.ask(sender, hole?.since),
      ...(withRelays ? this.init.relays().map((relay) => this.init.ask(relay, relayBack)) : [])
    ]
    if (queued.includes(true)) {
      this.asked.set(id, again ? { ...before, times: before.times + 1, at: now } : { want, times: 1, at: now })
    }
  }
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  return a == null ? b : b == null ? a : Math.min(a, b)
}
