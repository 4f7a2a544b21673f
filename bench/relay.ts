import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { decodeLobbyPost, encodeLobbyPost, LOBBY_TOPIC } from '../protocols/lobby/index.ts'
import { cpuMs } from './proc.ts'
import { type BenchClient, benchClient, percentile } from './relay-clients.ts'
import {
  type BenchRelay,
  holdIdleClients,
  type IdleClients,
  joinToUserList,
  probeMemory,
  type RelayMemory,
  startBenchRelay
} from './relay-scale.ts'
import { figure, mergeResults } from './results.ts'

/**
 * Relay benchmark (`npm run bench:relay`): relay memory per idle client at growing sizes, then with all of them still
 * connected a newcomer's join-to-user-list time and lobby latency to 50 active clients, and DM throughput through the
 * relay's circuit against a direct connection, in one run. Everything runs on loopback. BENCH_IDLE is a comma list
 * of sizes (default 1000; e.g. 1000,5000,10000), BENCH_WORKERS the client processes, BENCH_BROADCAST_CLIENTS the
 * active clients; BENCH_HEAP_SNAPSHOT=<dir> writes a relay heap snapshot there at each size; BENCH_PACED_ONLY=1
 * stops after the join and the lobby at one post a second; BENCH_JOIN_TIMEOUT_S and BENCH_FLOOD_POSTS give a big
 * crowd's join more time and its flood fewer posts.
 */
const SIZES = (process.env.BENCH_IDLE ?? '1000').split(',').map(Number)
const IDLE = Math.max(...SIZES)
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4)
const BROADCAST_CLIENTS = Number(process.env.BENCH_BROADCAST_CLIENTS ?? 50)
const HEAP_SNAPSHOT_DIR = process.env.BENCH_HEAP_SNAPSHOT
/** the flood's posts: at 10,000 clients each costs the relay about half a second, so big runs may ask for fewer */
const BROADCAST_MESSAGES = Number(process.env.BENCH_FLOOD_POSTS ?? 200)
/** how long the 50 presence clients may take to list each other (the crowd's size decides what they need) */
const JOIN_TIMEOUT_MS = Number(process.env.BENCH_JOIN_TIMEOUT_S ?? 120) * 1000
/** the flood above: one post every 20 ms, past what a relay can forward to a crowd (it measures CPU per post) */
const FLOOD_GAP_MS = 20
/**
 * Lobby latency at a pace a relay with a crowd can forward: one post a second, each to every client, as a busy lobby
 * might see. At 10,000 clients one post costs the relay about half a second of CPU.
 */
const PACED_MESSAGES = 30
const PACED_GAP_MS = 1000
/** a short lobby line, and one past gossipsub's 512-byte IDONTWANT threshold (as presence announcements can be) */
const SHORT_POST_BYTES = 40
const LONG_POST_BYTES = 700
const DM_COUNT = 400
const DM_TEXT = 'x'.repeat(4000)
const DM_CONCURRENCY = 16
/** Time for the relay to settle (identify, subscriptions, GC) after clients connect, before reading its memory. */
const SETTLE_MS = 5000
/** How long the relay's CPU is read with a crowd idle: one round of yamux keep-alive pings (every 30 s each way). */
const IDLE_CPU_WINDOW_MS = 30_000

/** The relay's CPU over IDLE_CPU_WINDOW_MS, in percent of one core. */
async function idleCpuPercent(pid: number): Promise<number> {
  const before = cpuMs(pid)
  await new Promise((r) => setTimeout(r, IDLE_CPU_WINDOW_MS))
  return ((cpuMs(pid) - before) / IDLE_CPU_WINDOW_MS) * 100
}

interface BroadcastFigures {
  p50: number
  p99: number
  delivered: number
  expected: number
  /** the relay's CPU over the timed posts and their delivery, per post */
  relayCpuMsPerPost: number
}

/**
 * Lobby latency to every active client, and what each post cost the relay. `textBytes` pads the posts: gossipsub
 * treats a message of 512 bytes or more differently (it may send IDONTWANT to its mesh), and a presence
 * announcement with a few addresses is that big.
 */
async function broadcastLatency(
  clients: BenchClient[],
  relayPid: number,
  textBytes: number,
  pace: { messages: number; gapMs: number } = { messages: BROADCAST_MESSAGES, gapMs: FLOOD_GAP_MS }
): Promise<BroadcastFigures> {
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
    from.services.pubsub.publish(
      LOBBY_TOPIC,
      encodeLobbyPost({ id, ts: Date.now(), senderName: 'bench', text: id.padEnd(textBytes, '.') })
    )
  // warm up until the relay's mesh reaches every client
  for (let round = 0; round < 60; round++) {
    await publish(clients[0], `warm${round}`)
    await new Promise((r) => setTimeout(r, 250))
    if (clients.slice(1).every((c) => warm.has(`${c.peerId}/warm${round}`))) {
      break
    }
  }
  const cpuBefore = cpuMs(relayPid)
  for (let i = 0; i < pace.messages; i++) {
    const id = `m${i}-${randomUUID().slice(0, 8)}`
    sentAt.set(id, performance.now())
    await publish(clients[i % clients.length], id)
    await new Promise((r) => setTimeout(r, pace.gapMs))
  }
  const expected = pace.messages * (clients.length - 1)
  const deadline = Date.now() + 15_000
  while (latencies.length < expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100))
  }
  const relayCpuMsPerPost = (cpuMs(relayPid) - cpuBefore) / pace.messages
  const sorted = [...latencies].sort((a, b) => a - b)
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    delivered: latencies.length,
    expected,
    relayCpuMsPerPost
  }
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
  relay: BenchRelay
): Promise<{ circuit: Awaited<ReturnType<typeof dmRun>>; direct: Awaited<ReturnType<typeof dmRun>> }> {
  const [a, b] = await Promise.all([
    benchClient({ relay: relay.addrs[0], listen: ['/ip4/127.0.0.1/tcp/0'] }),
    benchClient({ relay: relay.addrs[0], listen: ['/ip4/127.0.0.1/tcp/0'] })
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

interface SizeFigures {
  size: number
  held: number
  /** connections the relay holds (its sockets beyond those at start): what the per-client figures divide by */
  connected: number
  failed: number
  seconds: number
  /** RSS and live heap after a full collection, and both per client above the relay's own at start */
  rssMiB: number
  heapMiB: number
  perClientKiB: number
  /** the same after V8's last-resort collection (compacted heap, freed pages given back) */
  compactedPerClientKiB: number
  heapPerClientKiB: number
  /** the relay's CPU while this crowd connected, per client that got in */
  relayCpuMsPerNewcomer: number
  /** the relay's CPU with the crowd connected and idle, in percent of a core */
  idleCpuPercent: number
}

/** Grows the idle crowd size by size, reading the relay's memory at each; the clients stay held. */
async function idleSizes(relay: BenchRelay, before: RelayMemory, crowds: IdleClients[]): Promise<SizeFigures[]> {
  const out: SizeFigures[] = []
  let held = 0
  for (const size of SIZES) {
    const cpuBefore = cpuMs(relay.child.pid!)
    const crowd = await holdIdleClients(relay, size - held, WORKERS)
    const relayCpuMsPerNewcomer = (cpuMs(relay.child.pid!) - cpuBefore) / Math.max(1, crowd.held)
    crowds.push(crowd)
    held += crowd.held
    await new Promise((r) => setTimeout(r, SETTLE_MS))
    const m = await probeMemory(relay, AbortSignal.timeout(60_000))
    const connected = m.sockets - before.sockets
    const idleCpu = await idleCpuPercent(relay.child.pid!)
    if (HEAP_SNAPSHOT_DIR != null) {
      relay.child.kill('SIGUSR2')
      await new Promise((r) => setTimeout(r, 2000 + held * 5))
    }
    out.push({
      size,
      held,
      connected,
      failed: crowd.failed,
      seconds: crowd.seconds,
      rssMiB: m.rss / 1024,
      heapMiB: m.heapUsed / 1024,
      perClientKiB: (m.rss - before.rss) / Math.max(1, connected),
      compactedPerClientKiB: (m.compactedRss - before.compactedRss) / Math.max(1, connected),
      heapPerClientKiB: (m.heapUsed - before.heapUsed) / Math.max(1, connected),
      relayCpuMsPerNewcomer,
      idleCpuPercent: idleCpu
    })
    process.stderr.write(
      `  ${held} idle clients (${connected} connected): relay RSS ${(m.rss / 1024).toFixed(1)} MiB, heap ${(m.heapUsed / 1024).toFixed(1)} MiB (V8 holds ${(m.heapTotal / 1024).toFixed(1)}, external ${(m.external / 1024).toFixed(1)}; RSS ${(m.compactedRss / 1024).toFixed(1)} MiB compacted), relay CPU ${relayCpuMsPerNewcomer.toFixed(1)} ms per newcomer, ${idleCpu.toFixed(1)} % of a core idle\n`
    )
  }
  return out
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'p2pchat-bench-relay-'))
  const relay = await startBenchRelay({
    dataDir,
    capacity: IDLE + BROADCAST_CLIENTS + 100,
    hosts: Math.min(WORKERS, 8),
    nodeFlags: [
      ...(process.env.BENCH_RELAY_FLAGS ?? '').split(' ').filter((f) => f !== ''),
      ...(HEAP_SNAPSHOT_DIR == null ? [] : ['--heapsnapshot-signal=SIGUSR2'])
    ],
    cwd: HEAP_SNAPSHOT_DIR
  })
  const crowds: IdleClients[] = []
  const active: BenchClient[] = []
  const f = (n: number, d = 1): string => n.toFixed(d)
  try {
    process.stderr.write(`relay ${relay.peerId} at ${relay.addrs.join(' ')}\n`)
    await new Promise((r) => setTimeout(r, 2000))
    const before = await probeMemory(relay, AbortSignal.timeout(60_000))
    const idleCpuAlone = await idleCpuPercent(relay.child.pid!)
    process.stderr.write(
      `  no clients: relay RSS ${f(before.rss / 1024)} MiB, heap ${f(before.heapUsed / 1024)} MiB, ${f(idleCpuAlone)} % of a core\n`
    )
    if (HEAP_SNAPSHOT_DIR != null) {
      relay.child.kill('SIGUSR2')
      await new Promise((r) => setTimeout(r, 3000))
    }
    const sizes = await idleSizes(relay, before, crowds)
    if (process.env.BENCH_IDLE_ONLY != null) {
      process.stdout.write(`${JSON.stringify({ before, sizes })}\n`)
      return
    }
    const held = sizes.at(-1)?.held ?? 0
    const join = await joinToUserList(relay, BROADCAST_CLIENTS, AbortSignal.timeout(JOIN_TIMEOUT_MS))
    active.push(...join.clients)
    const relayPid = relay.child.pid!
    // paced first: the flood leaves the relay a backlog to forward
    const paced = await broadcastLatency(active, relayPid, SHORT_POST_BYTES, {
      messages: PACED_MESSAGES,
      gapMs: PACED_GAP_MS
    })
    if (process.env.BENCH_PACED_ONLY === '1') {
      // the figures the crowd sizes are about, without the flood, CPU-per-post and DM phases that follow
      process.stdout.write(
        `join to user list ${f(join.ms, 0)} ms, relay CPU ${f(join.relayCpuMsPerClient)} ms per presence client; lobby at 1 post/s p50 ${f(paced.p50)} ms, p99 ${f(paced.p99)} ms, ${paced.delivered}/${paced.expected} delivered, relay CPU ${f(paced.relayCpuMsPerPost)} ms per post (${held} idle connected)\n${JSON.stringify({ before, sizes, joinMs: join.ms, paced })}\n`
      )
      return
    }
    const broadcast = await broadcastLatency(active, relayPid, SHORT_POST_BYTES)
    const longBroadcast = await broadcastLatency(active, relayPid, LONG_POST_BYTES)
    const dm = await dmThroughput(relay)
    const report = [
      `relay benchmark (loopback, this machine; relay at nice ${relay.nice})`,
      `  relay with no clients    RSS ${f(before.rss / 1024)} MiB, heap ${f(before.heapUsed / 1024)} MiB (after a full GC, as below)`,
      ...sizes.map(
        (s) =>
          `  ${String(s.size).padStart(6)} idle clients     ${s.held} held, ${s.connected} connected, RSS ${f(s.rssMiB)} MiB (${f(s.perClientKiB)} KiB per client; ${f(s.compactedPerClientKiB)} KiB compacted), heap ${f(s.heapMiB)} MiB (${f(s.heapPerClientKiB)} KiB per client), idle CPU ${f(s.idleCpuPercent)} % of a core`
      ),
      `  join to user list        ${f(join.ms, 0)} ms (${BROADCAST_CLIENTS} active users, ${held} idle clients connected)`,
      `  relay CPU per active     ${f(join.relayCpuMsPerClient, 1)} ms per client with presence joining (idle newcomer: ${f(sizes.at(-1)?.relayCpuMsPerNewcomer ?? Number.NaN, 1)} ms)`,
      `  lobby latency, 1 post/s  p50 ${f(paced.p50)} ms, p99 ${f(paced.p99)} ms (${BROADCAST_CLIENTS} active, ${held} idle connected, ${paced.delivered}/${paced.expected} deliveries, relay CPU ${f(paced.relayCpuMsPerPost, 1)} ms per post)`,
      `  lobby latency, 50 post/s p50 ${f(broadcast.p50)} ms, p99 ${f(broadcast.p99)} ms (${BROADCAST_CLIENTS} active, ${held} idle connected, ${broadcast.delivered}/${broadcast.expected} deliveries)`,
      `  relay CPU per post        ${f(longBroadcast.relayCpuMsPerPost, 2)} ms for ${LONG_POST_BYTES}-byte posts (p50 ${f(longBroadcast.p50)} ms, p99 ${f(longBroadcast.p99)} ms, ${longBroadcast.delivered}/${longBroadcast.expected}), ${f(broadcast.relayCpuMsPerPost, 2)} ms for ${SHORT_POST_BYTES}-byte posts (baseline)`,
      `  DM throughput, circuit   ${f(dm.circuit.perSecond, 0)} msg/s, ${f(dm.circuit.kibPerSecond / 1024, 2)} MiB/s`,
      `  DM throughput, direct    ${f(dm.direct.perSecond, 0)} msg/s, ${f(dm.direct.kibPerSecond / 1024, 2)} MiB/s (baseline)`,
      `  circuit / direct         ${f((dm.circuit.perSecond / dm.direct.perSecond) * 100, 0)} %`
    ]
    process.stdout.write(`${report.join('\n')}\n`)
    mergeResults([
      ...sizes.flatMap((s) => [
        figure(`relay.idle.${s.size}.rss_per_client`, s.perClientKiB, 'KiB'),
        figure(`relay.idle.${s.size}.rss_per_client_compacted`, s.compactedPerClientKiB, 'KiB'),
        figure(`relay.idle.${s.size}.heap_per_client`, s.heapPerClientKiB, 'KiB'),
        figure(`relay.idle.${s.size}.cpu_per_newcomer`, s.relayCpuMsPerNewcomer, 'ms'),
        figure(`relay.idle.${s.size}.cpu_percent`, s.idleCpuPercent, '%', {
          name: 'relay with no clients, same run',
          value: idleCpuAlone
        })
      ]),
      figure(`relay.join_to_user_list.${held}`, join.ms, 'ms'),
      figure(`relay.join.cpu_per_active_client.${held}`, join.relayCpuMsPerClient, 'ms', {
        name: 'relay CPU per idle newcomer (no presence), same run',
        value: sizes.at(-1)?.relayCpuMsPerNewcomer ?? Number.NaN
      }),
      figure(`relay.lobby.p99.${held}`, broadcast.p99, 'ms'),
      figure(`relay.lobby.paced.p99.${held}`, paced.p99, 'ms'),
      figure(`relay.lobby.paced.delivered.${held}`, (paced.delivered / Math.max(1, paced.expected)) * 100, '%'),
      figure(`relay.lobby.cpu_per_post.${LONG_POST_BYTES}b`, longBroadcast.relayCpuMsPerPost, 'ms', {
        name: `relay CPU per ${SHORT_POST_BYTES}-byte post, same run`,
        value: broadcast.relayCpuMsPerPost
      })
    ])
    process.stdout.write(
      `${JSON.stringify({ before, sizes, joinMs: join.ms, joinCpuMsPerClient: join.relayCpuMsPerClient, paced, broadcast, longBroadcast, dm, config: { SIZES, WORKERS, BROADCAST_CLIENTS, BROADCAST_MESSAGES, DM_COUNT, DM_CONCURRENCY } })}\n`
    )
  } finally {
    await Promise.allSettled(active.map((c) => c.stop()))
    await Promise.allSettled(crowds.map((c) => c.release()))
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
