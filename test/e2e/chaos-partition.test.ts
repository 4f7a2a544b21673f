import { afterEach, describe, expect, it } from 'vitest'
import { lanPeers, trafficRound, undoScenario } from './chaos-helpers.ts'
import { chaosSize, dmOutcomes, Fleet, recordRow, sendAndWait, sendDm } from './harness/chaos.ts'
import { heal, partition } from './harness/faults.ts'
import { requireTool } from './harness.ts'

const size = chaosSize({ peers: 3, rounds: 2 }, { peers: 6, rounds: 10 })

describe('chaos: a partition', () => {
  requireTool('netns')
  afterEach(undoScenario)

  it('a peer cut off and healed rejoins by itself and shows everything, also what was said meanwhile, exactly once', async () => {
    const fleet = new Fleet()
    const { lan, peers } = await lanPeers(fleet, size.peers)
    await trafficRound(peers, 0, 'before')
    const cut = peers.at(-1)!
    const host = lan.hosts.at(-1)!
    const others = peers.filter((p) => p !== cut)
    const marks = new Map(others.map((p) => [p, p.events.length]))
    await partition(host.ns, host.iface)
    // the others notice: the cut peer leaves their lists
    await Promise.all(
      others.map((p) => p.waitFor('leave', (e) => e.peerId === cut.peerId, { from: marks.get(p), timeoutMs: 90_000 }))
    )
    // said while the link is down: the lobby lines come back by catch-up, the DM waits in its sender's outbox
    for (const p of peers) {
      const text = `cut off ${p.name}`
      await sendAndWait(p, text, text)
    }
    await sendDm(peers.at(-2)!, cut.peerId, `cut off dm ${peers.at(-2)!.name}`)
    await heal(host.ns, host.iface)
    const healedAt = Date.now()
    await Promise.all(peers.map((p) => p.waitForUsers((users) => users.length === peers.length, 90_000)))
    const healMs = Date.now() - healedAt
    for (let round = 1; round <= size.rounds; round++) {
      await trafficRound(peers, round, 'after')
    }
    await Promise.all(peers.map((p) => dmOutcomes(p)))
    const init = { offlineDelivery: true }
    await fleet.settle(init, 60_000)
    const result = fleet.check(init)
    recordRow(
      `one of ${size.peers} peers cut off, then healed`,
      result,
      healMs,
      'heal until everyone saw everyone again'
    )
    expect(result.violations).toEqual([])
  }, 300_000)
})
