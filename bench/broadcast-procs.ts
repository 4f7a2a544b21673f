/**
 * Lobby broadcast among chat peers that each run in their own process, as users' peers do: sustained
 * messages per second with a window in flight, and latency from the send call to each receiver's
 * `message` event (both stamped in the peers, on the machine's shared clock).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { ChatNode } from '../node/chat-node.ts'
import { LOBBY_TOPIC } from '../protocols/lobby/constants.ts'
import { runBench, UNLIMITED_LOBBY } from './peers.ts'
import { type Summary, summarize } from './stats.ts'

const SELF = fileURLToPath(import.meta.url)
/** How long peers may take to list each other and to subscribe to the lobby. */
const CONVERGE_TIMEOUT_MS = 90_000
/** Longest wait for a saturated phase's last deliveries before counting the rest as lost. */
const DRAIN_TIMEOUT_MS = 10_000
/** A typical chat line. */
const TEXT_BYTES = 256
/** How long the peers' idle CPU is measured before the saturated phase, to tell it from the messages' CPU. */
const IDLE_MS = 2000
/**
 * The lobby's per-sender allowance in the peers of this benchmark. The product lets one sender post a burst of
 * LOBBY_POST_BURST and then LOBBY_POSTS_PER_SECOND (1/s): ten saturating senders would reach it within a second,
 * and the figure would be the allowance, not the engine. The limit is lifted here only.
 */
export const BENCH_LOBBY_LIMIT = UNLIMITED_LOBBY
/** Set in a peer's environment: the directory where it writes a CPU profile of the saturated phase. */
const PROFILE_ENV = 'P2PCHAT_BENCH_PROFILE_DIR'

export interface ProcessBroadcastInit {
  peers: number
  saturateMs: number
  /** messages on their way at once */
  window: number
  /** when set, every peer writes a CPU profile of the saturated phase here (`peer<i>.cpuprofile`) */
  profileDir?: string
}

export interface ProcessBroadcastResult {
  peers: number
  messages: number
  delivered: number
  expected: number
  msgsPerSec: number
  latency: Summary
  setupMs: number
  /** CPU time of all peer processes during the saturated phase, per message sent, less their idle CPU */
  cpuMsPerMessage: number
  /** CPU time of all peer processes per second while nobody posts */
  idleCpuMsPerSecond: number
}

type PeerLine =
  | { type: 'ready'; addr: string }
  | { type: 'status'; users: number; subs: number }
  | { type: 'sent' | 'got'; id: number; at: number }
  | { type: 'cpu'; ms: number }

interface Peer {
  proc: ChildProcess
  status?: { users: number; subs: number }
  /** CPU ms since the saturated phase began, once asked */
  cpuMs?: number
  onLine?: (line: PeerLine) => void
}

function startPeer(
  dir: string,
  name: string,
  bootstrap: string[],
  profileDir?: string
): Promise<{ peer: Peer; addr: string }> {
  const proc = spawn(process.execPath, [SELF, 'role', name, join(dir, name), ...bootstrap], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: profileDir == null ? process.env : { ...process.env, [PROFILE_ENV]: profileDir }
  })
  const peer: Peer = { proc }
  return new Promise((resolve, reject) => {
    proc.once('exit', () => reject(new Error(`${name} exited`)))
    createInterface({ input: proc.stdout! }).on('line', (text) => {
      const line = JSON.parse(text) as PeerLine
      if (line.type === 'ready') {
        resolve({ peer, addr: line.addr })
      } else if (line.type === 'status') {
        peer.status = line
      } else if (line.type === 'cpu') {
        peer.cpuMs = line.ms
      }
      peer.onLine?.(line)
    })
  })
}

async function converge(peers: Peer[]): Promise<void> {
  const deadline = performance.now() + CONVERGE_TIMEOUT_MS
  const n = peers.length
  while (!peers.every((p) => p.status?.users === n && p.status.subs === n - 1)) {
    if (performance.now() > deadline) {
      throw new Error(`peers did not converge: ${JSON.stringify(peers.map((p) => p.status))}`)
    }
    for (const p of peers) {
      p.proc.stdin!.write('status\n')
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

function startPhase(peers: Peer[], command: 'phase' | 'profile'): void {
  for (const p of peers) {
    p.cpuMs = undefined
    p.proc.stdin!.write(`${command}\n`)
  }
}

/** CPU ms per second that all peers spend together while nobody posts (heartbeats, presence). */
async function idleCpuMsPerSecond(peers: Peer[]): Promise<number> {
  startPhase(peers, 'phase')
  const started = performance.now()
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS))
  return (await phaseCpuMs(peers)) / ((performance.now() - started) / 1000)
}

/** CPU ms that all peers spent since their phase began. */
async function phaseCpuMs(peers: Peer[]): Promise<number> {
  for (const p of peers) {
    p.proc.stdin!.write('cpu\n')
  }
  const deadline = performance.now() + DRAIN_TIMEOUT_MS
  while (peers.some((p) => p.cpuMs == null) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return peers.reduce((sum, p) => sum + (p.cpuMs ?? Number.NaN), 0)
}

/** Saturated lobby broadcast among `init.peers` processes. */
export async function benchProcessBroadcast(init: ProcessBroadcastInit): Promise<ProcessBroadcastResult> {
  const setupStart = performance.now()
  const dir = mkdtempSync(join(tmpdir(), 'p2pchat-bench-bcast-'))
  const peers: Peer[] = []
  try {
    const addrs: string[] = []
    for (let i = 0; i < init.peers; i++) {
      const { peer, addr } = await startPeer(dir, `peer${i}`, addrs, init.profileDir)
      peers.push(peer)
      addrs.push(addr)
    }
    await converge(peers)
    const setupMs = performance.now() - setupStart
    const idle = await idleCpuMsPerSecond(peers)
    startPhase(peers, 'profile')
    const started = performance.now()
    const result = await saturate(peers, init)
    const busyMs = (await phaseCpuMs(peers)) - (idle * (performance.now() - started)) / 1000
    return { ...result, setupMs, idleCpuMsPerSecond: idle, cpuMsPerMessage: busyMs / Math.max(1, result.messages) }
  } finally {
    for (const p of peers) {
      p.proc.stdin!.end()
    }
    await Promise.all(peers.map((p) => new Promise((resolve) => p.proc.once('exit', resolve))))
    rmSync(dir, { recursive: true, force: true })
  }
}

async function saturate(
  peers: Peer[],
  init: ProcessBroadcastInit
): Promise<Omit<ProcessBroadcastResult, 'setupMs' | 'cpuMsPerMessage' | 'idleCpuMsPerSecond'>> {
  const receivers = peers.length - 1
  const sentAt = new Map<number, number>()
  const arrivals = new Map<number, number[]>()
  const latencies: number[] = []
  let seq = 0
  let delivered = 0
  let completed = 0
  const start = performance.now()
  let lastCompletion = start
  await new Promise<void>((resolve) => {
    const giveUp = setTimeout(resolve, init.saturateMs + DRAIN_TIMEOUT_MS)
    const refill = (): void => {
      while (arrivals.size < init.window && performance.now() - start < init.saturateMs) {
        const id = seq++
        arrivals.set(id, [])
        peers[id % peers.length].proc.stdin!.write(`${id}\n`)
      }
      if (arrivals.size === 0) {
        clearTimeout(giveUp)
        resolve()
      }
    }
    const settle = (id: number): void => {
      const sent = sentAt.get(id)
      const got = arrivals.get(id)
      if (sent == null || got == null || got.length < receivers) {
        return
      }
      latencies.push(...got.map((at) => at - sent))
      arrivals.delete(id)
      sentAt.delete(id)
      completed++
      lastCompletion = performance.now()
      refill()
    }
    for (const peer of peers) {
      peer.onLine = (line) => {
        if (line.type === 'sent') {
          sentAt.set(line.id, line.at)
        } else if (line.type === 'got') {
          arrivals.get(line.id)?.push(line.at)
          delivered++
        } else {
          return
        }
        settle(line.id)
      }
    }
    refill()
  })
  return {
    peers: peers.length,
    messages: seq,
    delivered,
    expected: seq * receivers,
    msgsPerSec: completed / ((lastCompletion - start) / 1000),
    latency: summarize(latencies)
  }
}

/** One peer process: sends `bench#<id>` on each id line, reports sends, arrivals and its view on `status`. */
async function peerRole(name: string, dataDir: string, bootstrap: string[]): Promise<void> {
  const node = await ChatNode.create({
    name,
    dataDir,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    bootstrap,
    lobby: BENCH_LOBBY_LIMIT
  })
  await node.start()
  const profiler = new PhaseProfiler(name)
  let phaseCpu = process.cpuUsage()
  const out = (line: PeerLine): void => {
    process.stdout.write(`${JSON.stringify(line)}\n`)
  }
  const clock = (): number => performance.timeOrigin + performance.now()
  node.addEventListener('message', (evt) => {
    const match = evt.detail.scope === 'lobby' ? /^bench#(\d+) /.exec(evt.detail.text) : null
    if (match != null) {
      out({ type: 'got', id: Number(match[1]), at: clock() })
    }
  })
  const rl = createInterface({ input: process.stdin })
  rl.on('line', (line) => {
    if (line === 'status') {
      const subs = node.libp2p.services.pubsub.getSubscribers(LOBBY_TOPIC).length
      out({ type: 'status', users: node.users().length, subs })
      return
    }
    if (line === 'phase' || line === 'profile') {
      phaseCpu = process.cpuUsage()
      if (line === 'profile') {
        void profiler.start()
      }
      return
    }
    if (line === 'cpu') {
      const used = process.cpuUsage(phaseCpu)
      out({ type: 'cpu', ms: (used.user + used.system) / 1000 })
      return
    }
    const id = Number(line)
    out({ type: 'sent', id, at: clock() })
    node.broadcast(`bench#${id} `.padEnd(TEXT_BYTES, 'x')).catch((err: unknown) => {
      process.stderr.write(`${name}: broadcast ${id} failed: ${String(err)}\n`)
    })
  })
  rl.on('close', () => {
    void profiler
      .stop()
      .then(() => node.stop())
      .finally(() => process.exit(0))
  })
  out({ type: 'ready', addr: node.addrs[0] })
}

/** A CPU profile of one phase of a peer, written where PROFILE_ENV says (nothing when it is not set). */
export class PhaseProfiler {
  private session?: Session
  private readonly dir = process.env[PROFILE_ENV]

  constructor(private readonly name: string) {}

  async start(): Promise<void> {
    if (this.dir == null || this.session != null) {
      return
    }
    this.session = new Session()
    this.session.connect()
    await this.session.post('Profiler.enable')
    await this.session.post('Profiler.start')
  }

  async stop(): Promise<void> {
    if (this.session == null || this.dir == null) {
      return
    }
    const { profile } = await this.session.post('Profiler.stop')
    writeFileSync(join(this.dir, `${this.name}.cpuprofile`), JSON.stringify(profile))
    this.session.disconnect()
    this.session = undefined
  }
}

/** `node dist/bench/broadcast-procs.js [--quick] [--cpu-prof <dir>]`: the saturated broadcast alone. */
async function main(args: string[]): Promise<void> {
  const at = args.indexOf('--cpu-prof')
  const init: ProcessBroadcastInit = {
    peers: 10,
    saturateMs: args.includes('--quick') ? 2000 : 5000,
    window: 20,
    profileDir: at >= 0 ? args[at + 1] : undefined
  }
  const load = loadavg()[0].toFixed(2)
  const r = await benchProcessBroadcast(init)
  const { p50, p99 } = r.latency
  process.stdout.write(
    `broadcast among ${r.peers} peer processes, ${init.saturateMs} ms saturated (load ${load} at start): ` +
      `${r.msgsPerSec.toFixed(1)} msg/s, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ` +
      `${r.delivered}/${r.expected} delivered, ${r.cpuMsPerMessage.toFixed(2)} ms CPU per message ` +
      `(all peers, less their idle ${r.idleCpuMsPerSecond.toFixed(0)} ms/s)\n`
  )
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === 'role') {
    const [name, dataDir, ...bootstrap] = process.argv.slice(3)
    peerRole(name, dataDir, bootstrap).catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
      process.exit(1)
    })
  } else {
    runBench(() => main(process.argv.slice(2)))
  }
}
