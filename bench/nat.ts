/**
 * NAT traversal benchmark: two clients, each behind its own nftables NAT router in network namespaces, meet through
 * a relay, upgrade to a direct WebRTC connection, and one sends the other a 50 MB file. Prints how long the upgrade
 * took after the first DM, the transfer's speed, and the bytes the relay's interface carried meanwhile (its kernel
 * counters), against the twice-the-file it would carry without the upgrade. Needs root and nftables.
 * Run: npm run bench:nat (P2PCHAT_BENCH_NAT_MB=<n> for another size).
 */
import { randomBytes } from 'node:crypto'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { createNatWorld, interfaceBytes, type NatWorld } from '../test/e2e/harness/nat.ts'
import { destroyAllNetns, netnsUnsupported } from '../test/e2e/harness/netns.ts'
import { type PeerProcess, spawnPeer } from '../test/e2e/harness/peers.ts'
import { cleanup, tempDir } from '../test/e2e/harness/process.ts'
import { initRelay, killRelays, newIdentity, startRelay } from '../test/e2e/harness/relay.ts'
import { runBench } from './peers.ts'

const MB = 1024 * 1024
const SIZE = Number(process.env.P2PCHAT_BENCH_NAT_MB ?? 50) * MB

async function writeRandomFile(size: number): Promise<string> {
  const path = join(tempDir('p2pchat-bench-nat-'), 'payload.bin')
  const fh = await open(path, 'w')
  try {
    for (let done = 0; done < size; done += MB) {
      await fh.write(randomBytes(Math.min(MB, size - done)))
    }
  } finally {
    await fh.close()
  }
  return path
}

async function relayBytes(world: NatWorld): Promise<number> {
  const { rx, tx } = await interfaceBytes(world.relayNs, world.relayIface)
  return rx + tx
}

/** The clients behind their routers, both online through the relay. */
async function setUp(world: NatWorld): Promise<{ alice: PeerProcess; bob: PeerProcess }> {
  const { dataDir } = await initRelay({ admins: [(await newIdentity()).peerId], listen: ['/ip4/0.0.0.0/tcp/0'] })
  const relay = await startRelay({ dataDir, netns: world.relayNs })
  const [alice, bob] = await Promise.all(
    ['alice', 'bob'].map((name, i) =>
      spawnPeer({
        name,
        netns: world.homes[i].ns,
        network: ['--no-mdns', '--listen', '/ip4/0.0.0.0/tcp/0'],
        extraArgs: ['--relay', relay.addrOn(world.relayIp), '--download-dir', tempDir('p2pchat-bench-dl-')]
      })
    )
  )
  await Promise.all([alice, bob].map((p) => p.waitForUsers((users) => users.length === 2, 60_000)))
  return { alice, bob }
}

async function measure(world: NatWorld): Promise<void> {
  const { alice, bob } = await setUp(world)
  const started = performance.now()
  alice.send('/msg bob hello')
  await alice.waitFor('route', (r) => r.peerId === bob.peerId && r.via === 'direct', { timeoutMs: 60_000 })
  const upgradeMs = performance.now() - started
  const path = await writeRandomFile(SIZE)
  const before = await relayBytes(world)
  const sendStart = performance.now()
  alice.send(`/send bob ${path}`)
  const offer = await bob.waitFor('offer', () => true, { timeoutMs: 60_000 })
  bob.send(`/accept ${offer.shortId}`)
  await bob.waitFor('done', (d) => d.id === offer.id, { timeoutMs: 600_000 })
  const seconds = (performance.now() - sendStart) / 1000
  const carried = (await relayBytes(world)) - before
  const rows = [
    ['upgrade to a direct connection after the first DM', `${upgradeMs.toFixed(0)} ms`],
    [
      `${SIZE / MB} MB file over the direct connection`,
      `${seconds.toFixed(1)} s, ${(SIZE / MB / seconds).toFixed(1)} MB/s`
    ],
    [
      'bytes through the relay during the transfer',
      `${carried.toLocaleString('en')} (${((100 * carried) / SIZE).toFixed(3)}% of the file; without the upgrade ~200%)`
    ]
  ]
  process.stdout.write(`\nNAT traversal (two nftables NAT routers, relay with STUN)\n`)
  for (const [what, value] of rows) {
    process.stdout.write(`  ${what.padEnd(52)} ${value}\n`)
  }
}

async function main(): Promise<void> {
  const why = await netnsUnsupported()
  if (why != null) {
    process.stdout.write(`NAT traversal benchmark skipped: ${why}\n`)
    return
  }
  const world = await createNatWorld(2)
  try {
    await measure(world)
  } finally {
    await cleanup()
    await killRelays()
    await destroyAllNetns()
  }
}

runBench(main)
