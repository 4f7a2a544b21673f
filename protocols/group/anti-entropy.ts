import type { GossipSub } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { JitteredInterval } from '../common/jittered-interval.ts'
import { ANTI_ENTROPY_INTERVAL_MS, MAX_ANTI_ENTROPY_GROUPS } from './constants.ts'
import type { GroupEngine } from './engine.ts'
import type { Sync } from './sync.ts'

/** What one round looks at of a group: its id, its members, and who is on its topic now. */
export interface AntiEntropyGroup<P> {
  readonly id: string
  isMember(peer: string): boolean
  subscribers(): P[]
}

/**
 * Which groups a round syncs, and with whom: up to `max` groups, taking up where the last round stopped (`cursor`
 * counts the groups served so far), each with one member on its topic picked by `random`. A group with no member
 * online is skipped without using up a place.
 */
export function antiEntropyPicks<P extends { toString(): string }>(
  groups: ReadonlyArray<AntiEntropyGroup<P>>,
  me: string,
  cursor: number,
  max: number,
  random: () => number
): { picks: Array<{ groupId: string; peer: P }>; cursor: number } {
  const picks: Array<{ groupId: string; peer: P }> = []
  let looked = 0
  while (picks.length < max && looked < groups.length) {
    const group = groups[(cursor + looked) % groups.length]!
    looked++
    const members = group.subscribers().filter((p) => p.toString() !== me && group.isMember(p.toString()))
    if (members.length > 0) {
      picks.push({ groupId: group.id, peer: members[Math.floor(random() * members.length)]! })
    }
  }
  return { picks, cursor: groups.length === 0 ? 0 : (cursor + looked) % groups.length }
}

export interface AntiEntropyInit<P> {
  /** @default ANTI_ENTROPY_INTERVAL_MS */
  intervalMs?: number
  /** @default MAX_ANTI_ENTROPY_GROUPS */
  maxGroups?: number
  readonly me: string
  groups(): ReadonlyArray<AntiEntropyGroup<P>>
  /** a routine sync: rate-limited per (group, peer) and bounded in number by Sync itself */
  sync(groupId: string, peer: P): void
}

/**
 * Every interval (±20%), syncs our groups with one member each, picked at random among those on the topic: the
 * safety net under the syncs that events prompt. Entries travel on the topic only from their authors, so a member
 * that missed an author's publish (the author was killed a moment later, or the mesh had not formed yet) and does
 * not meet the author again would otherwise keep an old membership and key until something else prompted a sync,
 * however long that took. A sync with a member whose head equals ours costs one request and an empty answer.
 */
export class AntiEntropy<P extends { toString(): string }> {
  private readonly maxGroups: number
  private readonly rounds: JitteredInterval
  private cursor = 0

  constructor(private readonly init: AntiEntropyInit<P>) {
    this.maxGroups = init.maxGroups ?? MAX_ANTI_ENTROPY_GROUPS
    this.rounds = new JitteredInterval(init.intervalMs ?? ANTI_ENTROPY_INTERVAL_MS, () => this.round())
  }

  start(): void {
    this.rounds.start()
  }

  stop(): void {
    this.rounds.stop()
  }

  /** One round now; the timer calls it, tests may too. */
  round(): void {
    const { picks, cursor } = antiEntropyPicks(
      this.init.groups(),
      this.init.me,
      this.cursor,
      this.maxGroups,
      Math.random
    )
    this.cursor = cursor
    for (const { groupId, peer } of picks) {
      this.init.sync(groupId, peer)
    }
  }
}

/** The anti-entropy of a group service: its groups from the engine, who is online from gossipsub, syncs by Sync. */
export function groupAntiEntropy(
  engine: Pick<GroupEngine, 'all' | 'get' | 'me'>,
  pubsub: Pick<GossipSub, 'getSubscribers'>,
  sync: Pick<Sync, 'requestSync'>,
  intervalMs?: number
): AntiEntropy<PeerId> {
  return new AntiEntropy<PeerId>({
    intervalMs,
    me: engine.me,
    groups: () =>
      engine.all().map((runtime) => ({
        id: runtime.id,
        isMember: (peer) => runtime.state.members.has(peer),
        subscribers: () => pubsub.getSubscribers(runtime.topic)
      })),
    sync: (groupId, peer) => {
      const runtime = engine.get(groupId)
      if (runtime != null) {
        sync.requestSync(runtime, peer)
      }
    }
  })
}
