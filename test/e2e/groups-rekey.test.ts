import { afterEach, describe, expect, it } from 'vitest'
import { bringIn } from './group-helpers.ts'
import { cleanup, spawnPeer } from './harness.ts'

describe('key rotation with no admin online', () => {
  afterEach(cleanup)

  it('a member who leaves loses the key: a remaining plain member rotates it', async () => {
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
    for (const p of [bob, carol]) {
      await p.waitFor('member-added', (e) => e.member.peerId === dave.peerId)
    }

    // the owner, the only privileged member, goes away; then bob leaves
    alice.send('/quit')
    expect(await alice.exited).toEqual({ code: 0, signal: null })
    bob.send('/leave secret')
    await bob.waitFor('group-left', (e) => e.group.id === group.id && e.reason === 'left')

    const rotations = await Promise.all(
      [carol, dave].map((p) => p.waitFor('group-rekeyed', (e) => e.group.id === group.id && e.epoch === 2))
    )
    // one of the two plain members rotated, and both agree on it
    const by = rotations.map((r) => r.by?.peerId ?? (r === rotations[0] ? carol.peerId : dave.peerId))
    expect(new Set(by).size).toBe(1)
    expect([carol.peerId, dave.peerId]).toContain(by[0])

    // posts now use the new key: dave reads carol, bob (who kept the old key) does not
    carol.send('/g secret after bob left')
    await dave.waitFor('message', (m) => m.text === 'after bob left' && m.group?.id === group.id)
    carol.send('lobby marker')
    await bob.waitFor('message', (m) => m.text === 'lobby marker')
    expect(bob.all('message').some((m) => m.text === 'after bob left')).toBe(false)
    expect([carol, dave].flatMap((p) => p.all('group-rekeyed').filter((e) => e.epoch > 2))).toEqual([])
  })
})
