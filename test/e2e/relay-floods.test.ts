import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { GROUP_TOPIC_PREFIX } from '../../protocols/group/index.ts'
import { encodeAnnouncement, PRESENCE_TOPIC } from '../../protocols/presence/index.ts'
import { MAX_GROUP_TOPICS_PER_IP } from '../../relay/group-topics.ts'
import {
  cleanup,
  initRelay,
  killRelays,
  type PeerProcess,
  type RelayProcess,
  spawnPeer,
  startRelay,
  until
} from './harness.ts'
import { forge, freshKeys, GossipLink, type HostileNode, hostileNode, stopHostileNodes } from './hostile-node.ts'

/** A made-up but well-formed group topic (26 base32 characters). */
function madeUpTopic(i: number): string {
  const digits = [...i.toString(32)].map((d) => BASE32[Number.parseInt(d, 32)]).join('')
  return `${GROUP_TOPIC_PREFIX}${digits.padStart(26, 'a')}`
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'

async function relayWithClients(
  names: string[],
  settings: Record<string, number> = {}
): Promise<{ relay: RelayProcess; clients: PeerProcess[] }> {
  const admin = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
  const { dataDir } = await initRelay({ admins: [admin], listen: ['/ip4/127.0.0.1/tcp/0'] })
  const path = join(dataDir, 'relay.json')
  await writeFile(path, JSON.stringify({ ...JSON.parse(await readFile(path, 'utf8')), ...settings }))
  const relay = await startRelay({ dataDir })
  const clients = await Promise.all(names.map((name) => spawnPeer({ name, extraArgs: ['--relay', relay.addrOn()] })))
  await Promise.all(clients.map((c) => c.waitFor('relay', (e) => e.state === 'reserved', { timeoutMs: 30_000 })))
  return { relay, clients }
}

/** The group topics the relay told `watcher` it follows. */
function followed(watcher: HostileNode, relay: RelayProcess): string[] {
  return [...(watcher.remoteTopics.get(relay.peerId) ?? [])].filter((t) => t.startsWith(GROUP_TOPIC_PREFIX))
}

/** Polls until the relay's list of followed topics, as `watcher` hears it, stops changing for a while. */
async function settled(watcher: HostileNode, relay: RelayProcess): Promise<number> {
  let last = -1
  let stableSince = Date.now()
  await until(
    'the relay to settle its group topics',
    () => {
      const now = followed(watcher, relay).length
      if (now !== last) {
        last = now
        stableSince = Date.now()
      }
      return Date.now() - stableSince > 2000
    },
    60_000
  )
  return last
}

describe('relay under floods from hostile nodes', () => {
  afterEach(async () => {
    await stopHostileNodes()
    await cleanup()
    await killRelays()
  })

  it('three identities subscribing to 1,000 made-up group topics each do not cut new clients off', async () => {
    const {
      relay,
      clients: [alice, bob]
    } = await relayWithClients(['alice', 'bob'])
    await alice.waitForUsers((users) => users.some((u) => u.name === 'bob'), 30_000)
    const watcher = await hostileNode()
    await GossipLink.open(watcher, relay.addrOn())
    const flooders = await Promise.all([0, 1, 2].map(() => hostileNode()))
    // 100 topics they share first, then 900 of their own: ~2,700 distinct topics, all in the budget of one IP
    await Promise.all(
      flooders.map(async (f, k) => {
        const link = await GossipLink.open(f, relay.addrOn())
        const shared = Array.from({ length: 100 }, (_, i) => madeUpTopic(i))
        const own = Array.from({ length: 900 }, (_, i) => madeUpTopic(1000 * (k + 1) + i))
        await link.subscribe([...shared, ...own])
      })
    )
    const count = await settled(watcher, relay)
    // the relay does follow made-up topics that look used, but only within the budgets
    expect(count).toBeGreaterThan(0)
    expect(count).toBeLessThanOrEqual(MAX_GROUP_TOPICS_PER_IP)

    // a newcomer during the flood sees the others and is seen, and DMs reach it
    const carol = await spawnPeer({ name: 'carol', extraArgs: ['--relay', relay.addrOn()] })
    await carol.waitForUsers((users) => ['alice', 'bob'].every((n) => users.some((u) => u.name === n)), 30_000)
    await alice.waitForUsers((users) => users.some((u) => u.name === 'carol'), 30_000)
    alice.send('/msg carol still served')
    const sent = await alice.waitFor('sent', (s) => s.text === 'still served')
    await alice.waitFor('delivered', (d) => d.id === sent.id, { timeoutMs: 30_000 })
    await carol.waitFor('message', (m) => m.scope === 'dm' && m.text === 'still served')
    expect(bob.child.exitCode).toBeNull()

    // the flooders leave: the relay stops following their topics
    await Promise.all(flooders.map((f) => f.node.stop()))
    await until('the relay to drop the flooders topics', () => followed(watcher, relay).length === 0, 30_000)
  }, 180_000)

  it('identities forged over one connection to the relay reach none of its clients', async () => {
    const {
      relay,
      clients: [alice, bob]
    } = await relayWithClients(['alice', 'bob'])
    await alice.waitForUsers((users) => users.some((u) => u.name === 'bob'), 30_000)
    const key = await generateKeyPair('Ed25519')
    const link = await GossipLink.open(await hostileNode(key), relay.addrOn())
    await link.subscribe([PRESENCE_TOPIC])
    const announce = (k: PrivateKey, name: string) =>
      forge(k, PRESENCE_TOPIC, encodeAnnouncement({ kind: 'join', name, ts: Date.now(), addrs: [] }))
    const forged = await Promise.all((await freshKeys(200)).map((k, i) => announce(k, `fake-${i}`)))
    // the flood, then the node's own announcement: the relay handles one connection's RPCs in order
    await link.publish([...forged, await announce(key, 'mallory')])
    await alice.waitForUsers((users) => users.some((u) => u.name === 'mallory'), 30_000)
    for (const peer of [alice, bob]) {
      expect((await peer.users()).filter((u) => u.name.startsWith('fake-'))).toEqual([])
    }
  }, 120_000)

  it('one IP address gets at most its share of connections, whatever PeerIds it brings', async () => {
    const { relay } = await relayWithClients([], { maxConnectionsPerIp: 4 })
    const nodes = await Promise.all(Array.from({ length: 10 }, () => hostileNode()))
    const results = await Promise.allSettled(nodes.map((n) => GossipLink.open(n, relay.addrOn())))
    await until(
      'refused connections to close',
      () => nodes.filter((n) => n.node.getConnections().length > 0).length <= 4
    )
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThan(0)
    expect(nodes.filter((n) => n.node.getConnections().length > 0).length).toBeLessThanOrEqual(4)
  }, 60_000)

  it('the clients of one IP address hold at most their share of relay slots', async () => {
    const {
      relay,
      clients: [alice]
    } = await relayWithClients(['alice'], { maxReservationsPerIp: 1 })
    const bob = await spawnPeer({ name: 'bob', extraArgs: ['--relay', relay.addrOn()] })
    await bob.waitFor('relay', (e) => e.state === 'unreachable', { timeoutMs: 30_000 })
    expect(bob.all('relay').some((e) => e.state === 'reserved')).toBe(false)
    // the slot holder is still served
    expect(alice.all('relay').filter((e) => e.state === 'lost')).toEqual([])
  }, 60_000)

  it('a client that is gone frees its relay slot for the next one at once, not after the slot TTL', async () => {
    const {
      relay,
      clients: [alice]
    } = await relayWithClients(['alice'], { maxReservations: 1 })
    alice.kill('SIGKILL')
    await alice.exited
    const bob = await spawnPeer({ name: 'bob', extraArgs: ['--relay', relay.addrOn()] })
    await bob.waitFor('relay', (e) => e.state === 'reserved', { timeoutMs: 30_000 })
  }, 60_000)
})
