import { afterEach, describe, expect, it } from 'vitest'
import { lanPeers, privateGroup, trafficRound, undoScenario } from './chaos-helpers.ts'
import { chaosSize, dmOutcomes, Fleet, recordRow } from './harness/chaos.ts'
import { clearLoss, droppedPackets, setLoss } from './harness/faults.ts'
import { requireTool } from './harness.ts'

const size = chaosSize({ peers: 3, rounds: 3 }, { peers: 6, rounds: 20 })
const LOSS_PERCENT = 10
const MB = 1024 * 1024

describe('chaos: packet loss', () => {
  requireTool('netns')
  requireTool('nftables')
  afterEach(undoScenario)

  it(`shows every lobby line, group post and acknowledged DM exactly once, in order, under ${LOSS_PERCENT}% loss`, async () => {
    const fleet = new Fleet()
    const { lan, peers } = await lanPeers(fleet, size.peers)
    const [owner, ...members] = peers
    const groupId = await privateGroup(owner, 'crew', members)
    for (const host of lan.hosts) {
      await setLoss(host.ns, LOSS_PERCENT)
    }
    for (let round = 0; round < size.rounds; round++) {
      await trafficRound(peers, round, 'loss', { name: 'crew', poster: peers[round % peers.length] })
    }
    let dropped = 0
    for (const host of lan.hosts) {
      dropped += await droppedPackets(host.ns)
      await clearLoss(host.ns)
    }
    expect(dropped).toBeGreaterThan(0)
    const init = {
      offlineDelivery: true,
      audience: { groups: { [groupId]: peers.map((p) => p.name) } },
      limits: { maxRssBytes: 400 * MB, maxFdGrowth: 50, maxRssGrowthBytes: 200 * MB }
    }
    await Promise.all(peers.map((p) => dmOutcomes(p)))
    const healMs = await fleet.settle(init, 60_000)
    const result = fleet.check(init)
    recordRow(
      `${LOSS_PERCENT}% loss, ${size.peers} peers`,
      result,
      healMs,
      'loss lifted until every owed message was shown'
    )
    expect(result.violations).toEqual([])
    expect(result.tally.deliveredOnce).toBeGreaterThan(0)
  }, 300_000)
})
