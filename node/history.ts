import { BoundedMap } from '../protocols/common/index.ts'
import type { PurgeCounts } from './events.ts'
import { DEFAULT_LOBBY_QUOTA, LobbyCounts, type LobbyQuota } from './lobby-quota.ts'
import {
  isExpired,
  type KeptMessage,
  nextExpiry,
  type Placement,
  placementFor,
  planPurge,
  RETENTION_SCOPES,
  type RetentionSettings,
  scopeOf
} from './retention.ts'
import { type Contact, type MessageStore, messageKey, type StoredMessage } from './store.ts'

export type { PurgeCounts } from './events.ts'

export interface MessageArchiveInit {
  /** the LevelDB store; none for an ephemeral session, which keeps everything in memory */
  disk?: MessageStore
  /** the current policies, read on every decision so that a change applies at once */
  settings: () => RetentionSettings
  /** told what the purge timer removed */
  onPurge?: (counts: PurgeCounts) => void
  /** @default Date.now */
  now?: () => number
  /** how many lobby messages are kept, per sender and in total. @default DEFAULT_LOBBY_QUOTA */
  lobbyQuota?: Partial<LobbyQuota>
}

/** Session messages kept in memory at most; the oldest go first, so a long session cannot exhaust memory. */
export const MAX_SESSION_MESSAGES = 100_000

/** The purge timer re-checks at least this often, and never more often than MIN_PURGE_DELAY_MS. */
const MAX_PURGE_DELAY_MS = 60 * 60 * 1000
const MIN_PURGE_DELAY_MS = 1000

/**
 * A purge waits this fraction of the shortest duration past the first expiry, so one purge (one rewrite of the
 * store) takes a batch of messages instead of running once per message. Expired messages are hidden from
 * history at once regardless.
 */
const PURGE_SLACK_FRACTION = 0.01

/**
 * History under the account's retention policies: `none` keeps nothing, `session` keeps messages in memory
 * only, durations and `forever` keep them in the store. Expired messages are purged continuously by a timer
 * set to the next expiry, and every change of policy is applied at once.
 */
export class MessageArchive {
  private readonly disk?: MessageStore
  private readonly settings: () => RetentionSettings
  private readonly onPurge?: (counts: PurgeCounts) => void
  private readonly now: () => number
  private readonly quota: LobbyQuota
  private readonly lobbyCounts: LobbyCounts
  private readonly memory = new BoundedMap<string, StoredMessage>(MAX_SESSION_MESSAGES)
  private contactsInMemory = new Map<string, Contact>()
  /** serialises every change to the store, so a purge never races a save */
  private queue: Promise<unknown> = Promise.resolve()
  /** messages waiting to be written together by saveToDisk(), and when that write is done */
  private pendingWrite?: { msgs: StoredMessage[]; done: Promise<void> }
  private timer?: ReturnType<typeof setTimeout>
  private timerDue = Number.POSITIVE_INFINITY
  private running = false
  private closed = false

  constructor(init: MessageArchiveInit) {
    this.disk = init.disk
    this.settings = init.settings
    this.onPurge = init.onPurge
    this.now = init.now ?? Date.now
    this.quota = { ...DEFAULT_LOBBY_QUOTA, ...init.lobbyQuota }
    this.lobbyCounts = new LobbyCounts(this.quota)
  }

  get persistent(): boolean {
    return this.disk != null
  }

  /** Applies the policies to what is stored (at start) and keeps purging until stop(). */
  async start(): Promise<PurgeCounts> {
    this.running = true
    return this.apply()
  }

  stop(): void {
    this.running = false
    clearTimeout(this.timer)
    this.timer = undefined
    this.timerDue = Number.POSITIVE_INFINITY
  }

  /** Stops the timer and closes the store; session messages are dropped with the process. */
  async close(): Promise<void> {
    this.stop()
    await this.serial(async () => {
      this.memory.clear()
      if (!this.closed) {
        this.closed = true
        await this.disk?.close()
      }
    })
  }

  /** Keeps `msg` where its scope's policy says; returns where, or undefined when it was not kept. */
  async save(msg: StoredMessage): Promise<Placement | undefined> {
    const policy = this.settings()[scopeOf(msg.scope)]
    const where = placementFor(policy, msg.ts, this.now(), this.persistent)
    if (where == null) {
      return undefined
    }
    if (where === 'disk' && this.disk != null) {
      await this.saveToDisk(this.disk, msg)
    } else {
      await this.serial(async () => this.remember(msg))
    }
    if (policy.kind === 'duration') {
      this.schedule(msg.ts + policy.ms + this.slack())
    }
    if (msg.scope === 'lobby') {
      this.lobbyCounts.add(msg.fromPeerId)
      if (this.lobbyCounts.due(msg.fromPeerId)) {
        // trims a batch: a purge rewrites the store, so it waits for the slack past the cap
        void this.apply().catch(() => undefined)
      }
    }
    return where
  }

  /**
   * Writes `msg` with the other messages saved while the store was busy, or in the same tick: one write for a
   * burst (every lobby line of a busy room is a save) instead of one per message. In the queue's order, like
   * every change to the store.
   */
  private saveToDisk(disk: MessageStore, msg: StoredMessage): Promise<void> {
    if (this.pendingWrite == null) {
      const msgs: StoredMessage[] = []
      const done = this.serial(async () => {
        this.pendingWrite = undefined
        await disk.saveMessages(msgs)
      })
      this.pendingWrite = { msgs, done }
    }
    this.pendingWrite.msgs.push(msg)
    return this.pendingWrite.done
  }

  /** The newest `limit` kept messages of a conversation ('lobby' or a PeerId), oldest first, expired ones left out. */
  async history(conversation: string, limit = 50): Promise<StoredMessage[]> {
    const prefix = `msg!${conversation}!`
    // through the queue: a purge may be swapping the store's files right now
    const fromDisk = (await this.serial(() => this.disk?.history(conversation, limit))) ?? []
    const fromMemory = [...this.memory.entries()].filter(([key]) => key.startsWith(prefix)).map(([, m]) => m)
    const settings = this.settings()
    const now = this.now()
    return [...fromDisk, ...fromMemory]
      .filter((m) => !isExpired(settings[scopeOf(m.scope)], m.ts, now))
      .sort((a, b) => (messageKey(a) < messageKey(b) ? -1 : 1))
      .slice(-limit)
  }

  /** Makes what is stored obey the current policies (call after every change); returns what was deleted. */
  async apply(): Promise<PurgeCounts> {
    return this.serial(() => this.enforce())
  }

  /** Deletes everything of `peerId`: our DMs with it, its lobby messages and its contact entry. */
  async forgetPeer(peerId: string): Promise<number> {
    return this.serial(async () => {
      const theirs = (m: StoredMessage): boolean => m.conversation === peerId || m.fromPeerId === peerId
      let count = 0
      for (const [key, msg] of this.memory) {
        if (theirs(msg)) {
          this.memory.delete(key)
          count++
        }
      }
      this.contactsInMemory.delete(peerId)
      this.lobbyCounts.forget(peerId)
      if (this.disk != null) {
        const keys: string[] = []
        for await (const [key, msg] of this.disk.messages()) {
          if (theirs(msg)) {
            keys.push(key)
          }
        }
        await this.disk.deleteMessages(keys)
        await this.disk.deleteContact(peerId)
        await this.disk.compact()
        count += keys.length
      }
      return count
    })
  }

  /** Contacts are who we have seen online: kept with the store, or in memory for an ephemeral session. */
  async saveContact(contact: Contact): Promise<void> {
    if (this.disk == null) {
      this.contactsInMemory.set(contact.peerId, contact)
      return
    }
    await this.serial(() => this.disk?.saveContact(contact))
  }

  async contacts(): Promise<Contact[]> {
    const disk = this.disk
    return disk == null ? [...this.contactsInMemory.values()] : this.serial(() => disk.contacts())
  }

  private async enforce(): Promise<PurgeCounts> {
    const settings = this.settings()
    const now = this.now()
    const kept = new Map<string, { msg: StoredMessage; where: Placement }>()
    for (const [key, msg] of this.memory) {
      kept.set(key, { msg, where: 'memory' })
    }
    if (this.disk != null) {
      for await (const [key, msg] of this.disk.messages()) {
        kept.set(key, { msg, where: 'disk' })
      }
    }
    const meta = [...kept.entries()].map(
      ([key, { msg, where }]): KeptMessage => ({ key, scope: msg.scope, ts: msg.ts, where, from: msg.fromPeerId })
    )
    const plan = planPurge(meta, settings, now, this.persistent, this.quota)
    const counts: PurgeCounts = { lobby: 0, dm: 0, groups: 0 }
    const offDisk: string[] = []
    for (const m of plan.delete) {
      counts[scopeOf(m.scope)]++
      if (m.where === 'disk') {
        offDisk.push(m.key)
      } else {
        this.memory.delete(m.key)
      }
    }
    for (const m of plan.toMemory) {
      const entry = kept.get(m.key)
      if (entry != null) {
        this.remember(entry.msg)
      }
      offDisk.push(m.key)
    }
    for (const m of plan.toDisk) {
      const entry = kept.get(m.key)
      if (entry != null && this.disk != null) {
        await this.disk.saveMessage(entry.msg)
        this.memory.delete(m.key)
      }
    }
    if (offDisk.length > 0 && this.disk != null) {
      await this.disk.deleteMessages(offDisk)
      await this.disk.compact()
    }
    const gone = new Set(plan.delete.map((m) => m.key))
    this.lobbyCounts.reset(meta.flatMap((m) => (m.scope === 'lobby' && !gone.has(m.key) ? [m.from ?? ''] : [])))
    this.timerDue = Number.POSITIVE_INFINITY
    clearTimeout(this.timer)
    const next = nextExpiry(
      meta.filter((m) => !gone.has(m.key)),
      settings
    )
    if (next != null) {
      this.schedule(next + this.slack())
    }
    return counts
  }

  private slack(): number {
    const durations = RETENTION_SCOPES.map((s) => this.settings()[s]).flatMap((p) =>
      p.kind === 'duration' ? [p.ms] : []
    )
    return durations.length === 0 ? 0 : Math.min(...durations) * PURGE_SLACK_FRACTION
  }

  /** Arms the purge timer for `due`, unless it already fires earlier. */
  private schedule(due: number): void {
    const now = this.now()
    const fireAt = Math.min(Math.max(due, now + MIN_PURGE_DELAY_MS), now + MAX_PURGE_DELAY_MS)
    if (!this.running || fireAt >= this.timerDue) {
      return
    }
    clearTimeout(this.timer)
    this.timerDue = fireAt
    const delay = fireAt - now
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.timerDue = Number.POSITIVE_INFINITY
      void this.apply().then(
        (counts) => {
          if (RETENTION_SCOPES.some((s) => counts[s] > 0)) {
            this.onPurge?.(counts)
          }
        },
        () => {
          // the store closed under us (stopping): nothing left to purge in this session
        }
      )
    }, delay)
    this.timer.unref?.()
  }

  private remember(msg: StoredMessage): void {
    this.memory.set(messageKey(msg), msg)
  }

  private serial<T>(op: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(op, op)
    this.queue = run.catch(() => undefined)
    return run
  }
}
