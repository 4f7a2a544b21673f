import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ChatNode } from '../node/chat-node.ts'
import { waitUntil } from './stats.ts'

/** How long a set of loopback peers may take to see each other in presence. */
const CONVERGE_TIMEOUT_MS = 60_000

/** The benchmarks measure the transport, not the lobby's per-sender limit: lift it. */
export const UNLIMITED_LOBBY = { burst: 1e9, postsPerSecond: 1e9 }

/** Chat nodes on 127.0.0.1 with mDNS off, each with a data dir under one temp root that stop() removes. */
export class PeerSet {
  /** Sets not yet stopped, so an interrupted run still removes its temp dirs. */
  private static readonly running = new Set<PeerSet>()
  readonly nodes: ChatNode[] = []
  private constructor(private readonly root: string) {
    PeerSet.running.add(this)
  }

  /** Stops every set still running. */
  static async stopAll(): Promise<void> {
    await Promise.allSettled([...PeerSet.running].map((set) => set.stop()))
  }

  /**
   * Starts `count` nodes, each bootstrapping to every node started before it (a full mesh, as mDNS
   * makes on a LAN), and resolves once every node's presence lists all of them.
   */
  static async start(prefix: string, count: number): Promise<PeerSet> {
    const set = new PeerSet(await mkdtemp(join(tmpdir(), `p2pchat-bench-${prefix}-`)))
    try {
      for (let i = 0; i < count; i++) {
        const name = `${prefix}${i}`
        const node = await ChatNode.create({
          name,
          dataDir: join(set.root, name),
          listen: ['/ip4/127.0.0.1/tcp/0'],
          mdns: false,
          bootstrap: set.nodes.map((n) => n.addrs[0]),
          lobby: UNLIMITED_LOBBY
        })
        set.nodes.push(node)
        await node.start()
      }
      await waitUntil(
        () => set.nodes.every((n) => n.users().length === count),
        set.nodes.map((n) => ({ target: n, type: 'join' })),
        `presence to list all ${count} peers`,
        CONVERGE_TIMEOUT_MS
      )
      return set
    } catch (err) {
      await set.stop()
      throw err
    }
  }

  /** Stops every node and removes the temp data dirs, whatever fails on the way. */
  async stop(): Promise<void> {
    PeerSet.running.delete(this)
    await Promise.allSettled(this.nodes.map((n) => n.stop()))
    await rm(this.root, { recursive: true, force: true })
  }
}

/**
 * Runs a benchmark program's `main`, stopping every peer it started on Ctrl-C, SIGTERM or failure, and running
 * `cleanUp` then too (processes and network namespaces a benchmark started itself).
 */
export function runBench(main: () => Promise<void>, cleanUp: () => Promise<void> = async () => {}): void {
  const stopAll = (): Promise<unknown> => Promise.allSettled([PeerSet.stopAll(), cleanUp()])
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void stopAll().finally(() => process.exit(130))
    })
  }
  main().catch(async (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    await stopAll()
    process.exit(1)
  })
}
