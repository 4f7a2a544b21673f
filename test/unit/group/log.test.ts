import { describe, expect, it } from 'vitest'
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
    expect(copy.offer([j1, j2])).toMatchObject({ type: 'appended', appended: [j1, j2] })
    expect(copy.offer([j1]).type).toBe('duplicate')
    expect(copy.state.head).toEqual(log.state.head)
  })

  it('hands out what a peer lacks: the tail after its head, or everything when it is on another branch', async () => {
    const [alice, bob] = await people('alice', 'bob')
    const log = await newGroup(alice, false)
    const j = await act(log, bob, { kind: 'join', memberName: 'bob' })
    expect(log.since(0, log.genesis.id)).toEqual([j])
    expect(log.since(0, j.id)).toHaveLength(2)
    expect(log.since(1, j.id)).toEqual([])
  })

  it('rejects a chain that starts from another origin', async () => {
    const [alice] = await people('alice')
    const a = await newGroup(alice, false)
    const b = await newGroup(alice, false)
    expect(a.offer([b.genesis]).type).toBe('rejected')
  })

  it('converges on the same branch whatever order two admins’ concurrent entries arrive in', async () => {
    const all = await people('alice', 'bob', 'carol', 'dave')
    const [alice, bob, carol, dave] = all
    const base = await newGroup(alice)
    await addMembers(base, alice, [bob], all)
    await act(base, alice, { kind: 'promote', subject: bob.raw }, all)
    const x = GroupLog.fromEntries([...base.all()])
    const y = GroupLog.fromEntries([...base.all()])
    const byBob = await sign(base, bob, { kind: 'invite', subject: carol.raw, memberName: 'carol' })
    const byBob2 = await sign(base, bob, { kind: 'invite', subject: dave.raw, memberName: 'dave' })
    // two admins of equal rank: the lower entry id wins on both sides
    expect(x.offer([byBob]).type).toBe('appended')
    expect(y.offer([byBob2]).type).toBe('appended')
    const rx = x.offer([byBob2]).type
    const ry = y.offer([byBob]).type
    expect([rx, ry].sort()).toEqual(['kept', 'switched'])
    expect(x.state.head).toEqual(y.state.head)
  })

  it('lets the owner’s entry win a fork against an admin’s', async () => {
    const all = await people('alice', 'bob', 'carol')
    const [alice, bob, carol] = all
    const base = await newGroup(alice, false)
    await addMembers(base, alice, [bob, carol], all)
    await act(base, alice, { kind: 'promote', subject: bob.raw }, all)
    const fromOwner = await sign(base, alice, { kind: 'meta', name: 'renamed', description: '' })
    const fromAdmin = await sign(base, bob, { kind: 'remove', subject: carol.raw })
    const x = GroupLog.fromEntries([...base.all()])
    x.offer([fromAdmin])
    expect(x.offer([fromOwner]).type).toBe('switched')
    expect(x.state.name).toBe('renamed')
    expect(x.state.members.has(carol.id)).toBe(true)
  })

  it('does not let a demoted admin undo its demotion with an entry it held back', async () => {
    const all = await people('alice', 'bob', 'mallory', 'carol', 'dave')
    const [alice, bob, mallory, carol, dave] = all
    const log = await newGroup(alice)
    await addMembers(log, alice, [bob, mallory, carol], all)
    await act(log, alice, { kind: 'promote', subject: bob.raw }, all)
    await act(log, alice, { kind: 'promote', subject: mallory.raw }, all)
    const fork = GroupLog.fromEntries([...log.all()])
    const invite = await act(log, bob, { kind: 'invite', subject: dave.raw, memberName: 'dave' }, all)
    await act(log, alice, { kind: 'demote', subject: mallory.raw }, all)
    // mallory, still admin on her branch, signs a removal of carol and holds it back; she picks one whose id
    // sorts before bob's entry, so that only the revocation rule can keep it out
    let withheld = await sign(fork, mallory, { kind: 'remove', subject: carol.raw })
    while (withheld.idHex > invite.idHex) {
      withheld = await sign(fork, mallory, { kind: 'remove', subject: carol.raw })
    }
    expect(log.offer([withheld]).type).toBe('kept')
    expect(log.state.members.has(carol.id)).toBe(true)
    // a peer that saw mallory's entry first switches once it sees the branch with the demotion
    expect(fork.offer([withheld]).type).toBe('appended')
    expect(fork.offer(log.all().slice(invite.seq)).type).toBe('switched')
    expect(fork.state.head).toEqual(log.state.head)
    expect(fork.state.members.get(mallory.id)?.role).toBe('member')
    expect(fork.state.members.has(carol.id)).toBe(true)
  })

  it('applies the valid start of a synced chain and reports the invalid rest', async () => {
    const all = await people('alice', 'bob', 'carol')
    const [alice, bob, carol] = all
    const log = await newGroup(alice, false)
    const copy = GroupLog.fromEntries([...log.all()])
    const join = await act(log, bob, { kind: 'join', memberName: 'bob' })
    // bob is a plain member: his removal of carol is not allowed
    await act(log, carol, { kind: 'join', memberName: 'carol' })
    // signed as if bob were an admin: valid in shape, refused by the roles actually in effect
    const asIfAdmin = new Map(
      [...log.state.members].map(([k, v]) => [k, k === bob.id ? { ...v, role: 'admin' as const } : v])
    )
    const bad = await authorEntry(bob.key, { ...log.state, members: asIfAdmin }, { kind: 'remove', subject: carol.raw })
    const result = copy.offer([join, log.at(2)!, bad])
    expect(result).toMatchObject({ type: 'appended' })
    expect(result.type === 'appended' && result.rejected?.message).toMatch(/only the owner and admins/)
    expect(copy.state.members.has(carol.id)).toBe(true)
  })

  it('lets a LEAVE win a fork against a JOIN, since the member who left cannot sign again', async () => {
    const all = await people('alice', 'bob', 'carol')
    const [alice, bob, carol] = all
    const base = await newGroup(alice)
    await addMembers(base, alice, [bob], all)
    await act(base, alice, { kind: 'invite', subject: carol.raw, memberName: 'carol' }, all)
    const leave = await sign(base, bob, { kind: 'leave' })
    // carol's JOIN is given the lower id, so only the LEAVE rule can decide
    let join = await sign(base, carol, { kind: 'join', memberName: 'carol' })
    while (join.idHex > leave.idHex) {
      join = await sign(base, carol, { kind: 'join', memberName: 'carol' })
    }
    const x = GroupLog.fromEntries([...base.all()])
    x.offer([join])
    expect(x.offer([leave]).type).toBe('switched')
    const y = GroupLog.fromEntries([...base.all()])
    y.offer([leave])
    expect(y.offer([join]).type).toBe('kept')
    expect(x.state.members.has(bob.id)).toBe(false)
    expect(x.state.head).toEqual(y.state.head)
  })
})
