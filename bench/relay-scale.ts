import { type ChildProcess, spawn } from 'node:child_process'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { setPriority } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { PRESENCE_TOPIC } from '../protocols/presence/index.ts'
import { initRelay } from '../relay/init.ts'
import { cpuMs } from './proc.ts'
import { type PresenceClient, presenceClient } from './relay-clients.ts'

/**
 * The relay under test and the idle clients it holds, for the relay benchmark: a relay process listening on several
 * loopback addresses (127.0.0.1, .2, ...), and worker processes each holding a share of the idle clients, each
 * worker dialing its own address so that no single address pair runs out of ephemeral ports.
 */

const BIN = new URL('../../bin/p2pchat.js', import.meta.url).pathname
const WORKER = new URL('./relay-worker.js', import.meta.url).pathname
const PROBE = new URL('./relay-probe.js', import.meta.url).pathname

export interface BenchRelay {
  child: ChildProcess
  /** one TCP address per loopback host the relay listens on, each ending in /p2p/<PeerId> */
  addrs: string[]
  peerId: string
  /** where the relay's probe writes its memory */
  probeFile: string
  /** the relay's nice value (0 when it could not be changed) */
  nice: number
}

export interface BenchRelayInit {
  dataDir: string
  /** connections and reservations the relay must take */
  capacity: number
  /** loopback hosts to listen on (127.0.0.1 to 127.0.0.<hosts>) */
  hosts: number
  /** extra node flags for the relay process (e.g. --heapsnapshot-signal=SIGUSR2) */
  nodeFlags?: string[]
  /** the relay's working directory (where heap snapshots land) */
  cwd?: string
}

/** Resident memory of a process, in KiB. */
export function rssKiB(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((s) => Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? Number.NaN))
}

/** The relay's memory after a full garbage collection, in KiB, through relay-probe.ts. */
export interface RelayMemory {
  rss: number
  heapUsed: number
  /** what V8 holds for its heap, used or not (its young generation grown by a burst, pages not yet given back) */
  heapTotal: number
  /** memory outside V8's heap that JavaScript objects own: buffers' contents, sockets' native parts */
  external: number
  /** RSS after V8's last-resort collection, which compacts the heap and gives back what it freed */
  compactedRss: number
  /** open sockets: connections held, plus the relay's listeners */
  sockets: number
}

/** Asks the relay's probe for its memory after collecting garbage. */
export async function probeMemory(relay: BenchRelay, signal: AbortSignal): Promise<RelayMemory> {
  await rm(relay.probeFile, { force: true })
  relay.child.kill('SIGUSR2')
  for (;;) {
    signal.throwIfAborted()
    try {
      const m = JSON.parse(await readFile(relay.probeFile, 'utf8')) as RelayMemory & { compacted: { rss: number } }
      return {
        compactedRss: m.compacted.rss / 1024,
        rss: m.rss / 1024,
        heapUsed: m.heapUsed / 1024,
        heapTotal: m.heapTotal / 1024,
        external: m.external / 1024,
        sockets: m.sockets
      }
    } catch {
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

/** Resolves when `onLine` returns true for a JSON line of the child's stdout; rejects if the child exits first. */
export function jsonLines(child: ChildProcess, onLine: (obj: Record<string, unknown>) => boolean): Promise<void> {
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

/** BENCH_RELAY_DEBUG=<namespaces> turns on libp2p's debug log in the relay alone (the clients would drown it out). */
function relayDebug(): Record<string, string> {
  const namespaces = process.env.BENCH_RELAY_DEBUG
  return namespaces == null || namespaces === '' ? {} : { DEBUG: namespaces }
}

/** Creates and starts a relay sized for `capacity` clients, all from loopback (per-IP limits lifted). */
export async function startBenchRelay(init: BenchRelayInit): Promise<BenchRelay> {
  const { dataDir, capacity } = init
  const listen = Array.from({ length: init.hosts }, (_, i) => `/ip4/127.0.0.${i + 1}/tcp/0`)
  await initRelay({
    dataDir,
    name: 'bench relay',
    admins: [peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()],
    listen
  })
  const path = join(dataDir, 'relay.json')
  const config = JSON.parse(await readFile(path, 'utf8'))
  Object.assign(config, {
    maxConnections: capacity,
    maxReservations: capacity,
    maxConnectionsPerHostPerSecond: 100_000,
    maxConnectionsPerIp: capacity,
    maxReservationsPerIp: capacity,
    stunPort: 0
  })
  await writeFile(path, JSON.stringify(config, null, 2))
  const probeFile = join(dataDir, 'memory.json')
  const child = spawn(
    process.execPath,
    [
      ...(init.nodeFlags ?? []),
      '--expose-gc',
      '--import',
      PROBE,
      BIN,
      'relay',
      'start',
      '--json',
      '--data-dir',
      dataDir
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: init.cwd,
      env: { ...process.env, ...relayDebug(), BENCH_PROBE_FILE: probeFile }
    }
  )
  const niced = prioritise(child, RELAY_NICE)
  let addrs: string[] = []
  let peerId = ''
  await jsonLines(child, (e) => {
    if (e.type === 'ready') {
      addrs = (e.addrs as string[]).filter((a) => !a.includes('/ws'))
      peerId = String(e.peerId)
      return true
    }
    return false
  })
  return { child, addrs, peerId, probeFile, nice: niced ? RELAY_NICE : 0 }
}

/**
 * The relay's scheduling priority in the benchmark (BENCH_RELAY_NICE, default -10): docs/relay.md tells operators to
 * give a relay priority over whatever shares its host, and here that is the benchmark's own thousands of clients.
 * Only root may raise a priority; without it the relay runs at the default and the report says so.
 */
const RELAY_NICE = Number(process.env.BENCH_RELAY_NICE ?? -10)

function prioritise(child: ChildProcess, nice: number): boolean {
  try {
    setPriority(child.pid ?? 0, nice)
    return true
  } catch {
    return false
  }
}

/** Idle clients held on a relay by worker processes, until `release()`. */
export interface IdleClients {
  held: number
  failed: number
  seconds: number
  release: () => Promise<void>
}

/** Starts `count` idle clients (reservation, lobby and presence subscriptions) across `workers` processes. */
export async function holdIdleClients(relay: BenchRelay, count: number, workers: number): Promise<IdleClients> {
  const started = Date.now()
  const children = Array.from({ length: workers }, (_, i) => {
    const share = Math.floor(count / workers) + (i < count % workers ? 1 : 0)
    const addr = relay.addrs[i % relay.addrs.length]
    return spawn(process.execPath, [WORKER, addr, String(share)], { stdio: ['pipe', 'pipe', 'inherit'] })
  })
  const held = children.map(() => 0)
  const failed = children.map(() => 0)
  await Promise.all(
    children.map((w, i) =>
      jsonLines(w, (e) => {
        if (typeof e.held === 'number') {
          held[i] = e.held
          process.stderr.write(`\r  idle clients held: ${held.reduce((a, b) => a + b, 0)} `)
        }
        if (typeof e.failed === 'number') {
          failed[i] = e.failed
        }
        if (typeof e.done === 'number') {
          held[i] = e.done
          return true
        }
        return false
      })
    )
  )
  process.stderr.write('\n')
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0)
  return {
    held: sum(held),
    failed: sum(failed),
    seconds: (Date.now() - started) / 1000,
    release: async () => {
      for (const w of children) {
        w.stdin!.end()
      }
      await Promise.all(children.map((w) => new Promise((r) => w.once('exit', r))))
    }
  }
}

/**
 * Join to user list: `active` clients with presence are up and list each other; a new one starts (connects,
 * reserves, announces) and the time until its user list holds all of them is measured. The active clients are
 * returned for the caller to stop.
 */
export async function joinToUserList(
  relay: BenchRelay,
  active: number,
  signal: AbortSignal
): Promise<{ ms: number; clients: PresenceClient[]; relayCpuMsPerClient: number }> {
  const addr = relay.addrs[0]
  const clients: PresenceClient[] = []
  // what a client with presence costs the relay, from its connection until everyone lists everyone: its handshake
  // and slot, and its announcements, each forwarded to every client subscribed to presence (the idle ones too)
  const cpuBefore = cpuMs(relay.child.pid ?? 0)
  for (let i = 0; i < active; i += 10) {
    clients.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(10, active - i) }, (_, j) => presenceClient(addr, `active${i + j}`))
      ))
    )
  }
  await until(
    () => clients.every((c) => c.services.presence.list().length >= active - 1),
    signal,
    () => {
      const listed = clients.map((c) => c.services.presence.list().length)
      const behind = clients[listed.indexOf(Math.min(...listed))]
      return `join: ${clients.length} active clients list ${Math.min(...listed)} to ${Math.max(...listed)} of ${active - 1} others; furthest behind: ${gossipLink(behind)}`
    }
  )
  const relayCpuMsPerClient = (cpuMs(relay.child.pid ?? 0) - cpuBefore) / active
  const t0 = performance.now()
  const newcomer = await presenceClient(addr, 'newcomer')
  clients.push(newcomer)
  await until(() => newcomer.services.presence.list().length >= active, signal)
  return { ms: performance.now() - t0, clients, relayCpuMsPerClient }
}

/** What a client's gossip link to the relay looks like: its connections, their streams, its presence mesh. */
function gossipLink(client: PresenceClient): string {
  const streams = client
    .getConnections()
    .map((c) => `${c.status} [${c.streams.map((st) => `${st.protocol ?? '?'} ${st.direction}`).join(', ')}]`)
  const pubsub = client.services.pubsub
  const slot = client.getMultiaddrs().some((a) => a.toString().includes('/p2p-circuit'))
  return `connections ${streams.join('; ') || 'none'}, presence subscribers ${pubsub.getSubscribers(PRESENCE_TOPIC).length}, gossip peers ${pubsub.getPeers().length}, ${slot ? 'with' : 'without'} a relay slot`
}

/** Waits for `condition`, saying where things stand every 10 s while it takes long. */
async function until(condition: () => boolean, signal: AbortSignal, progress?: () => string): Promise<void> {
  let said = Date.now()
  while (!condition()) {
    signal.throwIfAborted()
    await new Promise((r) => setTimeout(r, 20))
    if (progress != null && Date.now() - said >= 10_000) {
      said = Date.now()
      process.stderr.write(`  ${progress()}\n`)
    }
  }
}
