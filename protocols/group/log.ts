import { MAX_LOG_ENTRIES } from './constants.ts'
import type { VerifiedEntry } from './entries.ts'
import { EntryRejectedError } from './errors.ts'
import { parentsOf, resolve } from './resolve.ts'
import { applyEntry, type GroupState, genesisState } from './state.ts'

/** What offering entries to a log did. */
export type OfferResult =
  /**
   * new entries joined the graph (`linear`: each extended the only head, so the state moved one entry at a time);
   * `held`: entries whose parents we lack; `rejected`: the first entry that failed its checks
   */
  | {
      type: 'appended'
      appended: VerifiedEntry[]
      linear: boolean
      held: VerifiedEntry[]
      rejected?: EntryRejectedError
    }
  /** we had every entry already */
  | { type: 'duplicate' }
  /** parents of the entries are missing: fetch them from the sender */
  | { type: 'gap'; held: VerifiedEntry[] }
  /** the first new entry does not apply */
  | { type: 'rejected'; error: EntryRejectedError }

/**
 * A group's membership log: a graph of verified entries, each naming its parents by id, and the state it resolves
 * to (see resolve.ts). Pure (no I/O, no clock): the state is a function of the set of entries only, so every member
 * that holds the same entries reaches the same state, whatever order they arrived in.
 */
export class GroupLog {
  /** insertion order: parents always before children */
  private readonly entries: VerifiedEntry[] = []
  private readonly index = new Map<string, VerifiedEntry>()
  /** the state of each entry's ancestry and itself: what an entry naming it as only parent is checked against */
  private readonly after = new Map<string, GroupState>()
  private readonly heads = new Set<string>()
  private current: GroupState

  private constructor(genesis: VerifiedEntry) {
    this.current = genesisState(genesis)
    this.entries.push(genesis)
    this.index.set(genesis.idHex, genesis)
    this.after.set(genesis.idHex, this.current)
    this.heads.add(genesis.idHex)
  }

  /** A log holding only its CREATE entry. */
  static create(genesis: VerifiedEntry): GroupLog {
    return new GroupLog(genesis)
  }

  /** Rebuilds a log from stored or received entries (parents first); throws EntryRejectedError if any fails. */
  static fromEntries(entries: VerifiedEntry[]): GroupLog {
    if (entries.length === 0) {
      throw new EntryRejectedError('empty log')
    }
    const log = new GroupLog(entries[0])
    for (const e of entries.slice(1)) {
      if (!log.index.has(e.idHex)) {
        log.insert(e)
      }
    }
    log.settle()
    return log
  }

  get state(): GroupState {
    return this.current
  }

  get length(): number {
    return this.entries.length
  }

  /** The entry inserted last: what we tell a peer we have when we ask for its log. */
  get head(): VerifiedEntry {
    return this.entries[this.entries.length - 1]
  }

  get genesis(): VerifiedEntry {
    return this.entries[0]
  }

  all(): readonly VerifiedEntry[] {
    return this.entries
  }

  get(idHex: string): VerifiedEntry | undefined {
    return this.index.get(idHex)
  }

  has(idHex: string): boolean {
    return this.index.has(idHex)
  }

  /** The entries nothing names as parent yet, by ascending id: the parents of the next entry we sign. */
  tips(): VerifiedEntry[] {
    return [...this.heads].sort().map((id) => this.index.get(id)!)
  }

  /** Where our next entry goes. */
  position(): { state: GroupState; tips: VerifiedEntry[] } {
    return { state: this.current, tips: this.tips() }
  }

  /** Entries that are not `id` nor its ancestors (all of them when we do not know `id`), parents first. */
  since(id: string): VerifiedEntry[] {
    if (!this.index.has(id)) {
      return [...this.entries]
    }
    const known = this.closure([id])
    return this.entries.filter((e) => !known.has(e.idHex))
  }

  /** `id` and its ancestors, parents first: what a removed member may still see. */
  upTo(id: string): VerifiedEntry[] {
    const known = this.closure([id])
    return this.entries.filter((e) => known.has(e.idHex))
  }

  /** The entries that count, in the order the resolution applied them. */
  resolution(): VerifiedEntry[] {
    return resolve(this.entries).applied
  }

  /**
   * Offers entries from gossip or a sync, in any order. Each is checked against the state at its parents before it
   * joins the graph; the state is then resolved again over all entries. Nothing is ever dropped from the graph.
   */
  offer(chain: VerifiedEntry[]): OfferResult {
    const before = this.heads.size === 1 ? [...this.heads][0] : undefined
    let waiting = chain.filter((e) => !this.index.has(e.idHex))
    if (waiting.length === 0) {
      return { type: 'duplicate' }
    }
    const appended: VerifiedEntry[] = []
    let rejected: EntryRejectedError | undefined
    for (let progress = true; progress && waiting.length > 0 && rejected == null; ) {
      progress = false
      const later: VerifiedEntry[] = []
      for (const e of waiting) {
        if (this.index.has(e.idHex)) {
          continue
        }
        if (!parentsOf(e).every((p) => this.index.has(p))) {
          later.push(e)
          continue
        }
        try {
          this.insert(e)
          appended.push(e)
          progress = true
        } catch (err) {
          rejected = err instanceof EntryRejectedError ? err : new EntryRejectedError(String(err))
          break
        }
      }
      waiting = later
    }
    if (appended.length === 0) {
      return rejected != null ? { type: 'rejected', error: rejected } : { type: 'gap', held: waiting }
    }
    const linear = before != null && isLinear(before, appended)
    this.settle()
    return { type: 'appended', appended, linear, held: waiting, ...(rejected == null ? {} : { rejected }) }
  }

  /** Checks `e` against the state at its parents and adds it to the graph; throws EntryRejectedError. */
  private insert(e: VerifiedEntry): void {
    if (e.seq === 0 || e.groupId !== this.genesis.groupId) {
      throw new EntryRejectedError('a different origin for this group')
    }
    const parents = parentsOf(e)
    if (!parents.every((p) => this.index.has(p))) {
      throw new EntryRejectedError('an entry names parents that are not in the log')
    }
    if (e.seq !== 1 + Math.max(...parents.map((p) => this.index.get(p)!.seq))) {
      throw new EntryRejectedError('entry depth does not follow its parents')
    }
    if (this.entries.length >= MAX_LOG_ENTRIES) {
      throw new EntryRejectedError(`the membership log has reached ${MAX_LOG_ENTRIES} entries`)
    }
    const atParents = parents.length === 1 ? this.stateAfter(parents[0]) : this.resolveUpTo(parents)
    // its author signed it against this state: it must hold there, key rotation included
    const next = applyEntry(atParents, e, true)
    this.entries.push(e)
    this.index.set(e.idHex, e)
    this.after.set(e.idHex, next)
    for (const p of parents) {
      this.heads.delete(p)
    }
    this.heads.add(e.idHex)
  }

  private stateAfter(id: string): GroupState {
    return this.after.get(id)!
  }

  private resolveUpTo(ids: string[]): GroupState {
    const known = this.closure(ids)
    return resolve(this.entries.filter((e) => known.has(e.idHex))).state
  }

  /** The resolved state over every entry: one head means one history, whose state is known already. */
  private settle(): void {
    this.current = this.heads.size === 1 ? this.stateAfter([...this.heads][0]) : resolve(this.entries).state
  }

  /** `ids` and all their ancestors. */
  private closure(ids: string[]): Set<string> {
    const seen = new Set<string>()
    const todo = [...ids]
    while (todo.length > 0) {
      const id = todo.pop()!
      if (seen.has(id) || !this.index.has(id)) {
        continue
      }
      seen.add(id)
      todo.push(...parentsOf(this.index.get(id)!))
    }
    return seen
  }
}

/** Whether `entries` extend `head` one after another, each the only child of the one before. */
function isLinear(head: string, entries: VerifiedEntry[]): boolean {
  let tip = head
  for (const e of entries) {
    const parents = parentsOf(e)
    if (parents.length !== 1 || parents[0] !== tip) {
      return false
    }
    tip = e.idHex
  }
  return true
}
