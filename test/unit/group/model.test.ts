import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { hex } from '../../../protocols/group/crypto.ts'
import type { VerifiedEntry } from '../../../protocols/group/entries.ts'
import { GroupLog } from '../../../protocols/group/log.ts'
import type { Op } from '../../../protocols/group/ops.ts'
import { isAncestor } from '../../../protocols/group/resolve.ts'
import type { GroupState } from '../../../protocols/group/state.ts'
import { addMembers, newGroup, people, sign, type Who } from './fixtures.ts'

/*
 * Model-based test of the authorization model (docs/groups.md): an honest history built by entitled members, and an
 * adversary (mallory, with a sockpuppet) who forks from any earlier position with whatever entries her own keys can
 * sign there, revealing some forks to the honest members as they go. Every member receives every entry in its own
 * random order; all must reach the same state, and the invariants must hold in it.
 * GROUP_MODEL_RUNS sets the number of runs (e.g. GROUP_MODEL_RUNS=2000 for a long search).
 */

const RUNS = Number(process.env.GROUP_MODEL_RUNS ?? 40)
const RECEIVERS = 3
const KINDS = ['invite', 'join', 'remove', 'promote', 'demote', 'leave', 'rekey', 'meta'] as const

// cast: 0 alice (owner), 1-2 honest members, 3 mallory, 4-5 honest outsiders, 6 mallory's sockpuppet
const ALICE = 0
const MALLORY = 3
const SOCK = 6
let cast: Who[] = []

interface Step {
  actor: number
  kind: (typeof KINDS)[number]
  target: number
}
type Move = { type: 'honest'; step: Step } | { type: 'fork'; at: number; steps: Step[]; reveal: boolean }

const step = (actors: number[]): fc.Arbitrary<Step> =>
  fc.record({ actor: fc.constantFrom(...actors), kind: fc.constantFrom(...KINDS), target: fc.nat(cast.length - 1) })

const fixed = (actor: number, kinds: Step['kind'][], targets: number[]): fc.Arbitrary<Step> =>
  fc.record({ actor: fc.constant(actor), kind: fc.constantFrom(...kinds), target: fc.constantFrom(...targets) })

/** Honest steps: any, with the ones that matter to the adversary made likely. */
const honestStep = (): fc.Arbitrary<Step> =>
  fc.oneof(
    { weight: 4, arbitrary: step([0, 1, 2, 3, 4, 5]) },
    { weight: 1, arbitrary: fixed(ALICE, ['remove', 'demote'], [MALLORY]) },
    { weight: 1, arbitrary: fixed(ALICE, ['remove', 'invite'], [1, 2, 4, 5]) },
    { weight: 1, arbitrary: fc.constantFrom(1, 2, 4, 5).map((w): Step => ({ actor: w, kind: 'join', target: w })) }
  )

/** What the adversary signs on a fork: anything, and the takeover of the first attack scenario made likely. */
const forgedStep = (): fc.Arbitrary<Step> =>
  fc.oneof(
    { weight: 2, arbitrary: step([MALLORY, SOCK]) },
    { weight: 2, arbitrary: fixed(MALLORY, ['remove', 'demote'], [1, 2, 4, 5]) },
    { weight: 1, arbitrary: fixed(MALLORY, ['invite', 'promote'], [SOCK]) },
    { weight: 1, arbitrary: fixed(SOCK, ['join'], [SOCK]) },
    { weight: 1, arbitrary: fixed(MALLORY, ['leave', 'rekey'], [MALLORY]) }
  )

function opFor(s: Step): Op {
  const subject = cast[s.target].raw
  switch (s.kind) {
    case 'invite':
      return { kind: 'invite', subject, memberName: cast[s.target].name }
    case 'join':
      return { kind: 'join', memberName: cast[s.actor].name }
    case 'leave':
    case 'rekey':
      return { kind: s.kind }
    case 'meta':
      return { kind: 'meta', name: `by ${cast[s.actor].name}`, description: '' }
    default:
      return { kind: s.kind, subject }
  }
}

/** Signs and applies a step on `log` if its actor may do it there; the keys it seals are learnt by everyone. */
async function tryStep(log: GroupLog, s: Step): Promise<VerifiedEntry | undefined> {
  let e: VerifiedEntry
  try {
    e = await sign(log, cast[s.actor], opFor(s))
  } catch {
    return undefined
  }
  expect(log.offer([e]).type).toBe('appended')
  for (const w of cast) {
    w.keyring.learn([e])
  }
  return e
}

function digest(s: GroupState): string {
  return JSON.stringify({
    members: [...s.members.values()].map((m) => [m.peerId, m.role]).sort(),
    invited: [...s.invited.keys()].sort(),
    removed: [...s.removed.keys()].sort(),
    owner: s.owner,
    name: s.name,
    keyId: hex(s.keyId),
    readers: [...s.keyReaders].sort(),
    needsRekey: s.needsRekey
  })
}

/** A deterministic shuffle, so that a failing case replays from its seed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items]
  let x = seed | 1
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    const j = (x >>> 0) % (i + 1)
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

/** Offers entries one at a time in the given order, as gossip would; what waits for its parents is offered again. */
function receive(genesis: VerifiedEntry, entries: VerifiedEntry[]): GroupLog {
  const log = GroupLog.create(genesis)
  let waiting: VerifiedEntry[] = []
  for (const e of entries) {
    waiting.push(e)
    let moved = true
    while (moved) {
      moved = false
      const still: VerifiedEntry[] = []
      for (const w of waiting) {
        const r = log.offer([w])
        if (r.type === 'gap') {
          still.push(w)
        } else {
          moved ||= r.type === 'appended'
        }
      }
      waiting = still
    }
  }
  expect(waiting).toEqual([])
  return log
}

function revoked(e: VerifiedEntry): string | undefined {
  return e.kind === 'remove' || e.kind === 'demote' || e.kind === 'leave' ? e.subjectId : undefined
}

/** The invariants of docs/groups.md, checked on the resolution of a log. */
function checkInvariants(log: GroupLog): void {
  const index = new Map(log.all().map((e) => [e.idHex, e]))
  const applied = log.resolution()
  const s = log.state
  const concurrent = (a: VerifiedEntry, b: VerifiedEntry): boolean =>
    a !== b && !isAncestor(a, b, index) && !isAncestor(b, a, index)
  for (const r of applied) {
    const x = revoked(r)
    if (x == null) {
      continue
    }
    // nobody acts past a revocation on a branch that did not see it
    const acting = applied.filter((e) => e.authorId === x && concurrent(e, r))
    expect(acting.map((e) => `${e.kind} by a revoked ${cast.find((w) => w.id === x)?.name}`)).toEqual([])
  }
  for (const peer of [...s.members.keys(), ...s.invited.keys()]) {
    // a removed member comes back only through an invitation made after the removal
    for (const r of applied.filter((e) => e.kind === 'remove' && e.subjectId === peer)) {
      const again = applied.some((e) => e.kind === 'invite' && e.subjectId === peer && isAncestor(r, e, index))
      expect(again, `${cast.find((w) => w.id === peer)?.name} back without a new invitation`).toBe(true)
    }
  }
  for (const m of s.members.values()) {
    // an admin was made one by an entitled member (or by succession, owner only)
    if (m.role === 'admin') {
      expect(applied.some((e) => e.kind === 'promote' && e.subjectId === m.peerId)).toBe(true)
    }
  }
  if (s.private && !s.needsRekey) {
    expect([...s.keyReaders].sort()).toEqual([...s.members.keys(), ...s.invited.keys()].sort())
  }
  if (s.private) {
    // the readers of the current key are holders, or a rotation is due
    const outsiders = [...s.keyReaders].filter((p) => !s.members.has(p) && !s.invited.has(p))
    expect(outsiders.length === 0 || s.needsRekey).toBe(true)
  }
}

describe('group authorization model (model-based)', () => {
  beforeAll(async () => {
    cast = await people('alice', 'bob', 'carol', 'mallory', 'olga', 'oscar', 'sock')
  })

  it('converges whatever the delivery order, and no fork breaks the invariants', async () => {
    const arbitrary = fc.record({
      isPrivate: fc.boolean(),
      bobAdmin: fc.boolean(),
      malloryAdmin: fc.boolean(),
      moves: fc.array(
        fc.oneof(
          { weight: 3, arbitrary: honestStep().map((s): Move => ({ type: 'honest', step: s })) },
          {
            weight: 1,
            arbitrary: fc
              .record({
                at: fc.double({ min: 0, max: 1, noNaN: true }),
                steps: fc.array(forgedStep(), { minLength: 1, maxLength: 5 }),
                reveal: fc.boolean()
              })
              .map((f): Move => ({ type: 'fork', ...f }))
          }
        ),
        { maxLength: 12 }
      ),
      seeds: fc.array(fc.integer(), { minLength: RECEIVERS, maxLength: RECEIVERS })
    })
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ isPrivate, bobAdmin, malloryAdmin, moves, seeds }) => {
        const [alice, bob, carol, mallory] = cast
        const honest = await newGroup(alice, isPrivate)
        await addMembers(honest, alice, [bob, carol, mallory], cast)
        for (const [w, admin] of [
          [bob, bobAdmin],
          [mallory, malloryAdmin]
        ] as const) {
          if (admin) {
            await tryStep(honest, { actor: ALICE, kind: 'promote', target: cast.indexOf(w) })
          }
        }
        const forged: VerifiedEntry[] = []
        let revealed = false
        for (const move of moves) {
          if (move.type === 'honest') {
            await tryStep(honest, move.step)
            continue
          }
          const fork = GroupLog.fromEntries(honest.all().slice(0, 1 + Math.floor(move.at * honest.length)))
          const signed: VerifiedEntry[] = []
          for (const s of move.steps) {
            const e = await tryStep(fork, s)
            if (e != null) {
              signed.push(e)
            }
          }
          forged.push(...signed)
          if (move.reveal && signed.length > 0) {
            revealed = true
            honest.offer(signed)
          }
        }
        const everything = [...new Map([...honest.all(), ...forged].map((e) => [e.idHex, e])).values()]
        const reference = GroupLog.fromEntries(everything)
        for (const seed of seeds) {
          const log = receive(honest.genesis, shuffled(everything.slice(1), seed))
          expect(digest(log.state)).toBe(digest(reference.state))
        }
        checkInvariants(reference)
        // mallory removed on the honest side, her forks kept from it: they change nothing (dave stays)
        const removedMallory =
          honest.resolution().some((e) => e.kind === 'remove' && e.subjectId === mallory.id) &&
          !honest.state.members.has(mallory.id) &&
          !honest.state.invited.has(mallory.id)
        if (isPrivate && !revealed && removedMallory) {
          expect(digest(reference.state)).toBe(digest(honest.state))
        }
      }),
      { numRuns: RUNS }
    )
  }, 120_000)
})
