import { BoundedMap, type SenderSeq } from '../../protocols/common/index.ts'

/** Missing posts remembered per sender and conversation: the newest ones, which catch-up can still bring. */
export const MAX_HOLES_PER_SENDER = 64

/** The first post of a sender still missing, and from when to ask for it (local time, as requests count). */
export interface Hole {
  pos: SenderSeq
  since: number
}

interface Missing {
  epoch: number
  /** sequence numbers missing, ascending */
  seqs: number[]
  since: number
}

/**
 * The posts each sender skipped, until they arrive. A skip is noticed once, at the post after it, and the request
 * it starts can fail (everyone reconnects at once after a relay restart); later posts then move the sender's
 * position past it, so without this nothing would say the posts in between are still owed. Bounded: `maxKeys`
 * senders, MAX_HOLES_PER_SENDER posts each.
 */
export class Holes {
  private readonly missing: BoundedMap<string, Missing>

  constructor(maxKeys: number) {
    this.missing = new BoundedMap(maxKeys)
  }

  /** Posts `from`..`to` of run `epoch` are missing; `since`: when the post before them was heard. */
  add(key: string, epoch: number, from: number, to: number, since: number): void {
    const known = this.missing.get(key)
    const sameRun = known?.epoch === epoch ? known : undefined
    const kept = sameRun == null ? [] : sameRun.seqs.filter((s) => s < from || s > to)
    const first = Math.max(from, to - MAX_HOLES_PER_SENDER + 1)
    for (let s = first; s <= to; s++) {
      kept.push(s)
    }
    kept.sort((a, b) => a - b)
    const seqs = kept.slice(-MAX_HOLES_PER_SENDER)
    this.missing.set(key, { epoch, seqs, since: Math.min(since, sameRun?.since ?? since) })
  }

  /** Post `at` arrived (late, or by catch-up). */
  fill(key: string, at: SenderSeq): void {
    const known = this.missing.get(key)
    if (known == null || known.epoch !== at.epoch || !known.seqs.includes(at.seq)) {
      return
    }
    const seqs = known.seqs.filter((s) => s !== at.seq)
    if (seqs.length === 0) {
      this.missing.delete(key)
    } else {
      // in place: a post filling a hole is not news that should keep this sender from being forgotten first
      known.seqs = seqs
    }
  }

  /** The sender started a new run: what its old one skipped will not be asked for. */
  clear(key: string): void {
    this.missing.delete(key)
  }

  /** When the earliest missing posts of any sender whose key starts with `prefix` began (see add's `since`). */
  earliestSince(prefix: string): number | undefined {
    let earliest: number | undefined
    for (const [key, missing] of this.missing) {
      if (key.startsWith(prefix) && (earliest == null || missing.since < earliest)) {
        earliest = missing.since
      }
    }
    return earliest
  }

  first(key: string): Hole | undefined {
    const known = this.missing.get(key)
    return known == null ? undefined : { pos: { epoch: known.epoch, seq: known.seqs[0] }, since: known.since }
  }
}
