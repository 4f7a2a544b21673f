import type { Logger, PrivateKey } from '@libp2p/interface'
import { changesOf, diffStates, type GroupChange } from './changes.ts'
import { encodeEntryFrame } from './codec.ts'
import { type UnwrapIdentity, unwrapIdentity } from './crypto.ts'
import { peerIdOfKey, type VerifiedEntry, verifyEntryBytes } from './entries.ts'
import { EntryRejectedError } from './errors.ts'
import { GroupLog, type OfferResult } from './log.ts'
import { authorEntry, type Op } from './ops.ts'
import { GroupRuntime } from './runtime.ts'
import { applyEntry, type GroupState } from './state.ts'

/** Where group logs are kept between runs. */
export interface GroupPersistence {
  loadAll(): Promise<Array<{ groupId: string; entries: Uint8Array[] }>>
  save(groupId: string, entries: Uint8Array[]): Promise<void>
  remove(groupId: string): Promise<void>
}

/** Keeps nothing: for peers that need no history of their groups (benchmarks, tests). */
export const memoryPersistence: GroupPersistence = {
  loadAll: async () => [],
  save: async () => {},
  remove: async () => {}
}

export interface EngineHooks {
  /** a group became ours (created, joined, loaded) */
  adopted(runtime: GroupRuntime): void
  /** we are no longer a member */
  dropped(runtime: GroupRuntime): void
  /** the log of a group changed */
  changed(runtime: GroupRuntime, changes: GroupChange[]): void
  error(err: unknown, message: string): void
}

/**
 * Our groups and their logs: applies entries from the network and authors our own, one at a time per group,
 * keeps keys and storage in step, and reports changes. No network I/O: the service does that.
 */
export class GroupEngine {
  readonly me: string
  private unwrap?: UnwrapIdentity
  readonly runtimes = new Map<string, GroupRuntime>()
  private readonly saving = new Map<string, Promise<void>>()

  constructor(
    readonly privateKey: PrivateKey,
    private readonly persistence: GroupPersistence,
    private readonly hooks: EngineHooks,
    private readonly log: Logger
  ) {
    this.me = peerIdOfKey(privateKey.publicKey.raw)
  }

  /** Our X25519 key pair for group keys, derived at the first group: 100 ms of curve arithmetic a start skips. */
  get identity(): UnwrapIdentity {
    this.unwrap ??= unwrapIdentity(this.privateKey)
    return this.unwrap
  }

  /** Loads stored groups; a stored log that no longer verifies is reported and skipped. */
  async load(): Promise<void> {
    for (const stored of await this.persistence.loadAll()) {
      try {
        const entries: VerifiedEntry[] = []
        for (const bytes of stored.entries) {
          entries.push(await verifyEntryBytes(bytes))
        }
        const log = GroupLog.fromEntries(entries)
        if (log.state.groupId !== stored.groupId || !log.state.members.has(this.me)) {
          await this.persistence.remove(stored.groupId)
          continue
        }
        this.adopt(log, false)
      } catch (err) {
        this.hooks.error(err, `stored group ${stored.groupId} is damaged and was skipped`)
      }
    }
  }

  get(groupId: string): GroupRuntime | undefined {
    return this.runtimes.get(groupId)
  }

  all(): GroupRuntime[] {
    return [...this.runtimes.values()]
  }

  /** Makes a log we are a member of one of our groups. */
  adopt(log: GroupLog, save = true): GroupRuntime {
    const runtime = new GroupRuntime(log, this.identity)
    this.runtimes.set(runtime.id, runtime)
    if (save) {
      this.save(runtime)
    }
    this.hooks.adopted(runtime)
    return runtime
  }

  /** Applies entries from the network (signatures already checked). */
  apply(runtime: GroupRuntime, chain: VerifiedEntry[]): Promise<OfferResult> {
    return runtime.exclusive(() => this.applyLocked(runtime, chain))
  }

  /**
   * Authors `op` at the head of the log and applies it. Returns the topic frame to publish, sealed with the key in
   * effect before the entry, so that everyone who must learn of it (a removed member included) can read it.
   */
  author(runtime: GroupRuntime, op: Op): Promise<{ entry: VerifiedEntry; frame: Uint8Array }> {
    return runtime.exclusive(async () => {
      const state = runtime.state
      const entry = await authorEntry(this.privateKey, runtime.log.position(), op, runtime.keyring.get(state.keyId))
      const frame = runtime.wrap(encodeEntryFrame(entry.bytes), state)
      const announcements: Array<() => void> = []
      const result = this.applyLocked(runtime, [entry], announcements)
      if (result.type !== 'appended') {
        throw new EntryRejectedError(`our own ${op.kind} did not apply (${result.type})`)
      }
      // stored before anyone is told it was made: a change we acknowledged survives a crash right after
      await this.stored(runtime.id)
      for (const announce of announcements) {
        announce()
      }
      return { entry, frame }
    })
  }

  /** `announcements`, if given, collects the change events instead of emitting them, for the caller to emit. */
  private applyLocked(runtime: GroupRuntime, chain: VerifiedEntry[], announcements?: Array<() => void>): OfferResult {
    if (!this.runtimes.has(runtime.id)) {
      return { type: 'rejected', error: new EntryRejectedError('no longer a member of this group') }
    }
    const before = runtime.state
    const result = runtime.log.offer(chain)
    if (result.type === 'appended') {
      runtime.keyring.learn(result.appended)
      // concurrent branches met: the resolved state may differ from ours in more than the new entries
      const changes = result.linear
        ? changesAlong(before, result.appended, this.me)
        : diffStates(before, runtime.state, this.me, result.appended)
      for (const e of result.held) {
        runtime.holdEntry(e)
      }
      this.settle(runtime, changes, announcements)
    } else if (result.type === 'gap') {
      for (const e of result.held) {
        runtime.holdEntry(e)
      }
    }
    return result
  }

  private settle(runtime: GroupRuntime, changes: GroupChange[], announcements?: Array<() => void>): void {
    this.save(runtime)
    const announce = (): void => this.hooks.changed(runtime, changes)
    // still invited: our JOIN is on its way (the group is ours from accepting the invitation)
    if (!runtime.state.members.has(this.me) && !runtime.state.invited.has(this.me)) {
      this.drop(runtime)
      announcements == null ? announce() : announcements.push(announce)
      return
    }
    announcements == null ? announce() : announcements.push(announce)
    const ready = runtime.takeReadyEntries()
    if (ready.length > 0) {
      this.applyLocked(runtime, ready, announcements)
    }
  }

  /** Forgets a group we are no longer in (left, removed), and its stored log. */
  drop(runtime: GroupRuntime): void {
    if (!this.runtimes.delete(runtime.id)) {
      return
    }
    clearTimeout(runtime.rekeyTimer)
    this.hooks.dropped(runtime)
    void this.enqueueSave(runtime.id, () => this.persistence.remove(runtime.id))
  }

  private save(runtime: GroupRuntime): void {
    if (!this.runtimes.has(runtime.id)) {
      return
    }
    void this.enqueueSave(runtime.id, () =>
      this.runtimes.has(runtime.id)
        ? this.persistence.save(
            runtime.id,
            runtime.log.all().map((e) => e.bytes)
          )
        : Promise.resolve()
    )
  }

  /** Writes of one group happen in order, so an older log never overwrites a newer one. */
  private enqueueSave(groupId: string, write: () => Promise<void>): Promise<void> {
    const previous = this.saving.get(groupId) ?? Promise.resolve()
    const next = previous.then(write).catch((err: unknown) => {
      this.log.error('could not store group %s - %e', groupId, err)
      this.hooks.error(err, `could not store group ${groupId}`)
    })
    this.saving.set(groupId, next)
    void next.finally(() => {
      if (this.saving.get(groupId) === next) {
        this.saving.delete(groupId)
      }
    })
    return next
  }

  /** Resolves once what was queued for storage of group `groupId` so far is written (or failed, and was reported). */
  async stored(groupId: string): Promise<void> {
    await this.saving.get(groupId)
  }

  /** Waits for pending writes (before stopping). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.saving.values()])
  }
}

/** Per-entry changes of a run of appended entries. */
function changesAlong(before: GroupState, entries: VerifiedEntry[], me: string): GroupChange[] {
  const out: GroupChange[] = []
  let state = before
  for (const e of entries) {
    const next = applyEntry(state, e)
    out.push(...changesOf(state, e, next, me))
    state = next
  }
  return out
}
