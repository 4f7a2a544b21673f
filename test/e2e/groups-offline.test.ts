import { afterEach, describe, expect, it } from 'vitest'
import { bringIn } from './group-helpers.ts'
import { cleanup, type PeerProcess, spawnPeer } from './harness.ts'

async function memberNames(p: PeerProcess, group: string): Promise<string[]> {
  const from = p.events.length
  p.send(`/members ${group}`)
  return (await p.waitFor('members', () => true, { from })).members.map((m) => m.name)
}

describe('offline members', () => {
  afterEach(cleanup)

  it('catch up on reconnect: the new key after a rekey, or their own removal', async () => {
    const alice = await spawnPeer({ name: 'alice' })
    const others = await Promise.all(
      ['bob', 'carol', 'dave'].map((name) => spawnPeer({ name, bootstrap: [alice.addrs[0]] }))
    )
    const [bob, carol, dave] = others
    await alice.waitForUsers((u) => u.length === 4)
    alice.send('/group create secret --private')
    const { group } = await alice.waitFor('group-joined')
    for (const p of others) {
      await bringIn(alice, group, p)
    }
    // everyone has everyone's join before two of them go away
    await carol.waitFor('member-added', (e) => e.member.peerId === dave.peerId)
    await dave.waitFor('group-joined')

    carol.send('/quit')
    dave.send('/quit')
    expect(await carol.exited).toEqual({ code: 0, signal: null })
    expect(await dave.exited).toEqual({ code: 0, signal: null })

    // while they are away, dave is removed and the key rotates
    alice.send('/remove secret dave')
    await bob.waitFor('group-rekeyed', (e) => e.group.id === group.id && e.epoch === 2)
    alice.send('/g secret sealed with the new key')
    await bob.waitFor('message', (m) => m.text === 'sealed with the new key')

    // carol comes back with her stored group, and learns the rotation from a member
    const carol2 = await spawnPeer({ name: 'carol', dataDir: carol.dataDir, bootstrap: [alice.addrs[0]] })
    const removed = await carol2.waitFor('member-removed', (e) => e.member.peerId === dave.peerId)
    expect(removed).toMatchObject({ reason: 'removed', by: { peerId: alice.peerId } })
    await carol2.waitFor('group-rekeyed', (e) => e.group.id === group.id && e.epoch === 2)
    alice.send('/g secret welcome back')
    await carol2.waitFor('message', (m) => m.text === 'welcome back' && m.group?.id === group.id)
    carol2.send('/g secret glad to be back')
    await bob.waitFor('message', (m) => m.text === 'glad to be back')
    expect(await memberNames(carol2, 'secret')).toEqual(['alice', 'bob', 'carol'])

    // dave comes back and learns that he was removed
    const dave2 = await spawnPeer({ name: 'dave', dataDir: dave.dataDir, bootstrap: [alice.addrs[0]] })
    const left = await dave2.waitFor('group-left', (e) => e.group.id === group.id)
    expect(left).toMatchObject({ reason: 'removed', by: { peerId: alice.peerId } })
    dave2.send('/groups')
    expect((await dave2.waitFor('groups')).groups).toEqual([])
    alice.send('/g secret dave is gone')
    alice.send('lobby marker')
    await dave2.waitFor('message', (m) => m.text === 'lobby marker')
    expect(dave2.all('message').some((m) => m.text === 'dave is gone')).toBe(false)
  })
})
