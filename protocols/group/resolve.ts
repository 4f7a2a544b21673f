import { MAX_RESOLVE_ROUNDS } from './constants.ts'
import { hex } from './crypto.ts'
import type { VerifiedEntry } from './entries.ts'
import { applyEntry, type GroupState, genesisState, type Role } from './state.ts'

/*
 * State resolution over a group's graph of entries (docs/groups.md, "Authorization model"). Every entry in the graph
 * already held at its own parents; resolution decides which of them count once concurrent branches meet:
 * 1. entries are applied in one deterministic topological order: of the entries whose parents are done, the one
 *    whose author ranks highest in the state so far goes first (owner, admin, member, others), then the lowest id;
 * 2. each must be allowed by the roles of the state it is applied to;
 * 3. a revocation (REMOVE or DEMOTE of x, which only a higher rank may sign, or x's own LEAVE) voids every entry of
 *    x concurrent with it, neither its ancestor nor its descendant: nobody acts past the loss of a right on a branch
 *    that did not see it. Entries after it are judged by the state, where x lacks the right. A REMOVE also voids
 *    invitations of x concurrent with it, and a DEMOTE promotions of x: a right taken away comes back only by a grant
 *    made after the revocation.
 * Which revocations count depends on which entries count, so the passes repeat until the voided set is stable.
 */

const RANK: Record<Role, number> = { owner: 3, admin: 2, member: 1 }

const parentIds = new WeakMap<VerifiedEntry, string[]>()

/** Ids (hex) of an entry's parents (remembered: resolution walks them often). */
export function parentsOf(e: VerifiedEntry): string[] {
  let ids = parentIds.get(e)
  if (ids == null) {
    ids = e.seq === 0 ? [] : [hex(e.prev), ...e.merges.map(hex)]
    parentIds.set(e, ids)
  }
  return ids
}

/** The member whose rights an entry revokes, if it is a revocation. */
function revokes(e: VerifiedEntry): string | undefined {
  return e.kind === 'remove' || e.kind === 'demote' || e.kind === 'leave' ? e.subjectId : undefined
}

export interface Resolution {
  state: GroupState
  /** the entries that count, in the order they were applied */
  applied: VerifiedEntry[]
}

/**
 * Resolves `entries` (closed under ancestry, parents first, the CREATE entry first); `index` finds any entry of the
 * log by id.
 */
export function resolve(entries: readonly VerifiedEntry[]): Resolution {
  const before = ancestry(entries)
  let voided = new Set<string>()
  let result = pass(entries, voided)
  for (let round = 1; round < MAX_RESOLVE_ROUNDS; round++) {
    const next = voidedBy(result.applied, entries, before)
    if (next.size === voided.size && [...next].every((id) => voided.has(id))) {
      break
    }
    voided = next
    result = pass(entries, voided)
  }
  return result
}

/** One topological pass: applies what is not voided and is allowed by the state reached so far. */
function pass(entries: readonly VerifiedEntry[], voided: ReadonlySet<string>): Resolution {
  const children = new Map<string, VerifiedEntry[]>()
  const missing = new Map<string, number>()
  for (const e of entries) {
    const parents = parentsOf(e)
    missing.set(e.idHex, parents.length)
    for (const p of parents) {
      const list = children.get(p)
      if (list == null) {
        children.set(p, [e])
      } else {
        list.push(e)
      }
    }
  }
  let state = genesisState(entries[0])
  const applied: VerifiedEntry[] = [entries[0]]
  const ready: VerifiedEntry[] = []
  const release = (e: VerifiedEntry): void => {
    for (const c of children.get(e.idHex) ?? []) {
      const left = missing.get(c.idHex)! - 1
      missing.set(c.idHex, left)
      if (left === 0) {
        ready.push(c)
      }
    }
  }
  release(entries[0])
  while (ready.length > 0) {
    const i = best(state, ready)
    const e = ready[i]
    ready.splice(i, 1)
    if (!voided.has(e.idHex)) {
      try {
        state = applyEntry(state, e, false)
        applied.push(e)
      } catch {
        // not allowed in the resolved state: it does not count
      }
    }
    release(e)
  }
  return { state, applied }
}

/** Index of the entry to apply next: highest author rank in `s`, then lowest id. */
function best(s: GroupState, ready: VerifiedEntry[]): number {
  const rank = (e: VerifiedEntry): number => {
    const role = s.members.get(e.authorId)?.role
    return role == null ? 0 : RANK[role]
  }
  let at = 0
  for (let i = 1; i < ready.length; i++) {
    const d = rank(ready[i]) - rank(ready[at])
    if (d > 0 || (d === 0 && ready[i].idHex < ready[at].idHex)) {
      at = i
    }
  }
  return at
}

/** The grant a revocation also voids when concurrent with it (a removed member re-invited on a branch that did not see the removal). */
const GRANT_OF: Partial<Record<VerifiedEntry['kind'], VerifiedEntry['kind']>> = { remove: 'invite', demote: 'promote' }

/** Entries voided by the revocations that counted: their subjects' entries, and grants to them, concurrent with them. */
function voidedBy(
  applied: VerifiedEntry[],
  entries: readonly VerifiedEntry[],
  isBefore: (a: VerifiedEntry, b: VerifiedEntry) => boolean
): Set<string> {
  // entries that concern x: signed by x, or granting x a right
  const concerning = new Map<string, VerifiedEntry[]>()
  const add = (who: string, e: VerifiedEntry): void => {
    const list = concerning.get(who)
    if (list == null) {
      concerning.set(who, [e])
    } else {
      list.push(e)
    }
  }
  for (const e of entries) {
    add(e.authorId, e)
    if ((e.kind === 'invite' || e.kind === 'promote') && e.subjectId !== e.authorId) {
      add(e.subjectId, e)
    }
  }
  const out = new Set<string>()
  for (const r of applied) {
    const x = revokes(r)
    for (const c of x == null ? [] : (concerning.get(x) ?? [])) {
      const hit = c.authorId === x || c.kind === GRANT_OF[r.kind]
      if (hit && c !== r && !isBefore(c, r) && !isBefore(r, c)) {
        out.add(c.idHex)
      }
    }
  }
  return out
}

/**
 * An ancestor test over `entries` (parents first): each entry's ancestors as a bit set, built on first use from its
 * parents' sets (one OR per parent: about 2 MiB and a few milliseconds for the largest log).
 */
function ancestry(entries: readonly VerifiedEntry[]): (a: VerifiedEntry, b: VerifiedEntry) => boolean {
  const position = new Map(entries.map((e, i) => [e.idHex, i]))
  const words = (entries.length + 31) >>> 5
  let bits: Uint32Array | undefined
  const build = (): Uint32Array => {
    const out = new Uint32Array(entries.length * words)
    entries.forEach((e, i) => {
      const row = i * words
      for (const p of parentsOf(e)) {
        const j = position.get(p)!
        for (let w = 0; w < words; w++) {
          out[row + w] |= out[j * words + w]
        }
        out[row + (j >>> 5)] |= 1 << (j & 31)
      }
    })
    return out
  }
  return (a, b) => {
    bits ??= build()
    const i = position.get(a.idHex)!
    return (bits[position.get(b.idHex)! * words + (i >>> 5)] & (1 << (i & 31))) !== 0
  }
}

/** Whether `a` is an ancestor of `b` (depths only grow along parents, so the search stops at `a`'s depth). */
export function isAncestor(a: VerifiedEntry, b: VerifiedEntry, index: ReadonlyMap<string, VerifiedEntry>): boolean {
  if (a.seq >= b.seq) {
    return false
  }
  const seen = new Set<string>()
  const todo = [b]
  while (todo.length > 0) {
    const e = todo.pop()!
    for (const p of parentsOf(e)) {
      if (p === a.idHex) {
        return true
      }
      const parent = index.get(p)
      if (parent != null && parent.seq > a.seq && !seen.has(p)) {
        seen.add(p)
        todo.push(parent)
      }
    }
  }
  return false
}
