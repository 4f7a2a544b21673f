import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { GapTracker, SeenIds, showOrder } from '../../../node/catchup/gaps.ts'
import { MAX_HOLES_PER_SENDER } from '../../../node/catchup/holes.ts'

describe('GapTracker', () => {
  it('notices a skipped post exactly at the first post after it, per sender and conversation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 1, max: 40 }), (n, skipAt) => {
        const tracker = new GapTracker()
        const gaps: number[] = []
        for (let seq = 1; seq <= n; seq++) {
          // another sender's numbering never interferes
          expect(tracker.observe('lobby', 'bob', { epoch: 1, seq })).toBe(false)
          if (seq !== skipAt && tracker.observe('lobby', 'alice', { epoch: 7, seq })) {
            gaps.push(seq)
          }
        }
        expect(gaps).toEqual(skipAt > 1 && skipAt < n ? [skipAt + 1] : [])
      })
    )
  })

  it('takes a late post that fills the gap quietly, and a new run starting at 1 as no gap', () => {
    const t = new GapTracker()
    expect(t.observe('g', 'a', { epoch: 1, seq: 1 })).toBe(false)
    expect(t.observe('g', 'a', { epoch: 1, seq: 3 })).toBe(true)
    expect(t.observe('g', 'a', { epoch: 1, seq: 2 })).toBe(false)
    expect(t.observe('g', 'a', { epoch: 1, seq: 4 })).toBe(false)
    expect(t.observe('g', 'a', { epoch: 2, seq: 1 })).toBe(false)
    expect(t.observe('g', 'a', { epoch: 3, seq: 5 })).toBe(true)
    // an older run after a newer one says nothing and changes nothing
    expect(t.observe('g', 'a', { epoch: 2, seq: 9 })).toBe(false)
    expect(t.observe('g', 'a', { epoch: 3, seq: 6 })).toBe(false)
  })

  it("says a sender's announced position is ahead exactly when posts of it are missing here", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 2 }),
        (heard, tailSeq, tailEpochStep) => {
          const t = new GapTracker()
          for (const seq of heard) {
            t.observe('lobby', 'alice', { epoch: 5, seq })
          }
          const newest = Math.max(...heard)
          const tail = { epoch: 5 + tailEpochStep, seq: tailSeq }
          expect(t.behind('lobby', 'alice', tail)).toBe(tailEpochStep > 0 || tailSeq > newest)
          // nothing to compare with: another sender, another conversation
          expect(t.behind('lobby', 'bob', tail)).toBe(false)
          expect(t.behind('group', 'alice', tail)).toBe(false)
        }
      )
    )
    const t = new GapTracker()
    t.observe('lobby', 'alice', { epoch: 5, seq: 3 })
    // an older run than the one we know is not ahead
    expect(t.behind('lobby', 'alice', { epoch: 4, seq: 99 })).toBe(false)
  })

  it('remembers a bounded number of senders', () => {
    const t = new GapTracker(2)
    t.observe('g', 'a', { epoch: 1, seq: 1 })
    t.observe('g', 'b', { epoch: 1, seq: 1 })
    t.observe('g', 'c', { epoch: 1, seq: 1 })
    // 'a' was forgotten: its next post is a first sighting, not a gap
    expect(t.observe('g', 'a', { epoch: 1, seq: 5 })).toBe(false)
  })
})

describe('GapTracker holes', () => {
  it('remembers what a sender skipped until it arrives, the first still missing first', () => {
    const t = new GapTracker()
    t.observe('lobby', 'a', { epoch: 1, seq: 1 }, 1_000)
    expect(t.hole('lobby', 'a')).toBeUndefined()
    t.observe('lobby', 'a', { epoch: 1, seq: 4 }, 2_000)
    t.observe('lobby', 'a', { epoch: 1, seq: 9 }, 3_000)
    // reaching back to when the post before the first skip was heard
    expect(t.hole('lobby', 'a')).toEqual({ pos: { epoch: 1, seq: 2 }, since: 1_000 })
    t.observe('lobby', 'a', { epoch: 1, seq: 2 }, 4_000)
    t.observe('lobby', 'a', { epoch: 1, seq: 3 }, 4_000)
    expect(t.hole('lobby', 'a')?.pos).toEqual({ epoch: 1, seq: 5 })
    // a new run: what the old one skipped is not asked for, what the new one skipped is
    t.observe('lobby', 'a', { epoch: 2, seq: 3 }, 5_000)
    expect(t.hole('lobby', 'a')).toEqual({ pos: { epoch: 2, seq: 1 }, since: 3_000 })
    expect(t.hole('lobby', 'b')).toBeUndefined()
  })

  it('says from when to ask for every missing post of a conversation, whoever skipped it', () => {
    const t = new GapTracker()
    expect(t.earliestHole('lobby')).toBeUndefined()
    t.observe('lobby', 'a', { epoch: 1, seq: 1 }, 5_000)
    t.observe('lobby', 'a', { epoch: 1, seq: 3 }, 6_000)
    t.observe('lobby', 'b', { epoch: 1, seq: 1 }, 2_000)
    t.observe('lobby', 'b', { epoch: 1, seq: 4 }, 7_000)
    t.observe('group', 'c', { epoch: 1, seq: 1 }, 1_000)
    t.observe('group', 'c', { epoch: 1, seq: 5 }, 7_000)
    expect(t.earliestHole('lobby')).toBe(2_000)
    // b's posts arrive: a's skip is the earliest left
    t.observe('lobby', 'b', { epoch: 1, seq: 2 }, 8_000)
    t.observe('lobby', 'b', { epoch: 1, seq: 3 }, 8_000)
    expect(t.earliestHole('lobby')).toBe(5_000)
    expect(t.earliestHole('group')).toBe(1_000)
  })

  it('keeps at most MAX_HOLES_PER_SENDER of a huge skip, the newest', () => {
    const t = new GapTracker()
    t.observe('lobby', 'a', { epoch: 1, seq: 1 })
    t.observe('lobby', 'a', { epoch: 1, seq: 1_000_000 })
    expect(t.hole('lobby', 'a')?.pos.seq).toBe(1_000_000 - MAX_HOLES_PER_SENDER)
  })

  it('matches a model of the posts missing in one run, whatever order they arrive in', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 80 }), (arrivals) => {
        const t = new GapTracker()
        const got = new Set<number>()
        for (const seq of arrivals) {
          const first = got.size === 0
          got.add(seq)
          t.observe('lobby', 'a', { epoch: 1, seq })
          // the model: below the newest, after the first heard, not arrived (the first heard starts the count)
          const firstSeq = arrivals[0]
          const newest = Math.max(...got)
          const missing: number[] = []
          for (let s = firstSeq + 1; s < newest; s++) {
            if (!got.has(s)) missing.push(s)
          }
          const kept = missing.filter((s) => s >= newest - MAX_HOLES_PER_SENDER)
          expect(t.hole('lobby', 'a')?.pos.seq).toBe(first ? undefined : kept[0])
        }
      })
    )
  })
})

describe('SeenIds', () => {
  it('is true once per (conversation, sender, id) and bounded', () => {
    const seen = new SeenIds(3)
    expect(seen.add('lobby', 'a', '1')).toBe(true)
    expect(seen.add('lobby', 'a', '1')).toBe(false)
    expect(seen.add('lobby', 'b', '1')).toBe(true)
    expect(seen.add('g', 'a', '1')).toBe(true)
    expect(seen.add('g', 'a', '2')).toBe(true)
    expect(seen.has('lobby', 'a', '1')).toBe(false)
  })
})

describe('showOrder', () => {
  const itemArb = fc.record({
    sender: fc.constantFrom('a', 'b', 'c'),
    ts: fc.integer({ min: 0, max: 50 }),
    seq: fc.integer({ min: 1, max: 1000 })
  })

  it('is a permutation in timestamp order, except that each sender keeps its send order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(itemArb, { selector: (i) => `${i.sender}/${i.seq}`, maxLength: 40 }), (raw) => {
        const items = raw.map((i) => ({ ...i, epoch: 1 }))
        const out = showOrder(items)
        expect([...out].sort((x, y) => x.seq - y.seq || x.sender.localeCompare(y.sender))).toEqual(
          [...items].sort((x, y) => x.seq - y.seq || x.sender.localeCompare(y.sender))
        )
        for (const s of ['a', 'b', 'c']) {
          const seqs = out.filter((i) => i.sender === s).map((i) => i.seq)
          expect(seqs).toEqual([...seqs].sort((x, y) => x - y))
        }
        // the slots of each sender are where its timestamps put them
        const slotTs = [...items].sort((x, y) => x.ts - y.ts).map((i) => i.sender)
        expect(out.map((i) => i.sender)).toEqual(slotTs)
      })
    )
  })

  it('orders messages of honest senders (clock and count agree) by time', () => {
    const items = [
      { sender: 'b', ts: 20, epoch: 1, seq: 2 },
      { sender: 'a', ts: 15, epoch: 1, seq: 2 },
      { sender: 'a', ts: 5, epoch: 1, seq: 1 },
      { sender: 'b', ts: 10, epoch: 1, seq: 1 }
    ]
    expect(showOrder(items).map((i) => i.ts)).toEqual([5, 10, 15, 20])
  })
})
