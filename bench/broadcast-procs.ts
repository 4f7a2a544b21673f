/**
 * Lobby broadcast among chat peers that each run in their own process, as users' peers do: sustained
 * messages per second with a window in flight, and latency from the send call to each receiver's
 * `message` event (both stamped in the peers, on the machine's shared clock).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { ChatNode } from '../node/chat-node.ts'
import { LOBBY_TOPIC } from '../protocols/lobby/constants.ts'
import { type Summary, summarize } from './stats.ts'

const SELF = fileURLToPath(import.meta.url)
/** How long peers may take to list each other and to subscribe to the lobby. */
const CONVERGE_TIMEOUT_MS = 90_000
/** Longest wait for a saturated phase's last deliveries before counting the rest as lost. */
const DRAIN_TIMEOUT_MS = 10_000
/** A typical chat line. */
const TEXT_BYTES = 256

export interface ProcessBroadcastInit {
  peers: number
  saturateMs: number
  /** messages on their way at once */
  window: number
}

export interface ProcessBroadcastResult {
  peers: number
  messages: number
  delivered: number
  expected: number
  msgsPerSec: number
  latency: Summary
  setupMs: number
}

type PeerLine =
  | { type: 'ready'; addr: string }
  | { type: 'status'; users: number; subs: number }
  | { type: 'sent' | 'got'; id: number; at: number }

interface Peer {
  proc: ChildProcess
  status?: { users: number; subs: number }
  onLine?: (line: PeerLine) => void
}

function startPeer(dir: string, name: string, bootstrap: string[]): Promise<{ peer: Peer; addr: string }> {
  const proc = spawn(process.execPath, [SELF, 'role', name, join(dir, name), ...bootstrap], {
    stdio: ['pipe', 'pipe', 'inherit']
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

/** Saturated lobby broadcast among `init.peers` processes. */
export async function benchProcessBroadcast(init: ProcessBroadcastInit): Promise<ProcessBroadcastResult> {
  const setupStart = performance.now()
  const dir = mkdtempSync(join(tmpdir(), 'p2pchat-bench-bcast-'))
  const peers: Peer[] = []
  try {
    const addrs: string[] = []
    for (let i = 0; i < init.peers; i++) {
      const { peer, addr } = await startPeer(dir, `peer${i}`, addrs)
      peers.push(peer)
      addrs.push(addr)
    }
    await converge(peers)
    const setupMs = performance.now() - setupStart
    return { ...(await saturate(peers, init)), setupMs }
  } finally {
    for (const p of peers) {
      p.proc.stdin!.end()
    }
    await Promise.all(peers.map((p) => new Promise((resolve) => p.proc.once('exit', resolve))))
    rmSync(dir, { recursive: true, force: true })
  }
}

async function saturate(peers: Peer[], init: ProcessBroadcastInit): Promise<Omit<ProcessBroadcastResult, 'setupMs'>> {
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
  const node = await ChatNode.create({ name, dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, bootstrap })
  await node.start()
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
    const id = Number(line)
    out({ type: 'sent', id, at: clock() })
    node.broadcast(`bench#${id} `.padEnd(TEXT_BYTES, 'x')).catch((err: unknown) => {
      process.stderr.write(`${name}: broadcast ${id} failed: ${String(err)}\n`)
    })
  })
  rl.on('close', () => {
    void node.stop().finally(() => process.exit(0))
  })
  out({ type: 'ready', addr: node.addrs[0] })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv[2] === 'role') {
  const [name, dataDir, ...bootstrap] = process.argv.slice(3)
  peerRole(name, dataDir, bootstrap).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exit(1)
  })
}
