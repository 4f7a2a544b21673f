import { equalBytes } from './crypto.ts'
import type { VerifiedEntry } from './entries.ts'
import { EntryRejectedError } from './errors.ts'
import { applyEntry, type GroupState, genesisState, type Role } from './state.ts'

/** What offering entries to a log did. */
export type OfferResult =
  /** new entries applied on top of the head; `rejected` when the chain had an invalid tail */
  | { type: 'appended'; appended: VerifiedEntry[]; rejected?: EntryRejectedError }
  /** we had every entry already */
  | { type: 'duplicate' }
  /** the entries do not link to our log: fetch the missing ones from the sender */
  | { type: 'gap' }
  /** the first new entry does not apply */
  | { type: 'rejected'; error: EntryRejectedError }
  /** a competing branch (`theirs`, its valid part) lost to ours */
  | { type: 'kept'; theirs: VerifiedEntry[] }
  /** a competing branch won: ours from `dropped[0].seq` on was replaced */
  | { type: 'switched'; dropped: VerifiedEntry[]; appended: VerifiedEntry[]; before: GroupState }

const RANK: Record<Role, number> = { owner: 3, admin: 2, member: 1 }

/**
 * A group's membership log: a hash chain of verified entries and the state it leads to.
 * Pure (no I/O, no clock), so that every member, given the same entries, reaches the same state.
 */
export class GroupLog {
  private entries: VerifiedEntry[]
  private index: Map<string, number>
  private current: GroupState

  private constructor(entries: VerifiedEntry[], state: GroupState) {
    this.entries = entries
    this.index = new Map(entries.map((e, i) => [e.idHex, i]))
    this.current = state
  }

  /** A log holding only its CREATE entry. */
  static create(genesis: VerifiedEntry): GroupLog {
    return new GroupLog([genesis], genesisState(genesis))
  }

  /** Rebuilds a log from stored or received entries; throws EntryRejectedError if any does not apply. */
  static fromEntries(entries: VerifiedEntry[]): GroupLog {
    if (entries.length === 0) {
      throw new EntryRejectedError('empty log')
    }
    return new GroupLog([...entries], replay(entries))
  }

  get state(): GroupState {
    return this.current
  }

  get length(): number {
    return this.entries.length
  }

  get head(): VerifiedEntry {
    return this.entries[this.entries.length - 1]
  }

  get genesis(): VerifiedEntry {
    return this.entries[0]
  }

  all(): readonly VerifiedEntry[] {
    return this.entries
  }

  at(seq: number): VerifiedEntry | undefined {
    return this.entries[seq]
  }

  has(idHex: string): boolean {
    return this.index.has(idHex)
  }

  /** Entries after `seq`, or the whole log when our entry at `seq` is not `id` (the asker is on another branch). */
  since(seq: number, id: Uint8Array): VerifiedEntry[] {
    const ours = this.entries[seq]
    return ours != null && id.byteLength > 0 && equalBytes(ours.id, id)
      ? this.entries.slice(seq + 1)
      : [...this.entries]
  }

  /** The state just after entry `seq`. */
  stateAt(seq: number): GroupState {
    return seq === this.current.seq ? this.current : replay(this.entries.slice(0, seq + 1))
  }

  /**
   * Offers a chain of entries, ordered and linked to each other: one from gossip, or a log from a sync.
   * Extends the log, ignores what we have, or settles a fork (see chooseBranch).
   */
  offer(chain: VerifiedEntry[]): OfferResult {
    if (!isLinked(chain)) {
      return { type: 'rejected', error: new EntryRejectedError('entries do not form a chain') }
    }
    let start = 0
    while (start < chain.length && this.entries[chain[start].seq]?.idHex === chain[start].idHex) {
      start++
    }
    const fresh = chain.slice(start)
    if (fresh.length === 0) {
      return { type: 'duplicate' }
    }
    const first = fresh[0]
    if (first.seq === 0) {
      return { type: 'rejected', error: new EntryRejectedError('a different origin for this group') }
    }
    const parent = this.entries[first.seq - 1]
    if (parent == null || !equalBytes(parent.id, first.prev)) {
      return { type: 'gap' }
    }
    if (first.seq === this.current.seq + 1) {
      const { states, error } = applyAll(this.current, fresh)
      if (states.length === 0) {
        return { type: 'rejected', error: error! }
      }
      const appended = fresh.slice(0, states.length)
      this.push(appended, states[states.length - 1])
      return error == null ? { type: 'appended', appended } : { type: 'appended', appended, rejected: error }
    }
    const base = this.stateAt(first.seq - 1)
    const { states, error } = applyAll(base, fresh)
    if (states.length === 0) {
      return { type: 'rejected', error: error! }
    }
    const theirs = fresh.slice(0, states.length)
    const ours = this.entries.slice(first.seq)
    if (chooseBranch(base, ours, theirs) === 'ours') {
      return { type: 'kept', theirs }
    }
    const before = this.current
    this.entries = this.entries.slice(0, first.seq)
    this.index = new Map(this.entries.map((e, i) => [e.idHex, i]))
    this.push(theirs, states[states.length - 1])
    return { type: 'switched', dropped: ours, appended: theirs, before }
  }

  private push(entries: VerifiedEntry[], state: GroupState): void {
    for (const e of entries) {
      this.index.set(e.idHex, this.entries.length)
      this.entries.push(e)
    }
    this.current = state
  }
}

function isLinked(chain: VerifiedEntry[]): boolean {
  return chain.every((e, i) => i === 0 || (e.seq === chain[i - 1].seq + 1 && equalBytes(e.prev, chain[i - 1].id)))
}

function replay(entries: VerifiedEntry[]): GroupState {
  let state = genesisState(entries[0])
  for (const e of entries.slice(1)) {
    state = applyEntry(state, e)
  }
  return state
}

/** Applies entries in order until one fails; returns the states reached and the failure, if any. */
function applyAll(
  from: GroupState,
  entries: VerifiedEntry[]
): { states: GroupState[]; error: EntryRejectedError | undefined } {
  const states: GroupState[] = []
  let state = from
  for (const e of entries) {
    try {
      state = applyEntry(state, e)
    } catch (err) {
      return { states, error: err instanceof EntryRejectedError ? err : new EntryRejectedError(String(err)) }
    }
    states.push(state)
  }
  return { states, error: undefined }
}

/** PeerIds that lose their rights (removed or demoted) somewhere in `branch`. */
function revoked(branch: VerifiedEntry[]): Set<string> {
  return new Set(branch.filter((e) => e.kind === 'remove' || e.kind === 'demote').map((e) => e.subjectId))
}

/**
 * Settles a fork: two valid branches after the same entry (`base` is the state there). Both sides of a fork reach
 * the same answer, so members converge once they have seen both branches:
 * 1. a branch that removes or demotes an author of the other wins, so that someone who lost their rights cannot
 *    undo that by publishing entries they signed (or held back) before;
 * 2. else a branch with a LEAVE in it, since a member who left has forgotten the group and cannot sign again
 *    (everyone else whose entries lose signs them again on the winning branch);
 * 3. else the branch whose first entry's author has the higher role (owner > admin > member);
 * 4. else the branch whose first entry has the lower id.
 */
export function chooseBranch(base: GroupState, ours: VerifiedEntry[], theirs: VerifiedEntry[]): 'ours' | 'theirs' {
  const oursRevokes = revoked(ours)
  const theirsRevokes = revoked(theirs)
  const oursBlocks = theirs.some((e) => oursRevokes.has(e.authorId))
  const theirsBlock = ours.some((e) => theirsRevokes.has(e.authorId))
  if (oursBlocks !== theirsBlock) {
    return oursBlocks ? 'ours' : 'theirs'
  }
  const oursLeaves = ours.some((e) => e.kind === 'leave')
  const theirsLeave = theirs.some((e) => e.kind === 'leave')
  if (oursLeaves !== theirsLeave) {
    return oursLeaves ? 'ours' : 'theirs'
  }
  const rank = (e: VerifiedEntry): number => RANK[base.members.get(e.authorId)?.role ?? 'member']
  const diff = rank(ours[0]) - rank(theirs[0])
  if (diff !== 0) {
    return diff > 0 ? 'ours' : 'theirs'
  }
  return ours[0].idHex <= theirs[0].idHex ? 'ours' : 'theirs'
}
