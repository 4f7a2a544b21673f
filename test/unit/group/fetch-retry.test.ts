import { defaultLogger } from '@libp2p/logger'
import { describe, expect, it } from 'vitest'
import { type EngineHooks, GroupEngine, memoryPersistence } from '../../../protocols/group/engine.ts'
import { GroupSyncError } from '../../../protocols/group/errors.ts'
import type { GroupLog } from '../../../protocols/group/log.ts'
import { FETCH_RETRY_MS } from '../../../protocols/group/sync.ts'
import { newGroup, people, syncServedBy, type Who } from './fixtures.ts'

const quiet: EngineHooks = { adopted: () => {}, dropped: () => {}, changed: () => {}, error: () => {} }

/** `bob`'s Sync, whose first `failures` dials fail as an unreachable peer's do; later ones reach a member serving `served`. */
function syncReaching(bob: Who, served: GroupLog, failures: number) {
  let dials = 0
  const engine = new GroupEngine(bob.key, memoryPersistence, quiet, defaultLogger().forComponent('test'))
  const sync = syncServedBy(
    bob,
    engine,
    () => ({ status: 'ok', entries: served.all().map((e) => e.bytes) }),
    () => dials++ < failures
  )
  return { sync, dials: () => dials }
}

describe('fetching a group log to join it', { timeout: 15_000 }, () => {
  // A client joining a public group through a busy relay failed at its one dial to the owner (GROUP_SYNC_FAILED) and
  // the join was lost: the group-relay test failed under load.
  it('tries the members again a little later when none could be reached', async () => {
    const [alice, bob] = await people('alice', 'bob')
    const group = await newGroup(alice, false, 'lounge')
    const { sync, dials } = syncReaching(bob, group, 1)
    const started = Date.now()
    const fetched = await sync.fetchFromAny([alice.id], group.state.groupId, AbortSignal.timeout(10_000))
    expect(fetched.state.groupId).toBe(group.state.groupId)
    expect(dials()).toBe(2)
    expect(Date.now() - started).toBeGreaterThanOrEqual(FETCH_RETRY_MS - 50)
  })

  it('gives up with GROUP_SYNC_FAILED after a few rounds, and does not retry an answer that failed its checks', async () => {
    const [alice, bob, carol] = await people('alice', 'bob', 'carol')
    const group = await newGroup(alice, false, 'lounge')
    const unreachable = syncReaching(bob, group, 99)
    await expect(
      unreachable.sync.fetchFromAny([alice.id], group.state.groupId, AbortSignal.timeout(10_000))
    ).rejects.toThrow(GroupSyncError)
    expect(unreachable.dials()).toBe(3)
    // carol's group answered where alice's was asked for: a wrong answer, not an unreachable member
    const other = await newGroup(carol, false, 'elsewhere')
    const wrong = syncReaching(bob, other, 0)
    await expect(wrong.sync.fetchFromAny([alice.id], group.state.groupId, AbortSignal.timeout(10_000))).rejects.toThrow(
      GroupSyncError
    )
    expect(wrong.dials()).toBe(1)
  })
})
