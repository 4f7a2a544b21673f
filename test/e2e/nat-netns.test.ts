import { afterEach, describe, expect, it } from 'vitest'
import { offer, randomFile, sha256File } from './files-helpers.ts'
import {
  canRoute,
  cleanup,
  createNatWorld,
  destroyAllNetns,
  dropUdp,
  initRelay,
  interfaceBytes,
  killRelays,
  type NatHome,
  type NatWorld,
  newIdentity,
  type PeerProcess,
  type RelayProcess,
  requireTool,
  spawnPeer,
  startRelay,
  tempDir
} from './harness.ts'

const MB = 1024 * 1024
/** Big enough that 1% of it stands far above the relay's own chatter (presence, gossip), small enough for CI. */
const FILE_BYTES = 8 * MB

/** A client behind `home`'s NAT, using the relay; resolves once its relay slot holds. */
async function homeClient(name: string, home: NatHome, relay: RelayProcess, world: NatWorld): Promise<PeerProcess> {
  const peer = await spawnPeer({
    name,
    netns: home.ns,
    network: ['--no-mdns', '--listen', '/ip4/0.0.0.0/tcp/0'],
    extraArgs: ['--relay', relay.addrOn(world.relayIp), '--download-dir', tempDir('p2pchat-dl-')],
    env: { DEBUG: process.env.P2PCHAT_PEER_DEBUG ?? '' }
  })
  await peer.waitFor('relay', (e) => e.state === 'reserved')
  return peer
}

/** The relay and two clients, each behind its own NAT router, that see each other online. */
async function natSetup(opts: { blockUdp?: boolean } = {}): Promise<{
  world: NatWorld
  relay: RelayProcess
  alice: PeerProcess
  bob: PeerProcess
}> {
  const world = await createNatWorld(2)
  const [homeA, homeB] = world.homes
  // neither router has a route to the other home's private network: nothing but the relay joins them
  expect(await canRoute(homeA.routerNs, homeB.ip)).toBe(false)
  expect(await canRoute(homeB.routerNs, homeA.ip)).toBe(false)
  if (opts.blockUdp === true) {
    await dropUdp(homeA)
  }
  const { dataDir } = await initRelay({ admins: [(await newIdentity()).peerId], listen: ['/ip4/0.0.0.0/tcp/0'] })
  const relay = await startRelay({ dataDir, netns: world.relayNs })
  const alice = await homeClient('alice', homeA, relay, world)
  const bob = await homeClient('bob', homeB, relay, world)
  await Promise.all([alice, bob].map((p) => p.waitForUsers((users) => users.length === 2)))
  return { world, relay, alice, bob }
}

/** Bytes through the relay's public interface, both ways. */
async function relayBytes(world: NatWorld): Promise<number> {
  const { rx, tx } = await interfaceBytes(world.relayNs, world.relayIface)
  return rx + tx
}

/** alice sends bob `size` random bytes as a file; resolves when bob has verified it. */
async function sendFile(alice: PeerProcess, bob: PeerProcess, size: number): Promise<void> {
  const file = await randomFile(size)
  const { id, shortId } = await offer({ alice, bob, downloads: '' }, file.path)
  bob.send(`/accept ${shortId}`)
  const done = await bob.waitFor('done', (d) => d.id === id, { timeoutMs: 120_000 })
  expect(await sha256File(done.path!)).toBe(file.sha256)
}

/** alice DMs bob `text` and waits for bob's acknowledgement. */
async function dm(alice: PeerProcess, bob: PeerProcess, text: string): Promise<void> {
  alice.send(`/msg bob ${text}`)
  await bob.waitFor('message', (m) => m.scope === 'dm' && m.text === text)
  const sent = await alice.waitFor('sent', (s) => s.text === text)
  await alice.waitFor('delivered', (d) => d.id === sent.id)
}

/** How `peer` lists `other` in /users. */
async function listedRoute(peer: PeerProcess, other: PeerProcess): Promise<string | undefined> {
  const from = peer.events.length
  peer.send('/users')
  const { users } = await peer.waitFor('users', () => true, { from })
  return users.find((u) => u.peerId === other.peerId)?.via
}

describe('direct connections through NAT (network namespaces, nftables)', () => {
  requireTool('netns')
  requireTool('nftables')
  afterEach(async () => {
    await cleanup()
    await killRelays()
    await destroyAllNetns()
  })

  it('two clients behind NAT meet through the relay, then DMs and files go direct', async () => {
    const { world, alice, bob } = await natSetup()
    // the first DM opens a connection through the relay; alice then upgrades it with a hole-punched WebRTC one
    await dm(alice, bob, 'hello through the relay')
    await alice.waitFor('route', (r) => r.peerId === bob.peerId && r.via === 'direct', { timeoutMs: 60_000 })
    await bob.waitFor('route', (r) => r.peerId === alice.peerId && r.via === 'direct')
    expect(await listedRoute(alice, bob)).toBe('direct')
    expect(await listedRoute(bob, alice)).toBe('direct')

    const before = await relayBytes(world)
    await dm(alice, bob, 'hello directly')
    await sendFile(alice, bob, FILE_BYTES)
    const carried = (await relayBytes(world)) - before
    // through the relay the file would have crossed its interface twice (in and out): 200% of it
    expect(carried).toBeLessThan(FILE_BYTES / 100)
  })

  it('where UDP is blocked, DMs and files still arrive through the relay', async () => {
    const { world, alice, bob } = await natSetup({ blockUdp: true })
    await dm(alice, bob, 'hello through the relay')
    expect(await listedRoute(alice, bob)).toBe('relay')
    const before = await relayBytes(world)
    await sendFile(alice, bob, 2 * MB)
    await dm(alice, bob, 'still here')
    // the file went through the relay: in and out of its interface
    expect((await relayBytes(world)) - before).toBeGreaterThan(2 * 2 * MB)
    expect(await listedRoute(alice, bob)).toBe('relay')
    expect(alice.all('route').filter((r) => r.via === 'direct')).toEqual([])
    // nor bob, who was dialed: he never takes a half-open WebRTC connection for a direct one
    expect(bob.all('route').filter((r) => r.via === 'direct')).toEqual([])
  })
})
