import { JitteredInterval } from '../common/jittered-interval.ts'
import { ANNOUNCE_INTERVAL_MS, ANNOUNCE_JITTER_MS } from './constants.ts'

export interface AnnouncerInit {
  /** @default ANNOUNCE_INTERVAL_MS */
  intervalMs?: number
  /** @default ANNOUNCE_JITTER_MS */
  jitterMs?: number
  /** encoded announcements of our public groups, by group id */
  announcements(): Map<string, Uint8Array>
  /** whether someone else announced the group since `since` (then we need not) */
  heardSince(groupId: string, since: number): boolean
  publish(data: Uint8Array): Promise<void>
  /** called on every round, for expiring listings */
  tick(now: number): void
}

/**
 * Announces our public groups on the directory topic: every interval unless another member just did (so a big
 * group does not flood the topic), at once for a new group, and shortly after a newcomer subscribes.
 */
export class Announcer {
  private readonly intervalMs: number
  private readonly jitterMs: number
  private readonly rounds: JitteredInterval
  private replyTimer?: ReturnType<typeof setTimeout>
  private running = false

  constructor(private readonly init: AnnouncerInit) {
    this.intervalMs = init.intervalMs ?? ANNOUNCE_INTERVAL_MS
    this.jitterMs = init.jitterMs ?? ANNOUNCE_JITTER_MS
    this.rounds = new JitteredInterval(this.intervalMs, () => this.round())
  }

  start(): void {
    this.running = true
    this.rounds.start()
  }

  stop(): void {
    this.running = false
    this.rounds.stop()
    clearTimeout(this.replyTimer)
  }

  /** Announces one group (or all) right away. */
  now(groupId?: string): void {
    for (const [id, data] of this.init.announcements()) {
      if (groupId == null || id === groupId) {
        void this.init.publish(data)
      }
    }
  }

  /** Answers a newcomer after a random delay, once for a burst of newcomers. */
  replySoon(): void {
    if (this.replyTimer != null || !this.running) {
      return
    }
    this.replyTimer = setTimeout(
      () => {
        this.replyTimer = undefined
        this.now()
      },
      Math.floor(Math.random() * this.jitterMs)
    )
  }

  private round(): void {
    const now = Date.now()
    this.init.tick(now)
    for (const [groupId, data] of this.init.announcements()) {
      if (!this.init.heardSince(groupId, now - this.intervalMs / 2)) {
        void this.init.publish(data)
      }
    }
  }
}
