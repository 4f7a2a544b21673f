import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, spawnPeers, waitForListing } from './harness.ts'

describe('public groups', () => {
  afterEach(cleanup)

  it('are listed on other peers, joined, chatted in and left; non-members see none of it', async () => {
    const [alice, bob, carol] = await spawnPeers(['alice', 'bob', 'carol'], { untilAllSeeAll: true })
    alice.send('/group create "Open House" --description "all welcome"')
    const created = await alice.waitFor('group-joined', (e) => e.group.name === 'Open House')
    expect(created).toMatchObject({ private: false, role: 'owner' })

    const listed = await waitForListing(bob, (g) => g.name === 'Open House')
    expect(listed).toMatchObject({ id: created.group.id, description: 'all welcome', private: false, members: 1 })
    expect(listed).not.toHaveProperty('role')

    bob.send('/join "open house"')
    const joined = await bob.waitFor('group-joined', (e) => e.group.id === created.group.id)
    expect(joined).toMatchObject({ private: false, role: 'member' })
    const added = await alice.waitFor('member-added', (e) => e.member.peerId === bob.peerId)
    expect(added.group).toEqual(created.group)

    bob.send('/g "Open House" hello from bob')
    const got = await alice.waitFor('message', (m) => m.text === 'hello from bob')
    expect(got).toMatchObject({ scope: 'group', group: created.group, from: { peerId: bob.peerId, name: 'bob' } })

    // /room makes plain text go to the group
    alice.send('/room open house')
    await alice.waitFor('room', (r) => r.room?.id === created.group.id)
    alice.send('plain text goes to the group')
    const plain = await bob.waitFor('message', (m) => m.text === 'plain text goes to the group')
    expect(plain.scope).toBe('group')
    alice.send('/room lobby')
    await alice.waitFor('room', (r) => r.room === null)

    // carol is connected to both but not in the group: a lobby message after the group ones proves she was listening
    alice.send('lobby marker')
    await carol.waitFor('message', (m) => m.text === 'lobby marker')
    expect(carol.all('message').filter((m) => m.scope === 'group')).toEqual([])
    expect(JSON.stringify(carol.events)).not.toContain('hello from bob')

    alice.send('/members "Open House"')
    const members = await alice.waitFor('members', (m) => m.members.length === 2)
    expect(members.members.map((m) => [m.name, m.role])).toEqual([
      ['alice', 'owner'],
      ['bob', 'member']
    ])

    bob.send('/leave "Open House"')
    expect(await bob.waitFor('group-left', (e) => e.group.id === created.group.id)).toMatchObject({ reason: 'left' })
    const removed = await alice.waitFor('member-removed', (e) => e.member.peerId === bob.peerId)
    expect(removed.reason).toBe('left')
    const from = alice.events.length
    alice.send('/members "Open House"')
    expect((await alice.waitFor('members', () => true, { from })).members.map((m) => m.name)).toEqual(['alice'])

    // after leaving, bob no longer receives the group
    alice.send('/g "Open House" after bob left')
    alice.send('another lobby marker')
    await bob.waitFor('message', (m) => m.text === 'another lobby marker')
    expect(bob.all('message').some((m) => m.text === 'after bob left')).toBe(false)
  })

  it('keeps a removed member out: it cannot rejoin by itself; an invitation brings it back', async () => {
    const [alice, bob] = await spawnPeers(['alice', 'bob'], { untilAllSeeAll: true })
    alice.send('/group create club')
    const { group } = await alice.waitFor('group-joined')
    await waitForListing(bob, (g) => g.name === 'club')
    bob.send('/join club')
    await alice.waitFor('member-added', (e) => e.member.peerId === bob.peerId)

    alice.send('/remove club bob')
    expect(await bob.waitFor('group-left', (e) => e.group.id === group.id)).toMatchObject({
      reason: 'removed',
      by: { peerId: alice.peerId }
    })
    bob.send('/join club')
    const refused = await bob.waitFor('error', (e) => e.code === 'NOT_AUTHORIZED')
    expect(refused.message).toMatch(/removed from this group/)

    alice.send('/invite club bob')
    const invite = await bob.waitFor('invite', (i) => i.group.id === group.id)
    expect(invite.from.peerId).toBe(alice.peerId)
    const from = bob.events.length
    bob.send(`/accept ${invite.id.slice(0, 4)}`)
    await bob.waitFor('group-joined', (e) => e.group.id === group.id && e.role === 'member', { from })
    bob.send('/g club back again')
    await alice.waitFor('message', (m) => m.text === 'back again')
  })

  it('answers commands on unknown groups and users with clear errors, and keeps running', async () => {
    const [alice] = await spawnPeers(['alice'], { untilAllSeeAll: true })
    alice.send('/g nowhere hi')
    expect((await alice.waitFor('error', (e) => e.code === 'UNKNOWN_GROUP')).message).toMatch(/nowhere/)
    alice.send('/group create ok')
    await alice.waitFor('group-joined')
    alice.send('/invite ok nobody')
    await alice.waitFor('error', (e) => e.code === 'UNKNOWN_USER')
    alice.send('/accept i123')
    await alice.waitFor('error', (e) => e.code === 'UNKNOWN_OFFER')
    alice.send(`/group create "${'x'.repeat(49)}"`)
    await alice.waitFor('error', (e) => e.code === 'INVALID_GROUP_NAME')
    alice.send(`/g ok ${'y'.repeat(5000)}`)
    await alice.waitFor('error', (e) => e.code === 'MESSAGE_TOO_LARGE')
    alice.send('/group create')
    await alice.waitFor('error', (e) => e.code === 'USAGE')
    alice.send('/promote ok alice')
    await alice.waitFor('error', (e) => e.code === 'INVALID_GROUP_OPERATION')
  })
})
