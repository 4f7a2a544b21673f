import { afterEach, describe, expect, it } from 'vitest'
import {
  cleanup,
  initRelay,
  killRelays,
  newIdentity,
  type PeerProcess,
  spawnPeer,
  startRelay,
  waitForListing
} from './harness.ts'

describe('public groups through a relay', () => {
  afterEach(async () => {
    await cleanup()
    await killRelays()
  })

  it('are listed to clients that know only the relay, joined and chatted in', async () => {
    // a relay needs an admin; who it is does not matter here
    const admin = await newIdentity()
    const { dataDir } = await initRelay({ admins: [admin.peerId], listen: ['/ip4/127.0.0.1/tcp/0'] })
    const relay = await startRelay({ dataDir })
    // no --bootstrap between the clients: the relay is all either of them is told about. On loopback they learn each
    // other's addresses through it and may then connect directly, so this covers finding groups via the relay, not
    // the relay forwarding them.
    const client = (name: string): Promise<PeerProcess> => spawnPeer({ name, extraArgs: ['--relay', relay.addrOn()] })
    const [alice, bob] = await Promise.all([client('alice'), client('bob')])
    await Promise.all([alice, bob].map((p) => p.waitFor('relay', (e) => e.state === 'reserved')))

    alice.send('/group create "Relay Lounge" --description "met through the relay"')
    const created = await alice.waitFor('group-joined', (e) => e.group.name === 'Relay Lounge')
    expect(created).toMatchObject({ private: false, role: 'owner' })

    const listed = await waitForListing(bob, (g) => g.name === 'Relay Lounge')
    expect(listed).toMatchObject({ id: created.group.id, description: 'met through the relay', private: false })

    // at once: the listing may have come before alice's presence, and /join then waits for her to be reachable
    bob.send('/join "Relay Lounge"')
    await bob.waitFor('group-joined', (e) => e.group.id === created.group.id && e.role === 'member')
    await alice.waitFor('member-added', (e) => e.member.peerId === bob.peerId)

    bob.send('/g "Relay Lounge" hi')
    const got = await alice.waitFor('message', (m) => m.text === 'hi' && m.scope === 'group')
    expect(got).toMatchObject({ scope: 'group', group: created.group, from: { peerId: bob.peerId, name: 'bob' } })
  })
})
