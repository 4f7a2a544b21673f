import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, type PeerProcess, spawnPeer } from './harness.ts'
import { canRoute, createStar, destroyNamespaces, netnsAvailable, type Spoke } from './netns-star.ts'
import { initRelay, killRelays, newIdentity, type RelayProcess, startRelay } from './relay-harness.ts'

const RELAY_LISTEN = ['/ip4/0.0.0.0/tcp/0']

/** A client in its own namespace, using the relay through its link. */
async function client(name: string, spoke: Spoke, relay: RelayProcess): Promise<PeerProcess> {
  const peer = await spawnPeer({
    name,
    netns: spoke.ns,
    network: ['--no-mdns', '--listen', '/ip4/0.0.0.0/tcp/0'],
    extraArgs: ['--relay', relay.addrOn(spoke.relayIp)]
  })
  await peer.waitFor('relay', (e) => e.state === 'reserved')
  return peer
}

/** Sends /groups until `pred` holds for the answer (listings spread by gossip, through the relay here). */
async function waitForListing(p: PeerProcess, pred: (g: { name: string }) => boolean) {
  const deadline = Date.now() + 30_000
  for (;;) {
    const from = p.events.length
    p.send('/groups')
    const { groups } = await p.waitFor('groups', () => true, { from })
    const hit = groups.find(pred)
    if (hit != null) {
      return hit
    }
    if (Date.now() > deadline) {
      throw new Error(`${p.name}: no matching group listed; last: ${JSON.stringify(groups)}`)
    }
    await new Promise((r) => setTimeout(r, 250))
  }
}

describe.skipIf(!netnsAvailable())('groups through the relay across networks (network namespaces)', () => {
  afterEach(async () => {
    await cleanup()
    await killRelays()
    destroyNamespaces()
  })

  it('a public group is listed to, joined and chatted in by a client that reaches its owner only via the relay', async () => {
    const star = createStar(2)
    const [a, b] = star.spokes
    // the premise: each client routes to the relay and not to the other client, so gossip must pass the relay
    expect(canRoute(a.ns, a.relayIp) && canRoute(b.ns, b.relayIp)).toBe(true)
    expect(canRoute(a.ns, b.ip) || canRoute(b.ns, a.ip)).toBe(false)

    const { dataDir } = await initRelay({ admins: [(await newIdentity()).peerId] })
    const relay = await startRelay({ dataDir, netns: star.relayNs, listen: RELAY_LISTEN })
    const [alice, bob] = await Promise.all([client('alice', a, relay), client('bob', b, relay)])
    await Promise.all([alice, bob].map((p) => p.waitForUsers((users) => users.length === 2)))

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
