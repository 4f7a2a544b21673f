import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { decodeLobbyPost, encodeLobbyPost, LOBBY_TOPIC } from '../protocols/lobby/index.ts'
import { initRelay } from '../relay/init.ts'
import { type BenchClient, benchClient, percentile } from './relay-clients.ts'

/**
 * Relay benchmark (`npm run bench:relay`): idle clients held and memory per connection, broadcast latency through the
 * relay with 50 clients, and DM throughput through the relay's circuit against a direct connection, in one run.
 * Everything runs on loopback. Sizes can be changed with BENCH_IDLE, BENCH_WORKERS, BENCH_BROADCAST_CLIENTS.
 */
const IDLE = Number(process.env.BENCH_IDLE ?? 1000)
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4)
const BROADCAST_CLIENTS = Number(process.env.BENCH_BROADCAST_CLIENTS ?? 50)
const BROADCAST_MESSAGES = 200
const DM_COUNT = 400
const DM_TEXT = 'x'.repeat(4000)
const DM_CONCURRENCY = 16

const BIN = new URL('../../bin/p2pchat.js', import.meta.url).pathname

interface Relay {
  child: ChildProcess
  addr: string
  peerId: string
}

function rssKiB(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((s) => Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? Number.NaN))
}

function lines(child: ChildProcess, onLine: (obj: Record<string, unknown>) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! })
    rl.on('line', (line) => {
      try {
        if (onLine(JSON.parse(line) as Record<string, unknown>)) {
          rl.removeAllListeners('line')
          resolve()
        }
      } catch {
        // not JSON: ignore
      }
    })
    child.once('exit', (code) => reject(new Error(`process exited with ${code}`)))
  })
}

async function startRelay(dataDir: string): Promise<Relay> {
  await initRelay({
    dataDir,
    name: 'bench relay',
    admins: [peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()],
    listen: ['/ip4/127.0.0.1/tcp/0']
  })
  const path = join(dataDir, 'relay.json')
  const config = JSON.parse(await readFile(path, 'utf8'))
  // every benchmark client comes from 127.0.0.1: lift the per-host limits and size the relay for the run
  const capacity = Math.max(IDLE, BROADCAST_CLIENTS) + 100
  Object.assign(config, {
    maxConnections: capacity,
    maxReservations: capacity,
    maxConnectionsPerHostPerSecond: 100_000,
    maxConnectionsPerIp: capacity,
    maxReservationsPerIp: capacity
  })
  await writeFile(path, JSON.stringify(config, null, 2))
  const child = spawn(process.execPath, [BIN, 'relay', 'start', '--json', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let addr = ''
  let peerId = ''
  await lines(child, (e) => {
    if (e.type === 'ready') {
      addr = (e.addrs as string[])[0]
      peerId = String(e.peerId)
      return true
    }
    return false
  })
  return { child, addr, peerId }
}

async function idleClients(
  relay: Relay
): Promise<{ held: number; rssBefore: number; rssAfter: number; seconds: number }> {
  const pid = relay.child.pid!
  await new Promise((r) => setTimeout(r, 2000))
  const rssBefore = await rssKiB(pid)
  const started = Date.now()
  const workers = Array.from({ length: WORKERS }, (_, i) => {
    const count = Math.floor(IDLE / WORKERS) + (i < IDLE % WORKERS ? 1 : 0)
    const worker = new URL('./relay-worker.js', import.meta.url).pathname
    return spawn(process.execPath, [worker, relay.addr, String(count)], { stdio: ['pipe', 'pipe', 'inherit'] })
  })
  const held: number[] = workers.map(() => 0)
  await Promise.all(
    workers.map((w, i) =>
      lines(w, (e) => {
        if (typeof e.held === 'number') {
          held[i] = e.held
          process.stderr.write(`\r  idle clients held: ${held.reduce((a, b) => a + b, 0)} `)
        }
        if (typeof e.done === 'number') {
          held[i] = e.done
          return true
        }
        return false
      })
    )
  )
  const seconds = (Date.now() - started) / 1000
  process.stderr.write('\n')
  // let the relay settle (identify, gossip subscriptions) before reading its memory
  await new Promise((r) => setTimeout(r, 5000))
  const rssAfter = await rssKiB(pid)
  for (const w of workers) {
    w.stdin!.end()
  }
  await Promise.all(workers.map((w) => new Promise((r) => w.once('exit', r))))
  return { held: held.reduce((a, b) => a + b, 0), rssBefore, rssAfter, seconds }
}

async function broadcastLatency(
  relay: Relay
): Promise<{ p50: number; p99: number; delivered: number; expected: number }> {
  const clients: BenchClient[] = []
  for (let i = 0; i < BROADCAST_CLIENTS; i += 10) {
    clients.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(10, BROADCAST_CLIENTS - i) }, () => benchClient({ relay: relay.addr }))
      ))
    )
  }
  const sentAt = new Map<string, number>()
  const latencies: number[] = []
  const warm = new Set<string>()
  for (const c of clients) {
    c.services.pubsub.addEventListener('message', (evt) => {
      const msg = evt.detail
      if (msg.topic !== LOBBY_TOPIC) {
        return
      }
      const post = decodeLobbyPost(msg.data)
      if (post.id.startsWith('warm')) {
        warm.add(`${c.peerId}/${post.id}`)
        return
      }
      const t0 = sentAt.get(post.id)
      if (t0 != null) {
        latencies.push(performance.now() - t0)
      }
    })
  }
  const publish = (from: BenchClient, id: string): Promise<unknown> =>
    from.services.pubsub.publish(LOBBY_TOPIC, encodeLobbyPost({ id, ts: Date.now(), senderName: 'bench', text: id }))
  // warm up until the relay's mesh reaches every client
  for (let round = 0; round < 60; round++) {
    await publish(clients[0], `warm${round}`)
    await new Promise((r) => setTimeout(r, 250))
    if (clients.slice(1).every((c) => warm.has(`${c.peerId}/warm${round}`))) {
      break
    }
  }
  for (let i = 0; i < BROADCAST_MESSAGES; i++) {
    const id = `m${i}-${randomUUID().slice(0, 8)}`
    sentAt.set(id, performance.now())
    await publish(clients[i % clients.length], id)
    await new Promise((r) => setTimeout(r, 20))
  }
  const expected = BROADCAST_MESSAGES * (clients.length - 1)
  const deadline = Date.now() + 15_000
  while (latencies.length < expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100))
  }
  await Promise.allSettled(clients.map((c) => c.stop()))
  const sorted = [...latencies].sort((a, b) => a - b)
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), delivered: latencies.length, expected }
}

async function dmRun(a: BenchClient, b: BenchClient): Promise<{ perSecond: number; kibPerSecond: number }> {
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: DM_CONCURRENCY }, async () => {
      while (next < DM_COUNT) {
        const i = next++
        await a.services.dm.send(b.peerId, { id: `dm${i}`, ts: Date.now(), senderName: 'bench', text: DM_TEXT })
      }
    })
  )
  const seconds = (performance.now() - started) / 1000
  return { perSecond: DM_COUNT / seconds, kibPerSecond: (DM_COUNT * DM_TEXT.length) / 1024 / seconds }
}

async function dmThroughput(
  relay: Relay
): Promise<{ circuit: Awaited<ReturnType<typeof dmRun>>; direct: Awaited<ReturnType<typeof dmRun>> }> {
  const [a, b] = await Promise.all([
    benchClient({ relay: relay.addr, listen: ['/ip4/127.0.0.1/tcp/0'] }),
    benchClient({ relay: relay.addr, listen: ['/ip4/127.0.0.1/tcp/0'] })
  ])
  try {
    const circuitAddr = b.getMultiaddrs().find((ma) => ma.toString().includes('/p2p-circuit'))!
    const relayed = await a.dial(circuitAddr)
    const circuit = await dmRun(a, b)
    await relayed.close()
    const directAddr = b.getMultiaddrs().find((ma) => !ma.toString().includes('/p2p-circuit'))!
    await a.dial(multiaddr(directAddr.toString()))
    const direct = await dmRun(a, b)
    return { circuit, direct }
  } finally {
    await Promise.allSettled([a.stop(), b.stop()])
  }
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'p2pchat-bench-relay-'))
  const relay = await startRelay(dataDir)
  try {
    process.stderr.write(`relay ${relay.peerId} at ${relay.addr}\n`)
    const idle = await idleClients(relay)
    const perConnKiB = (idle.rssAfter - idle.rssBefore) / Math.max(1, idle.held)
    const broadcast = await broadcastLatency(relay)
    const dm = await dmThroughput(relay)
    const f = (n: number, d = 1): string => n.toFixed(d)
    const report = [
      'relay benchmark (loopback, this machine)',
      `  idle clients held        ${idle.held} of ${IDLE} (connected in ${f(idle.seconds)} s)`,
      `  relay RSS                ${f(idle.rssBefore / 1024)} MiB idle -> ${f(idle.rssAfter / 1024)} MiB with ${idle.held} clients`,
      `  RSS per connection       ${f(perConnKiB)} KiB`,
      `  broadcast latency        p50 ${f(broadcast.p50)} ms, p99 ${f(broadcast.p99)} ms (${BROADCAST_CLIENTS} clients, ${broadcast.delivered}/${broadcast.expected} deliveries)`,
      `  DM throughput, circuit   ${f(dm.circuit.perSecond, 0)} msg/s, ${f(dm.circuit.kibPerSecond / 1024, 2)} MiB/s`,
      `  DM throughput, direct    ${f(dm.direct.perSecond, 0)} msg/s, ${f(dm.direct.kibPerSecond / 1024, 2)} MiB/s (baseline)`,
      `  circuit / direct         ${f((dm.circuit.perSecond / dm.direct.perSecond) * 100, 0)} %`
    ]
    process.stdout.write(`${report.join('\n')}\n`)
    process.stdout.write(
      `${JSON.stringify({ idle: { ...idle, perConnKiB }, broadcast, dm, config: { IDLE, WORKERS, BROADCAST_CLIENTS, BROADCAST_MESSAGES, DM_COUNT, DM_CONCURRENCY } })}\n`
    )
  } finally {
    relay.child.kill('SIGTERM')
    await new Promise((r) => relay.child.once('exit', r))
    await rm(dataDir, { recursive: true, force: true })
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`)
    process.exit(1)
  }
)
