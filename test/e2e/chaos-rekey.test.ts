import { afterEach, describe, expect, it } from 'vitest'
import { groupScenarioCheck, names, privateGroup } from './chaos-helpers.ts'
import { chaosSize, Fleet, groupConverged, recordRow, sendAndWait } from './harness/chaos.ts'
import { clearFaults } from './harness/faults.ts'
import { cleanup, type PeerProcess, spawnPeer, spawnPeers } from './harness.ts'

const size = chaosSize({ peers: 5, rounds: 1 }, { peers: 5, rounds: 5 })
const GROUP = 'crew'

/** Each of `posters` posts `size.rounds` times, one after the other. */
async function posts(posters: PeerProcess[], tag: string): Promise<void> {
  for (let round = 0; round < size.rounds; round++) {
    for (const p of posters) {
      const text = `${tag} r${round} ${p.name}`
      await sendAndWait(p, `/g ${GROUP} ${text}`, text)
    }
  }
}

describe('chaos: a peer killed (-9) mid-rekey', () => {
  afterEach(async () => {
    await clearFaults()
    await cleanup()
  })

  it('the group converges after a member dies during a removal, and an acknowledged removal survives its admin being killed', async () => {
    const fleet = new Fleet()
    const peers = await spawnPeers(names(size.peers), { untilAllSeeAll: true })
    for (const p of peers) fleet.track(p.name, p, p.peerId)
    const [owner, member, witness, second, first] = peers
    const groupId = await privateGroup(owner, GROUP, peers.slice(1))
    await posts(peers, 'before')
    // what was said before has arrived: the posts of a member removed below are not caught up after it is gone
    await fleet.settle({ audience: { lobby: [], groups: { [groupId]: peers.map((p) => p.name) } } }, 60_000)

    /** Starts `p` again from its data folder, bootstrapped to `via`, under the same name. */
    const restart = async (p: PeerProcess, via: PeerProcess): Promise<PeerProcess> => {
      const again = await spawnPeer({ name: p.name, dataDir: p.dataDir, bootstrap: [via.addrs[0]] })
      return fleet.track(p.name, again, p.peerId)
    }

    // 1. a member dies while the owner removes someone (a new key sealed for those who remain); others post while
    // it is down; it comes back
    owner.send(`/remove ${GROUP} ${first.name}`)
    await fleet.kill(member.name)
    await owner.waitFor('member-removed', (e) => e.member.peerId === first.peerId)
    await posts([owner, witness], 'member down')
    const member2 = await restart(member, witness)
    const restartedAt = Date.now()
    const stay1 = [owner, member2, witness, second]
    await groupConverged(fleet, stay1, groupId, 120_000)
    const healMs = Date.now() - restartedAt
    expect((await member2.members(groupId)).members.map((m) => m.peerId)).not.toContain(first.peerId)

    // 2. the owner is told a removal is done (its `member-removed`), is killed at once, and comes back: it still holds
    // the removal, and so does everyone else
    const mark = owner.events.length
    owner.send(`/remove ${GROUP} ${second.name}`)
    await owner.waitFor('member-removed', (e) => e.member.peerId === second.peerId, { from: mark })
    await fleet.kill(owner.name)
    await posts([witness], 'owner down')
    const owner2 = await restart(owner, witness)
    const stay2 = [owner2, member2, witness]
    const state = await owner2.members(groupId)
    expect(state.members.map((m) => m.peerId)).not.toContain(second.peerId)
    expect(state.epoch).toBe(3)
    await groupConverged(fleet, stay2, groupId, 120_000)

    await posts(stay2, 'after')
    const init = groupScenarioCheck(groupId, stay2)
    await fleet.settle(init, 90_000)
    const result = fleet.check(init)
    recordRow(
      `peer kill -9 mid-rekey and admin kill -9 after an acknowledged removal, ${size.peers} members`,
      result,
      healMs,
      'restart until every member agreed on members, roles and key'
    )
    expect(result.violations).toEqual([])
  }, 420_000)
})
