import { createServer, type Server } from 'node:net'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import {
  MAX_FORWARDED_IDENTITIES_PER_IP,
  MAX_FORWARDED_IDENTITIES_PER_PEER
} from '../../protocols/presence/constants.ts'
import { encodeAnnouncement, PRESENCE_TOPIC } from '../../protocols/presence/index.ts'
import { cleanup, type PeerProcess, spawnPeer, until } from './harness.ts'
import { forge, freshKeys, GossipLink, type HostileNode, hostileNode, stopHostileNodes } from './hostile-node.ts'

async function aliceAndBob(): Promise<[PeerProcess, PeerProcess]> {
  const alice = await spawnPeer({ name: 'alice' })
  const bob = await spawnPeer({ name: 'bob', bootstrap: [alice.addrs[0]] })
  await Promise.all([alice, bob].map((p) => p.waitForUsers((users) => users.length === 2)))
  return [alice, bob]
}

/** Signed JOIN and ALIVE announcements for `keys`, named fake-<i>, listing `addrs`. */
async function forgedPresence(keys: PrivateKey[], addrs: Uint8Array[] = []) {
  return Promise.all(
    keys.flatMap((key, i) =>
      (['join', 'alive'] as const).map((kind) =>
        forge(key, PRESENCE_TOPIC, encodeAnnouncement({ kind, name: `fake-${i}`, ts: Date.now(), addrs }))
      )
    )
  )
}

/** A hostile node with its own key, linked to `peer`'s gossip, subscribed to presence. */
async function mallory(
  peer: PeerProcess,
  name: string
): Promise<{ key: PrivateKey; link: GossipLink; hostile: HostileNode }> {
  const key = await generateKeyPair('Ed25519')
  const hostile = await hostileNode(key)
  const link = await GossipLink.open(hostile, peer.addrs[0])
  await link.subscribe([PRESENCE_TOPIC])
  // its own announcement, over its own connection: a user like any other
  await link.publish([
    await forge(key, PRESENCE_TOPIC, encodeAnnouncement({ kind: 'join', name, ts: Date.now(), addrs: [] }))
  ])
  return { key, link, hostile }
}

/** Polls `peer`'s user list until its size stops changing for two seconds; returns the fake users in it. */
async function settledFakes(peer: PeerProcess): Promise<number> {
  let last = -1
  let since = Date.now()
  for (;;) {
    const fakes = (await peer.users()).filter((u) => u.name.startsWith('fake-')).length
    if (fakes !== last) {
      last = fakes
      since = Date.now()
    } else if (Date.now() - since > 2000) {
      return fakes
    }
    await new Promise((r) => setTimeout(r, 250))
  }
}

describe('presence under floods of forged identities', () => {
  let victimServer: Server | undefined

  afterEach(async () => {
    victimServer?.close()
    victimServer = undefined
    await stopHostileNodes()
    await cleanup()
  })

  it('600 identities forged over two connections: bounded fakes in every list, a newcomer and DMs still served', async () => {
    const [alice, bob] = await aliceAndBob()
    const first = await mallory(alice, 'mallory')
    const second = await mallory(alice, 'trudy')
    await alice.waitForUsers((users) => users.some((u) => u.name === 'trudy'), 20_000)
    await first.link.publish(await forgedPresence(await freshKeys(300)))
    await second.link.publish(await forgedPresence(await freshKeys(300)))

    const atAlice = await settledFakes(alice)
    // one connection brings at most its budget of identities it is not; both together their IP address's budget
    expect(atAlice).toBeGreaterThan(0)
    expect(atAlice).toBeLessThanOrEqual(MAX_FORWARDED_IDENTITIES_PER_IP)
    expect(atAlice).toBeLessThanOrEqual(2 * MAX_FORWARDED_IDENTITIES_PER_PEER)
    // bob hears them only through alice: one forwarding connection's budget
    expect(await settledFakes(bob)).toBeLessThanOrEqual(MAX_FORWARDED_IDENTITIES_PER_PEER)
    // each flooder sent far more than its budget: alice closed its connection rather than check every signature
    for (const { hostile } of [first, second]) {
      await until('alice to close the flooder', () => hostile.node.getConnections().length === 0, 30_000)
    }

    const carol = await spawnPeer({ name: 'carol', bootstrap: [alice.addrs[0]] })
    await carol.waitForUsers((users) => ['alice', 'bob'].every((n) => users.some((u) => u.name === n)), 30_000)
    alice.send('/msg bob still served')
    const sent = await alice.waitFor('sent', (s) => s.text === 'still served')
    await alice.waitFor('delivered', (d) => d.id === sent.id, { timeoutMs: 30_000 })
    await bob.waitFor('message', (m) => m.scope === 'dm' && m.text === 'still served')
  }, 120_000)

  it('forged announcements pointing at a third party do not make every peer dial it again and again', async () => {
    let connections = 0
    const server = createServer((socket) => {
      connections++
      socket.destroy()
    })
    victimServer = server
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    const port = typeof address === 'object' && address != null ? address.port : 0
    const [alice] = await aliceAndBob()
    const { link } = await mallory(alice, 'mallory')
    const keys = await freshKeys(50)
    const announcements = await Promise.all(
      keys.map(async (key, i) => {
        const id = peerIdFromPrivateKey(key).toString()
        const addrs = ['', '/ws', `/p2p/${id}`, '/wss'].map(
          (tail) => multiaddr(`/ip4/127.0.0.1/tcp/${port}${tail}`).bytes
        )
        return forge(
          key,
          PRESENCE_TOPIC,
          encodeAnnouncement({ kind: 'join', name: `fake-${i}`, ts: Date.now(), addrs })
        )
      })
    )
    await link.publish(announcements)
    await until('someone to dial the announced address', () => connections > 0, 20_000)
    // the retries of the old dialer came within seconds; watch a while longer than that
    const deadline = Date.now() + 8000
    await until('the watch to end', () => Date.now() > deadline || connections > 2, 10_000)
    // alice and bob, once each per target address and back-off window
    expect(connections).toBeLessThanOrEqual(2)
  }, 90_000)
})
