/**
 * Start-up, idle memory and exit of a standalone peer process, against a bare libp2p node process (TCP + Noise +
 * yamux + identify) measured in the same run: ms from spawn to the `ready` line, VmRSS once idle, and ms from
 * SIGTERM to the process's end (the bare node stops its libp2p on SIGTERM and lets the process end by itself).
 * Run alone: node dist/bench/startup.js. Temp data dirs are removed.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { type Figure, figure, formatFigures } from './results.ts'

const SELF = fileURLToPath(import.meta.url)
const BIN = fileURLToPath(new URL('../../bin/p2pchat.js', import.meta.url))
const MiB = 1024 * 1024

export interface StartupInit {
  /** measured starts of each process (after one warm-up start that fills the disk cache) */
  runs: number
  /** how long a process sits idle after `ready` before its RSS is read */
  idleMs: number
}

interface Sample {
  readyMs: number
  rss: number
  exitMs: number
}

/** Spawns `args`, times the first stdout line that says ready, reads VmRSS after `idleMs`, then times its exit. */
async function sample(args: string[], idleMs: number): Promise<Sample> {
  const spawnedAt = performance.now()
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] })
  try {
    const lines = createInterface({ input: child.stdout })
    let readyMs = Number.NaN
    for await (const line of lines) {
      if (/"type":"ready"/.test(line)) {
        readyMs = performance.now() - spawnedAt
        break
      }
    }
    if (Number.isNaN(readyMs)) {
      throw new Error(`${args.join(' ')} exited before it was ready`)
    }
    await new Promise((resolve) => setTimeout(resolve, idleMs))
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
    const rss = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) * 1024
    const exited = new Promise((resolve) => child.once('exit', resolve))
    const stoppedAt = performance.now()
    child.kill('SIGTERM')
    await exited
    return { readyMs, rss, exitMs: performance.now() - stoppedAt }
  } finally {
    child.kill('SIGKILL')
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/** peer.ready and peer.rss.idle, each against the bare libp2p node process; the two take turns. */
export async function benchStartup(init: StartupInit): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'p2pchat-bench-startup-'))
  const peer = [BIN, 'start', '--json', '--no-mdns', '--name', 'idle', '--listen', '/ip4/127.0.0.1/tcp/0']
  const peerArgs = [...peer, '--data-dir', dir]
  const bareArgs = [SELF, 'role', 'bare-node']
  try {
    // the first start also creates the account: not what a start costs
    await sample(peerArgs, 0)
    await sample(bareArgs, 0)
    const ours: Sample[] = []
    const bare: Sample[] = []
    for (let i = 0; i < init.runs; i++) {
      ours.push(await sample(peerArgs, init.idleMs))
      bare.push(await sample(bareArgs, init.idleMs))
    }
    const baseline = 'bare libp2p node process'
    return [
      figure('peer.ready', median(ours.map((s) => s.readyMs)), 'ms', {
        name: baseline,
        value: median(bare.map((s) => s.readyMs))
      }),
      figure('peer.rss.idle', median(ours.map((s) => s.rss)) / MiB, 'MiB', {
        name: baseline,
        value: median(bare.map((s) => s.rss)) / MiB
      }),
      figure('peer.exit', median(ours.map((s) => s.exitMs)), 'ms', {
        name: baseline,
        value: median(bare.map((s) => s.exitMs))
      })
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The baseline process: a libp2p node with what any useful node has, printing ready as the peer does. */
async function bareNodeRole(): Promise<void> {
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() }
  })
  process.once('SIGTERM', () => void node.stop())
  process.stdout.write(`${JSON.stringify({ type: 'ready', addrs: node.getMultiaddrs().map(String) })}\n`)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const run =
    process.argv[2] === 'role'
      ? bareNodeRole()
      : benchStartup({ runs: 5, idleMs: 3000 }).then((f) => process.stdout.write(`${formatFigures(f)}\n`))
  run.catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exitCode = 1
  })
}
