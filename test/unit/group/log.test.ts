import { describe, expect, it } from 'vitest'
import { hex } from '../../../protocols/group/crypto.ts'
import { GroupLog } from '../../../protocols/group/log.ts'
import { authorEntry } from '../../../protocols/group/ops.ts'
import { act, addMembers, newGroup, people, sign } from './fixtures.ts'

describe('group log', () => {
  it('appends entries that follow the head, ignores known ones and reports gaps', async () => {
    const [alice, bob, carol] = await people('alice', 'bob', 'carol')
    const log = await newGroup(alice, false)
    const copy = GroupLog.fromEntries([...log.all()])
    const j1 = await act(log, bob, { kind: 'join', memberName: 'bob' })
    const j2 = await act(log, carol, { kind: 'join', memberName: 'carol' })
    expect(copy.offer([j2]).type).toBe('gap')
    expect(copy.offer([j1, j2])).toMatchObject({ type: 'appended', appended: [j1, j2], linear: true })
    expect(copy.offer([j1]).type).toBe('duplicate')
    expect(copy.state.head).toEqual(log.state.head)
  })

  it('takes entries in any order, holding back those whose parents are missing', async () => {
    const [alice, bob, carol] = await people('alice', 'bob', 'carol')
    const log = await newGroup(alice, false)
    const copy = GroupLog.fromEntries([...log.all()])
    const j1 = await act(log, bob, { kind: 'join', memberName: 'bob' })
    const j2 = await act(log, carol, { kind: 'join', memberName: 'carol' })
    expect(copy.offer([j2, j1])).toMatchObject({ type: 'appended', appended: [j1, j2], held: [] })
    expect(copy.state.members.size).toBe(3)
  })

  it('hands out what a peer lacks: what is not its head or an ancestor of it, everything for an unknown head', async () => {
    const [alice, bob] = await people('alice', 'bob')
    const log = await newGroup(alice, false)
    const j = await act(log, bob, { kind: 'join', memberName: 'bob' })
    expect(log.since(log.genesis.idHex)).toEqual([j])
    expect(log.since(hex(new Uint8Array(32)))).toHaveLength(2)
    expect(log.since(j.idHex)).toEqual([])
  })

  it('rejects an entry of another origin', async () => {
    const [alice] = await people('alice')
    const a = await newGroup(alice, false)
    const b = await newGroup(alice, false)
    expect(a.offer([b.genesis]).type).toBe('rejected')
  })

  it('keeps the concurrent work of two admins, and reaches the same state whatever the order', async () => {
    const all = await people('alice', 'bob', 'carol', 'dave')
    const [alice, bob, carol, dave] = all
    const base = await newGroup(alice)
    await addMembers(base, alice, [bob], all)
    await act(base, alice, { kind: 'promote', subject: bob.raw }, all)
    const x = GroupLog.fromEntries([...base.all()])
    const y = GroupLog.fromEntries([...base.all()])
    const byAlice = await sign(base, alice, { kind: 'invite', subject: carol.raw, memberName: 'carol' })
    const byBob = await sign(base, bob, { kind: 'invite', subject: dave.raw, memberName: 'dave' })
    expect(x.offer([byBob]).type).toBe('appended')
    expect(y.offer([byAlice]).type).toBe('appended')
    expect(x.offer([byAlice])).toMatchObject({ type: 'appended', linear: false })
    expect(y.offer([byBob])).toMatchObject({ type: 'appended', linear: false })
    expect(x.state.head).toEqual(y.state.head)
    expect([...x.state.invited.keys()].sort()).toEqual([carol.id, dave.id].sort())
    // the next entry merges both branches
    const merge = await sign(x, alice, { kind: 'meta', name: 'merged', description: '' })
    expect(merge.merges).toHaveLength(1)
    expect(y.offer([merge])).toMatchObject({ type: 'appended', linear: false })
    expect(y.tips()).toEqual([merge])
  })

  it('settles two concurrent changes of one member by rank: the owner’s promotion before an admin’s removal', async () => {
    const all = await people('alice', 'bob', 'carol')
    const [alice, bob, carol] = all
    const base = await newGroup(alice, false)
    await addMembers(base, alice, [bob, carol], all)
    await act(base, alice, { kind: 'promote', subject: bob.raw }, all)
    const fromOwner = await sign(base, alice, { kind: 'promote', subject: carol.raw })
    const fromAdmin = await sign(base, bob, { kind: 'remove', subject: carol.raw })
    for (const order of [
      [fromOwner, fromAdmin],
      [fromAdmin, fromOwner]
    ]) {
      const x = GroupLog.fromEntries([...base.all()])
      for (const e of order) {
        x.offer([e])
      }
      // once carol is an admin, only the owner may remove her
      expect(x.state.members.get(carol.id)?.role).toBe('admin')
    }
  })

  it('voids what a demoted admin signed concurrently with the demotion, even if held back', async () => {
    const all = await people('alice', 'bob', 'mallory', 'carol', 'dave')
    const [alice, bob, mallory, carol, dave] = all
    const log = await newGroup(alice)
    await addMembers(log, alice, [bob, mallory, carol], all)
    await act(log, alice, { kind: 'promote', subject: bob.raw }, all)
    await act(log, alice, { kind: 'promote', subject: mallory.raw }, all)
    const fork = GroupLog.fromEntries([...log.all()])
    await act(log, bob, { kind: 'invite', subject: dave.raw, memberName: 'dave' }, all)
    await act(log, alice, { kind: 'demote', subject: mallory.raw }, all)
    const withheld = await sign(fork, mallory, { kind: 'remove', subject: carol.raw })
    expect(log.offer([withheld]).type).toBe('appended')
    expect(log.state.members.has(carol.id)).toBe(true)
    expect(log.resolution()).not.toContain(withheld)
    // a peer that saw mallory's entry first drops its effect once it sees the demotion
    expect(fork.offer([withheld]).type).toBe('appended')
    expect(fork.state.members.has(carol.id)).toBe(false)
    fork.offer(log.all().slice(fork.length - 1))
    expect(fork.state.head).toEqual(log.state.head)
    expect(fork.state.members.get(mallory.id)?.role).toBe('member')
    expect(fork.state.members.has(carol.id)).toBe(true)
    expect(fork.state.invited.has(dave.id)).toBe(true)
  })

  it('applies the valid start of a synced chain and reports the invalid rest', async () => {
    const [alice, bob, carol] = await people('alice', 'bob', 'carol')
    const log = await newGroup(alice, false)
    const copy = GroupLog.fromEntries([...log.all()])
    const join = await act(log, bob, { kind: 'join', memberName: 'bob' })
    const join2 = await act(log, carol, { kind: 'join', memberName: 'carol' })
    // signed as if bob were an admin: valid in shape, refused by the roles actually in effect
    const asIfAdmin = new Map(
      [...log.state.members].map(([k, v]) => [k, k === bob.id ? { ...v, role: 'admin' as const } : v])
    )
    const bad = await authorEntry(
      bob.key,
      { state: { ...log.state, members: asIfAdmin }, tips: log.tips() },
      { kind: 'remove', subject: carol.raw }
    )
    const result = copy.offer([join, join2, bad])
    expect(result).toMatchObject({ type: 'appended', appended: [join, join2] })
    expect(result.type === 'appended' && result.rejected?.message).toMatch(/only the owner and admins/)
    expect(copy.state.members.has(carol.id)).toBe(true)
    expect(copy.has(bad.idHex)).toBe(false)
  })

  it('keeps both a LEAVE and a concurrent JOIN', async () => {
    const all = await people('alice', 'bob', 'carol')
    const [alice, bob, carol] = all
    const base = await newGroup(alice)
    await addMembers(base, alice, [bob], all)
    await act(base, alice, { kind: 'invite', subject: carol.raw, memberName: 'carol' }, all)
    const leave = await sign(base, bob, { kind: 'leave' })
    const join = await sign(base, carol, { kind: 'join', memberName: 'carol' })
    const x = GroupLog.fromEntries([...base.all(), join, leave])
    const y = GroupLog.fromEntries([...base.all(), leave, join])
    for (const s of [x.state, y.state]) {
      expect(s.members.has(bob.id)).toBe(false)
      expect(s.members.has(carol.id)).toBe(true)
      expect(s.needsRekey).toBe(true)
    }
    expect(x.state.head).toEqual(y.state.head)
  })
})
