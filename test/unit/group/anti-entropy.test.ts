import type { PeerId } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type AntiEntropyGroup, antiEntropyPicks, groupAntiEntropy } from '../../../protocols/group/anti-entropy.ts'
import { hex } from '../../../protocols/group/crypto.ts'
import { type EngineHooks, GroupEngine, memoryPersistence } from '../../../protocols/group/engine.ts'
import { GroupLog } from '../../../protocols/group/log.ts'
import type { Answer } from '../../../protocols/group/streams.ts'
import { act, addMembers, newGroup, people, syncServedBy, type Who } from './fixtures.ts'

const log = defaultLogger().forComponent('test')
const quiet: EngineHooks = { adopted: () => {}, dropped: () => {}, changed: () => {}, error: () => {} }

/** `bob`'s Sync, whose streams reach `serve` as if bob had opened them. */
function syncOf(bob: Who, engine: GroupEngine, serve: (req: { groupId: string; knownId: Uint8Array }) => Answer) {
  return syncServedBy(bob, engine, serve)
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) {
      return false
    }
    await new Promise((r) => setTimeout(r, 10))
  }
  return true
}

describe('group anti-entropy', () => {
  it('brings a member that missed an entry up to date from a member online, though nothing prompted a sync', async () => {
    const all = await people('alice', 'bob', 'carol', 'dave')
    const [alice, bob, carol, dave] = all
    const full = await newGroup(alice)
    await addMembers(full, alice, [bob, carol, dave], all)
    const before = [...full.all()]
    // alice removes dave; carol heard it, bob did not (alice was killed before her publish reached him)
    await act(full, alice, { kind: 'remove', subject: dave.raw }, all)
    const engine = new GroupEngine(bob.key, memoryPersistence, quiet, log)
    const runtime = engine.adopt(GroupLog.fromEntries(before), false)
    const carolServes = (req: { knownId: Uint8Array }): Answer & { entries: Uint8Array[] } => ({
      status: 'ok',
      entries: full.since(hex(req.knownId)).map((e) => e.bytes)
    })
    const sync = syncOf(bob, engine, carolServes)
    const carolPeer = peerIdFromString(carol.id)
    const removed = (): boolean => !runtime.state.members.has(dave.id)

    // with only the syncs that events prompt, and no event (carol was on the topic already), bob stays behind
    expect(await until(removed, 300)).toBe(false)

    const antiEntropy = groupAntiEntropy(engine, { getSubscribers: () => [carolPeer] }, sync, 50)
    antiEntropy.start()
    try {
      expect(await until(removed, 3000)).toBe(true)
      expect(runtime.log.head.idHex).toBe(full.head.idHex)
    } finally {
      antiEntropy.stop()
    }
  })

  it('syncs each group with a member online, at most `max` a round, and comes round to every group', () => {
    const peer = (n: number) => ({ n, toString: () => `p${n}` })
    const arbitrary = fc.record({
      groups: fc.array(fc.record({ members: fc.uniqueArray(fc.nat(6)), online: fc.uniqueArray(fc.nat(6)) }), {
        maxLength: 12
      }),
      max: fc.integer({ min: 1, max: 5 }),
      cursor: fc.nat(20),
      random: fc.double({ min: 0, max: 0.999, noNaN: true })
    })
    fc.assert(
      fc.property(arbitrary, ({ groups, max, cursor, random }) => {
        const gs: Array<AntiEntropyGroup<ReturnType<typeof peer>>> = groups.map((g, i) => ({
          id: `g${i}`,
          isMember: (p) => g.members.includes(Number(p.slice(1))),
          subscribers: () => g.online.map(peer)
        }))
        const reachable = new Set(
          groups.flatMap((g, i) => (g.online.some((n) => n !== 0 && g.members.includes(n)) ? [`g${i}`] : []))
        )
        const seen = new Set<string>()
        let at = cursor % Math.max(1, gs.length)
        for (let round = 0; round < Math.max(1, gs.length); round++) {
          const { picks, cursor: next } = antiEntropyPicks(gs, 'p0', at, max, () => random)
          at = next
          expect(picks.length).toBeLessThanOrEqual(max)
          for (const { groupId, peer: p } of picks) {
            const g = groups[Number(groupId.slice(1))]!
            // never ourselves, never someone who is not a member, never someone not on the topic
            expect(p.n).not.toBe(0)
            expect(g.members).toContain(p.n)
            expect(g.online).toContain(p.n)
            seen.add(groupId)
          }
        }
        expect(seen).toEqual(reachable)
      })
    )
  })

  it('stops: no round runs after stop()', async () => {
    let rounds = 0
    const ae = groupAntiEntropy(
      { me: 'me', all: () => [], get: () => undefined } as never,
      { getSubscribers: () => [] as PeerId[] },
      { requestSync: () => {} },
      5
    )
    const spy = ae.round.bind(ae)
    ae.round = () => {
      rounds++
      spy()
    }
    ae.start()
    await new Promise((r) => setTimeout(r, 40))
    ae.stop()
    const after = rounds
    await new Promise((r) => setTimeout(r, 40))
    expect(after).toBeGreaterThan(0)
    expect(rounds).toBe(after)
  })
})
