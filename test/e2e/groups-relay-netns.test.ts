import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, destroyAllNetns, killRelays, relayStar, requireTool, waitForListing } from './harness.ts'

const RELAY_LISTEN = ['/ip4/0.0.0.0/tcp/0']

describe('groups through the relay across networks (network namespaces)', () => {
  requireTool('netns')
  afterEach(async () => {
    await cleanup()
    await killRelays()
    await destroyAllNetns()
  })

  it('a public group is listed to, joined and chatted in by a client that reaches its owner only via the relay', async () => {
    // each client routes to the relay and not to the other client (relayStar checks), so gossip must pass the relay
    const { clients } = await relayStar(['alice', 'bob'], { listen: RELAY_LISTEN })
    const [alice, bob] = clients

    alice.send('/group create "Far Lounge" --description "across networks"')
    const created = await alice.waitFor('group-joined', (e) => e.group.name === 'Far Lounge')
    expect(created).toMatchObject({ private: false, role: 'owner' })

    const listed = await waitForListing(bob, (g) => g.name === 'Far Lounge')
    expect(listed).toMatchObject({ id: created.group.id, description: 'across networks', private: false })

    bob.send('/join "Far Lounge"')
    await bob.waitFor('group-joined', (e) => e.group.id === created.group.id && e.role === 'member')
    await alice.waitFor('member-added', (e) => e.member.peerId === bob.peerId)

    bob.send('/g "Far Lounge" hi')
    const got = await alice.waitFor('message', (m) => m.text === 'hi' && m.scope === 'group')
    expect(got).toMatchObject({ scope: 'group', group: created.group, from: { peerId: bob.peerId, name: 'bob' } })

    alice.send('/g "Far Lounge" hello bob')
    const reply = await bob.waitFor('message', (m) => m.text === 'hello bob' && m.scope === 'group')
    expect(reply).toMatchObject({ group: created.group, from: { peerId: alice.peerId, name: 'alice' } })
    expect(alice.all('error')).toEqual([])
    expect(bob.all('error')).toEqual([])
  })
})
