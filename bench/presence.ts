/**
 * Presence at scale (`node dist/bench/presence.js`, sizes in BENCH_PRESENCE_PEERS, e.g. 10,50,100): peers in this
 * process on loopback, each bootstrapping to a few earlier ones (gossipsub forms the mesh, as on a LAN where not
 * everyone dials everyone at once). Measures the time from the last peer started to a full user list everywhere,
 * and the idle CPU per peer (this process's CPU time while nothing happens but heartbeats, divided by the peers).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ChatNode } from '../node/chat-node.ts'
import { UNLIMITED_LOBBY } from './peers.ts'
import { type Figure, figure, formatFigures } from './results.ts'

/** Earlier peers each new one bootstraps to. */
const BOOTSTRAP_FANOUT = 3
/** Longest wait for a full user list before the run is called failed. */
const CONVERGE_TIMEOUT_MS = 180_000

export interface PresenceFigures {
  peers: number
  /** ms from the last peer started to every peer listing every other */
  convergeMs: number
  /** idle CPU per peer, percent of one core */
  cpuPerPeerPct: number
}

async function converged(nodes: ChatNode[], signal: AbortSignal): Promise<void> {
  while (!nodes.every((n) => n.users().length === nodes.length)) {
    signal.throwIfAborted()
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Starts `peers` chat nodes, times their convergence, then their idle CPU over `idleMs`. */
export async function benchPresence(peers: number, idleMs: number): Promise<PresenceFigures> {
  const root = await mkdtemp(join(tmpdir(), 'p2pchat-bench-presence-'))
  const nodes: ChatNode[] = []
  try {
    for (let i = 0; i < peers; i++) {
      const earlier = nodes.map((n) => n.addrs[0])
      const bootstrap = [earlier.at(-1), ...shuffle(earlier.slice(0, -1)).slice(0, BOOTSTRAP_FANOUT - 1)]
      const node = await ChatNode.create({
        name: `p${i}`,
        dataDir: join(root, `p${i}`),
        listen: ['/ip4/127.0.0.1/tcp/0'],
        mdns: false,
        bootstrap: bootstrap.filter((a): a is string => a != null),
        lobby: UNLIMITED_LOBBY
      })
      nodes.push(node)
      await node.start()
    }
    const started = performance.now()
    await converged(nodes, AbortSignal.timeout(CONVERGE_TIMEOUT_MS))
    const convergeMs = performance.now() - started
    const cpu0 = process.cpuUsage()
    await new Promise((r) => setTimeout(r, idleMs))
    const cpu = process.cpuUsage(cpu0)
    const cpuPerPeerPct = ((cpu.user + cpu.system) / 1000 / idleMs / peers) * 100
    return { peers, convergeMs, cpuPerPeerPct }
  } finally {
    await Promise.allSettled(nodes.map((n) => n.stop()))
    await rm(root, { recursive: true, force: true })
  }
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
    figure(`presence.${f.peers}.idle_cpu_per_peer`, f.cpuPerPeerPct, '% of a core')
  ]
}

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_PRESENCE_PEERS ?? '10,30').split(',').map(Number)
  const idleMs = Number(process.env.BENCH_PRESENCE_IDLE_MS ?? 20_000)
  const out: Figure[] = []
  for (const peers of sizes) {
    process.stderr.write(`presence: ${peers} peers in one process...\n`)
    const f = await benchPresence(peers, idleMs)
    // each size as it ends: a larger one may take minutes
    process.stderr.write(
      `  converged in ${f.convergeMs.toFixed(0)} ms, idle ${f.cpuPerPeerPct.toFixed(2)} % of a core per peer\n`
    )
    out.push(...presenceFigures(f))
  }
  process.stdout.write(`${formatFigures(out)}\n`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  void main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`)
      process.exit(1)
    }
  )
}
