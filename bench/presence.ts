/**
 * Presence at scale (`node dist/bench/presence.js`, sizes in BENCH_PRESENCE_PEERS, e.g. 10,50,100,200): chat peers
 * spread over worker processes (presence-worker.ts; BENCH_PRESENCE_PROCS, by default enough that none hosts more than
 * 25 peers), each peer on its own loopback address (127.0.x.y, as each peer on a LAN has its own IP) and
 * bootstrapping to a few earlier ones (gossipsub forms the mesh, as on a LAN where not everyone dials everyone at
 * once). Measures the time from the last peer ready to a full user list everywhere, and the idle CPU per peer: what
 * the worker processes used over BENCH_PRESENCE_IDLE_MS after that, divided by the peers. Loopback only, no mDNS.
 * BENCH_PRESENCE_PROFILE=<dir>: every worker writes a CPU profile of the idle window there.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { runBench } from './peers.ts'
import type { WorkerLine } from './presence-worker.ts'
import { type Figure, figure, formatFigures } from './results.ts'

const WORKER = fileURLToPath(new URL('./presence-worker.js', import.meta.url))
/**
 * Earlier peers each new one bootstraps to (enough that a newcomer's neighbours may introduce everyone);
 * BENCH_PRESENCE_FANOUT=all makes the full mesh that mDNS makes on a LAN, where every peer finds every other.
 */
const BOOTSTRAP_FANOUT = 6
/** Peers one worker process hosts at most, unless BENCH_PRESENCE_PROCS says otherwise. */
const PEERS_PER_PROC = 25
/** Longest wait for one peer to start, and for a full user list, before the run is called failed. */
const START_TIMEOUT_MS = 180_000
const CONVERGE_TIMEOUT_MS = 120_000
/** Time after convergence before the idle window, for what the last joins set off (syncs, answers) to end. */
const SETTLE_MS = 10_000
/** Set in a worker's environment: where it writes its CPU profile (PhaseProfiler). */
const PROFILE_ENV = 'P2PCHAT_BENCH_PROFILE_DIR'

export interface PresenceFigures {
  peers: number
  procs: number
  /** ms from the last peer ready to every peer listing every other */
  convergeMs: number
  /** idle CPU per peer, percent of one core */
  cpuPerPeerPct: number
  /** resident memory of the worker processes per peer, bytes */
  rssPerPeer: number
  /** 1-minute load average when the idle window ended */
  load: number
  /** why convergeMs is NaN: who did not list whom */
  shortfall?: string
  /** connections per peer, and gossip messages each peer received per second in the idle window, by topic */
  connectionsPerPeer: number
  receivedPerPeerPerSecond: Record<string, number>
}

interface Worker {
  proc: ChildProcess
  /** called with each line it prints */
  onLine: (line: WorkerLine) => void
}

function startWorker(root: string, tag: string, profileDir: string | undefined): Worker {
  const proc = spawn(process.execPath, [WORKER, root, tag], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: profileDir == null ? process.env : { ...process.env, [PROFILE_ENV]: profileDir }
  })
  const worker: Worker = { proc, onLine: () => {} }
  createInterface({ input: proc.stdout! }).on('line', (text) => worker.onLine(JSON.parse(text) as WorkerLine))
  return worker
}

/** Sends `command` to every worker and collects one answer of `type` from each. */
function ask<T extends WorkerLine['type']>(
  workers: Worker[],
  command: string,
  type: T
): Promise<Extract<WorkerLine, { type: T }>[]> {
  return withTimeout(
    Promise.all(
      workers.map(
        (w) =>
          new Promise<Extract<WorkerLine, { type: T }>>((resolve) => {
            w.onLine = (line) => {
              if (line.type === type) {
                resolve(line as Extract<WorkerLine, { type: T }>)
              }
            }
            w.proc.stdin!.write(`${command}\n`)
          })
      )
    ),
    START_TIMEOUT_MS,
    `no ${type} from every worker`
  )
}

function startPeer(worker: Worker, index: number, bootstrap: string[]): Promise<string> {
  return withTimeout(
    new Promise<string>((resolve, reject) => {
      worker.onLine = (line) => {
        if (line.type === 'ready' && line.index === index) {
          resolve(line.addr)
        } else if (line.type === 'failed' && line.index === index) {
          reject(new Error(`peer ${index} did not start: ${line.error}`))
        }
      }
      worker.proc.stdin!.write(`start ${index} p${index} ${peerIp(index)} ${bootstrap.join(' ')}\n`)
    }),
    START_TIMEOUT_MS,
    `peer ${index} did not start`
  )
}

/** Each peer's own loopback address: Linux routes all of 127.0.0.0/8 to the loopback interface. */
function peerIp(index: number): string {
  return `127.0.${1 + Math.floor(index / 250)}.${1 + (index % 250)}`
}

/** Starts `peers` chat peers over `procs` processes, times their convergence, then their idle CPU over `idleMs`. */
export async function benchPresence(
  peers: number,
  idleMs: number,
  procs = Math.ceil(peers / PEERS_PER_PROC),
  profileDir?: string,
  fanout = BOOTSTRAP_FANOUT
): Promise<PresenceFigures> {
  const root = await mkdtemp(join(tmpdir(), 'p2pchat-bench-presence-'))
  const workers = Array.from({ length: procs }, (_, i) => startWorker(root, `w${i}`, profileDir))
  const cleanUp = async (): Promise<void> => {
    await stopWorkers(workers)
    await rm(root, { recursive: true, force: true })
  }
  running.add(cleanUp)
  try {
    const failed = new Promise<never>((_, reject) => {
      for (const w of workers) {
        w.proc.once('exit', (code) => reject(new Error(`a worker exited (${code})`)))
      }
    })
    return await Promise.race([failed, run(workers, peers, idleMs, fanout)])
  } finally {
    running.delete(cleanUp)
    await cleanUp()
  }
}

/** What stops the runs in progress (their workers, their temp dir), for a signal or a failure. */
const running = new Set<() => Promise<void>>()

async function run(workers: Worker[], peers: number, idleMs: number, fanout: number): Promise<PresenceFigures> {
  const addrs: string[] = []
  for (let i = 0; i < peers; i++) {
    const bootstrap = [addrs.at(-1), ...shuffle(addrs.slice(0, -1)).slice(0, fanout - 1)]
    // round robin: each process hosts early and late peers alike
    addrs.push(
      await startPeer(
        workers[i % workers.length],
        i,
        bootstrap.filter((a): a is string => a != null)
      )
    )
  }
  const started = performance.now()
  const deadline = started + CONVERGE_TIMEOUT_MS
  let least = 0
  let shortfall: string | undefined
  while (least < peers) {
    if (performance.now() > deadline) {
      // the idle figures are still worth having: say who lists whom not, and go on
      const short = (await ask(workers, 'status detail', 'status')).find((st) => st.least === least)?.shortest
      const missing = Array.from({ length: peers }, (_, i) => `p${i}`).filter((n) => !short?.listed.includes(n))
      shortfall =
        `no full user list within ${CONVERGE_TIMEOUT_MS} ms: ${short?.name} lists ${least} of ${peers} ` +
        `(${short?.connections} connections), missing ${missing.join(' ')}`
      break
    }
    least = Math.min(...(await ask(workers, 'status', 'status')).map((s) => s.least))
    if (least < peers) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  const convergeMs = shortfall == null ? performance.now() - started : Number.NaN
  await new Promise((resolve) => setTimeout(resolve, shortfall == null ? SETTLE_MS : 0))
  await ask(workers, 'mark', 'marked')
  const from = performance.now()
  await new Promise((resolve) => setTimeout(resolve, idleMs))
  const used = await ask(workers, 'cpu', 'cpu')
  const elapsed = performance.now() - from
  const cpuMs = used.reduce((sum, u) => sum + u.ms, 0)
  const receivedPerPeerPerSecond: Record<string, number> = {}
  for (const u of used) {
    for (const [topic, count] of Object.entries(u.messages)) {
      const name = topic.split('/')[2] ?? topic
      receivedPerPeerPerSecond[name] = (receivedPerPeerPerSecond[name] ?? 0) + count / peers / (elapsed / 1000)
    }
  }
  return {
    peers,
    procs: workers.length,
    convergeMs,
    cpuPerPeerPct: (cpuMs / elapsed / peers) * 100,
    rssPerPeer: used.reduce((sum, u) => sum + u.rssBytes, 0) / peers,
    load: loadavg()[0],
    shortfall,
    connectionsPerPeer: used.reduce((sum, u) => sum + u.connections, 0) / peers,
    receivedPerPeerPerSecond
  }
}

/** Closes every worker's stdin (it stops its peers and exits), and kills those still there after a while. */
async function stopWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(
    workers.map(async ({ proc }) => {
      if (proc.exitCode != null || proc.signalCode != null) {
        return
      }
      const exited = new Promise((resolve) => proc.once('exit', resolve))
      proc.stdin!.end()
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(timer)
    })
  )
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}

function shuffle<T>(items: T[]): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

/** The figures of one size, named by it. */
export function presenceFigures(f: PresenceFigures): Figure[] {
  return [
    figure(`presence.${f.peers}.converge`, f.convergeMs, 'ms'),
    figure(`presence.${f.peers}.idle_cpu_per_peer`, f.cpuPerPeerPct, '% of a core'),
    figure(`presence.${f.peers}.rss_per_peer`, f.rssPerPeer / 2 ** 20, 'MiB')
  ]
}

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_PRESENCE_PEERS ?? '10,50').split(',').map(Number)
  const idleMs = Number(process.env.BENCH_PRESENCE_IDLE_MS ?? 30_000)
  const procs = process.env.BENCH_PRESENCE_PROCS == null ? undefined : Number(process.env.BENCH_PRESENCE_PROCS)
  const fanoutEnv = process.env.BENCH_PRESENCE_FANOUT
  const fanout = fanoutEnv == null ? undefined : fanoutEnv === 'all' ? Number.POSITIVE_INFINITY : Number(fanoutEnv)
  const out: Figure[] = []
  for (const peers of sizes) {
    process.stderr.write(`presence: ${peers} peers (load ${loadavg()[0].toFixed(2)})...\n`)
    const f = await benchPresence(peers, idleMs, procs, process.env.BENCH_PRESENCE_PROFILE, fanout)
    // each size as it ends: a larger one takes minutes
    if (f.shortfall != null) {
      process.stderr.write(`  ${f.shortfall}\n`)
    }
    process.stderr.write(
      `  ${f.procs} processes: converged in ${f.convergeMs.toFixed(0)} ms, idle ${f.cpuPerPeerPct.toFixed(2)} % ` +
        `of a core per peer, ${(f.rssPerPeer / 2 ** 20).toFixed(0)} MiB per peer (load ${f.load.toFixed(2)}); ` +
        `${f.connectionsPerPeer.toFixed(1)} connections per peer, gossip received per peer per second: ` +
        `${Object.entries(f.receivedPerPeerPerSecond)
          .map(([topic, rate]) => `${topic} ${rate.toFixed(2)}`)
          .join(', ')}\n`
    )
    out.push(...presenceFigures(f))
  }
  process.stdout.write(`${formatFigures(out)}\n`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runBench(
    () => main().then(() => process.exit(0)),
    async () => {
      await Promise.allSettled([...running].map((stop) => stop()))
    }
  )
}
