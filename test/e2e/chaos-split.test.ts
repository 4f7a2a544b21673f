import { afterEach, describe, expect, it } from 'vitest'
import { groupScenarioCheck, lanPeers, privateGroup, undoScenario } from './chaos-helpers.ts'
import { chaosSize, Fleet, groupConverged, recordRow, sendAndWait } from './harness/chaos.ts'
import { mend, split } from './harness/faults.ts'
import { type PeerProcess, requireTool } from './harness.ts'

const size = chaosSize({ peers: 4, rounds: 1 }, { peers: 6, rounds: 3 })
/** How long the two halves stay apart in the long run; the short run heals as soon as both sides acted. */
const SPLIT_MS = size.long ? 60_000 : 0
const GROUP = 'split'

/** Each of `posters` posts `rounds` times to the group, one after the other; resolves with the ids. */
async function posts(posters: PeerProcess[], tag: string): Promise<string[]> {
  const ids: string[] = []
  for (let round = 0; round < size.rounds; round++) {
    for (const p of posters) {
      const text = `${tag} r${round} ${p.name}`
      ids.push(await sendAndWait(p, `/g ${GROUP} ${text}`, text))
    }
  }
  return ids
}

/** `peer` showed each of `ids` exactly once. */
function shownOnce(peer: PeerProcess, ids: string[]): string[] {
  const shown = peer.all('message').map((m) => m.id)
  return ids.filter((id) => shown.filter((s) => s === id).length !== 1)
}

describe('chaos: a group split in two', () => {
  requireTool('netns')
  requireTool('nftables')
  afterEach(undoScenario)

  it(`a private group of ${size.peers} split ${size.peers / 2}/${size.peers / 2}, with posts and membership changes on both sides, converges after the heal`, async () => {
    const fleet = new Fleet()
    const { lan, peers } = await lanPeers(fleet, size.peers)
    const half = size.peers / 2
    const [owner, ...rest] = peers
    const groupId = await privateGroup(owner, GROUP, rest)
    const sideA = peers.slice(0, half)
    const sideB = peers.slice(half)
    // side B has an admin of its own, so that it can change membership while cut off from the owner
    const admin = sideB[0]
    const victim = sideB.at(-1)!
    const marks = new Map(peers.map((p) => [p, p.events.length]))
    owner.send(`/promote ${GROUP} ${admin.name}`)
    await Promise.all(
      peers.map((p) =>
        p.waitFor('member-role', (e) => e.member.peerId === admin.peerId && e.role === 'admin', { from: marks.get(p) })
      )
    )
    const before = await posts(peers, 'before')
    await fleet.settle({ audience: { lobby: [], groups: { [groupId]: peers.map((p) => p.name) } } }, 60_000)

    const cutMarks = new Map(peers.map((p) => [p, p.events.length]))
    await split(lan.hosts.slice(0, half), lan.hosts.slice(half))
    await split(lan.hosts.slice(half), lan.hosts.slice(0, half))
    const splitAt = Date.now()
    // each side notices: the other side leaves its lists (so nothing below rides on a connection still thought alive)
    await Promise.all(
      peers.map((p) => {
        const across = sideA.includes(p) ? sideB : sideA
        return Promise.all(
          across.map((o) =>
            p.waitFor('leave', (e) => e.peerId === o.peerId, { from: cutMarks.get(p), timeoutMs: 90_000 })
          )
        )
      })
    )
    // side A: the owner removes a member who is on the other side (a new key, sealed for those who remain)
    owner.send(`/remove ${GROUP} ${victim.name}`)
    await owner.waitFor('member-removed', (e) => e.member.peerId === victim.peerId)
    // side B: its admin promotes that member (void: the owner's removal outranks it) and, in the long run, another
    // member too (compatible: it stands)
    admin.send(`/promote ${GROUP} ${victim.name}`)
    await admin.waitFor('member-role', (e) => e.member.peerId === victim.peerId && e.role === 'admin')
    const promoted = sideB.length > 2 ? sideB[1] : undefined
    if (promoted != null) {
      admin.send(`/promote ${GROUP} ${promoted.name}`)
      await admin.waitFor('member-role', (e) => e.member.peerId === promoted.peerId && e.role === 'admin')
    }
    const duringA = await posts(sideA, 'split A')
    // the member removed on the other side says nothing meanwhile: its posts would cross its removal
    const duringB = await posts(
      sideB.filter((p) => p !== victim),
      'split B'
    )
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, SPLIT_MS - (Date.now() - splitAt))))

    await mend(lan.hosts)
    const mendedAt = Date.now()
    const remaining = peers.filter((p) => p !== victim)
    await victim.waitFor('group-left', (e) => e.group.id === groupId && e.reason === 'removed', { timeoutMs: 120_000 })
    await groupConverged(fleet, remaining, groupId, 120_000)
    const healMs = Date.now() - mendedAt
    const state = await owner.members(groupId)
    expect(state.members.map((m) => m.peerId)).not.toContain(victim.peerId)
    expect(state.members.find((m) => m.peerId === admin.peerId)?.role).toBe('admin')
    if (promoted != null) {
      expect(state.members.find((m) => m.peerId === promoted.peerId)?.role).toBe('admin')
    }
    expect(state.epoch).toBe(2)

    await posts(remaining, 'after')
    const init = groupScenarioCheck(groupId, remaining)
    await fleet.settle(init, 90_000)
    const result = fleet.check(init)
    recordRow(
      `private group of ${size.peers} split ${half}/${half} for ${Math.round((mendedAt - splitAt) / 1000)} s`,
      result,
      healMs,
      'heal until every member agreed on members, roles and key'
    )
    expect(result.violations).toEqual([])
    // the removed member saw what was posted before the split and on its side during it, once each, and nothing
    // of side A's posts under the key it never got
    const own = new Set(victim.all('sent').map((s) => s.id))
    expect(
      shownOnce(
        victim,
        [...before, ...duringB].filter((id) => !own.has(id))
      )
    ).toEqual([])
    expect(victim.all('message').filter((m) => duringA.includes(m.id))).toEqual([])
  }, 420_000)
})
