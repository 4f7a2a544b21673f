/**
 * A child process of the presence benchmark (presence.ts) hosting some of its chat peers, so that 200 peers are not
 * one event loop. Commands on stdin, one a line; answers on stdout as JSON lines:
 * - `start <index> <name> <ip> <bootstrap...>`: starts a peer listening on `ip` (its own 127.0.0.0/8 address, as each
 *   peer on a LAN has its own) and dialing from it; answers {type:'ready', index, addr}
 * - `status [detail]`: {type:'status', least}, the shortest user list among its peers (each counts itself); with
 *   `detail`, that peer's name, whom it lists and its connections
 * - `mark`: starts an idle window (and a CPU profile when PROFILE_ENV is set), answers {type:'marked'}; `cpu`: {type:'cpu', ms, rssBytes},
 *   the CPU time this process used since the mark, with its peers' connections and the gossip messages they
 *   received since, by topic (what a profile cannot tell apart)
 * It stops its peers and exits when stdin closes, which also happens when the parent dies.
 */
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { type TCPSocketOptions, tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { ChatNode } from '../node/chat-node.ts'
import { PhaseProfiler } from './broadcast-procs.ts'
import { UNLIMITED_LOBBY } from './peers.ts'

export type WorkerLine =
  | { type: 'ready'; index: number; addr: string }
  | { type: 'failed'; index: number; error: string }
  | { type: 'status'; least: number; shortest?: { name: string; listed: string[]; connections: number } }
  | { type: 'marked' }
  | { type: 'cpu'; ms: number; rssBytes: number; connections: number; messages: Record<string, number> }

async function main(root: string, tag: string): Promise<void> {
  const nodes: ChatNode[] = []
  const profiler = new PhaseProfiler(tag)
  let mark = process.cpuUsage()
  let messages: Record<string, number> = {}
  const out = (line: WorkerLine): void => {
    process.stdout.write(`${JSON.stringify(line)}\n`)
  }
  const startPeer = async (index: number, name: string, ip: string, bootstrap: string[]): Promise<void> => {
    // dialing from our own address too: an inbound connection's IP is the dialer's, and budgets are kept per IP
    const dialOpts: TCPSocketOptions & { localAddress: string } = { localAddress: ip }
    const node = await ChatNode.create({
      name,
      dataDir: join(root, name),
      listen: [`/ip4/${ip}/tcp/0`],
      mdns: false,
      bootstrap,
      lobby: UNLIMITED_LOBBY,
      platform: { transports: [tcp({ dialOpts }), webSockets(), circuitRelayTransport()], webRtc: true }
    })
    nodes.push(node)
    await node.start()
    node.libp2p.services.pubsub.addEventListener('message', (evt) => {
      messages[evt.detail.topic] = (messages[evt.detail.topic] ?? 0) + 1
    })
    out({ type: 'ready', index, addr: node.addrs[0] })
  }
  // one start at a time: the parent waits for each `ready` anyway
  let starting = Promise.resolve()
  const rl = createInterface({ input: process.stdin })
  rl.on('line', (line) => {
    const [command, ...args] = line.split(' ')
    if (command === 'start') {
      const [index, name, ip, ...bootstrap] = args
      starting = starting.then(() =>
        startPeer(Number(index), name, ip, bootstrap).catch((err: unknown) => {
          out({ type: 'failed', index: Number(index), error: err instanceof Error ? err.message : String(err) })
        })
      )
    } else if (command === 'status') {
      const shortest = nodes.reduce<ChatNode | undefined>(
        (a, n) => (a == null || n.users().length < a.users().length ? n : a),
        undefined
      )
      out({
        type: 'status',
        least: shortest?.users().length ?? 0,
        // who is missing where, should the run not converge
        shortest:
          args[0] === 'detail' && shortest != null
            ? {
                name: shortest.name,
                listed: shortest.users().map((u) => u.name),
                connections: shortest.libp2p.getConnections().length
              }
            : undefined
      })
    } else if (command === 'mark') {
      void profiler.start().then(() => {
        mark = process.cpuUsage()
        messages = {}
        out({ type: 'marked' })
      })
    } else if (command === 'cpu') {
      const used = process.cpuUsage(mark)
      const connections = nodes.reduce((sum, n) => sum + n.libp2p.getConnections().length, 0)
      const rssBytes = process.memoryUsage().rss
      out({ type: 'cpu', ms: (used.user + used.system) / 1000, rssBytes, connections, messages })
      void profiler.stop()
    }
  })
  rl.on('close', () => {
    void profiler
      .stop()
      .then(() => Promise.allSettled(nodes.map((n) => n.stop())))
      .finally(() => process.exit(0))
  })
}

const [root, tag] = process.argv.slice(2)
main(root, tag).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
