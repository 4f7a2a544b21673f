import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeLobbyPost, LOBBY_TOPIC } from '../../protocols/lobby/index.ts'
import {
  decodeAnnouncement,
  HEARTBEAT_INTERVAL_MS,
  PRESENCE_TOPIC,
  RELAYED_LIFETIME_MS
} from '../../protocols/presence/index.ts'
import { cleanup, initRelay, killRelays, type RelayProcess, spawnPeer, startRelay, until } from './harness.ts'
import { forge, GossipLink, type HostileNode, hostileNode, stopHostileNodes } from './hostile-node.ts'

/** A relay, and a node that subscribed to `topic` on it and was taken into the relay's mesh. */
async function relayAndWatcher(topic: string): Promise<{ relay: RelayProcess; watcher: HostileNode }> {
  const admin = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
  const { dataDir } = await initRelay({ admins: [admin], listen: ['/ip4/127.0.0.1/tcp/0'] })
  const relay = await startRelay({ dataDir })
  const watcher = await hostileNode()
  await (await GossipLink.open(watcher, relay.addrOn())).subscribe([topic])
  // the relay takes a subscriber into its mesh at its next heartbeat: only mesh peers get IDONTWANTs
  await until('the relay to graft the watcher', () => watcher.received.grafts > 0, 30_000)
  return { relay, watcher }
}

describe('relay gossip', () => {
  afterEach(async () => {
    await stopHostileNodes()
    await killRelays()
    await cleanup()
  })

  it('forwards a large lobby post to each client without an IDONTWANT before it (each hears it from the relay alone)', async () => {
    const { relay, watcher } = await relayAndWatcher(LOBBY_TOPIC)

    const key = await generateKeyPair('Ed25519')
    const sender = await GossipLink.open(await hostileNode(key), relay.addrOn())
    await sender.subscribe([LOBBY_TOPIC])
    // over gossipsub's 512-byte IDONTWANT threshold, as presence announcements with a few addresses are
    const text = 'a lobby line long enough to pass the threshold '.repeat(16)
    const post = encodeLobbyPost({
      id: 'idontwant-probe',
      ts: Date.now(),
      senderName: 'sender',
      text,
      epoch: 1,
      seq: 1
    })
    expect(post.byteLength).toBeGreaterThan(512)
    await sender.publish([await forge(key, LOBBY_TOPIC, post)])

    const senderId = peerIdFromPrivateKey(key).toString()
    await until(
      'the post to reach the watcher',
      () => watcher.messages.some((m) => m.topic === LOBBY_TOPIC && m.from === senderId),
      30_000
    )
    expect(watcher.received.idontwants).toBe(0)
  }, 90_000)

  it('a client that joins through the relay costs it one presence broadcast naming its relay address, then none for minutes but its lobby tail', async () => {
    const { relay, watcher } = await relayAndWatcher(PRESENCE_TOPIC)
    const alice = await spawnPeer({ name: 'alice', extraArgs: ['--relay', relay.addrOn()] })
    await alice.waitFor('relay', (e) => e.state === 'reserved', { timeoutMs: 30_000 })
    const fromAlice = () => watcher.messages.filter((m) => m.topic === PRESENCE_TOPIC && m.from === alice.peerId)
    await until('alice to announce herself', () => fromAlice().length > 0, 30_000)
    const first = Date.now()
    // a second announcement (an answer to the relay's subscription, or the relay address once the slot came) follows
    // within a second; the next one of hers is her heartbeat
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    expect(Date.now() - first).toBeLessThan(HEARTBEAT_INTERVAL_MS)
    expect(fromAlice()).toHaveLength(1)

    // the relay vouches for her (it announces her departure), so she asks to be listed for minutes, and her heartbeats
    // stop reaching every client every HEARTBEAT_INTERVAL_MS: still one announcement after three of those
    expect(decodeAnnouncement(fromAlice()[0].data).lifetimeMs).toBe(RELAYED_LIFETIME_MS)
    await new Promise((resolve) => setTimeout(resolve, 3 * HEARTBEAT_INTERVAL_MS - 3_000))
    expect(fromAlice()).toHaveLength(1)
    // ...but where her lobby posts stand goes out within a heartbeat of a post (how others find they missed her last)
    alice.send('a line to move her lobby tail')
    await until('alice to announce her lobby tail', () => fromAlice().length > 1, 2 * HEARTBEAT_INTERVAL_MS)
    expect(decodeAnnouncement(fromAlice()[1].data).lobbyTail?.seq).toBe(1)
  }, 120_000)
})
