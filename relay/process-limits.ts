import { readFile } from 'node:fs/promises'
import { setFlagsFromString } from 'node:v8'

/**
 * File descriptors the relay needs besides one per connection: listeners, the STUN socket, snapshot and mailbox
 * files, the web client's files, and connections still in their handshake.
 */
export const FD_HEADROOM = 256

/**
 * V8 flags for a relay process. `--optimize-for-size` makes V8 grow its heap in smaller steps and collect sooner:
 * a relay's many connections arrive in bursts (after a restart everyone reconnects at once), and with the default
 * growth the heap stayed several times the size of what was live once the burst was over (bench: 544 KiB of RSS
 * per idle client at 300 clients with the defaults, 134 KiB with this flag; live heap is the same).
 */
export const RELAY_V8_FLAGS = '--optimize-for-size'

/**
 * Node's pool for small buffers, in bytes, on a relay: none. `Buffer.allocUnsafe` (and what builds on it: uint8arrays,
 * protons, `Buffer.concat`) hands out slices of a shared 64 KiB block (Node 24's default pool), and a block is freed
 * only when no slice of it is left. A relay keeps a few small slices for as long as each client is connected (the
 * bytes of its connection's address and of its peer id), made among the many short-lived ones of its handshake, so
 * nearly every block stayed: heap snapshots at 2,000 idle clients found 245 blocks (15.3 MiB, 7.8 KiB per client)
 * held alive by such slices. Without the pool each buffer has its own memory, freed with it: the same 2,000 clients
 * took 0.3 KiB per client outside V8's heap instead of 7.8 (`bench:relay`, 8 KiB less RSS per client after the
 * compacting collection). A pool of 1 KiB still left 2.4 KiB per client. What it costs is an allocation of its own
 * for each small buffer (about 0.1-1 µs), next to the cipher and socket work of each message the relay forwards.
 */
export const RELAY_BUFFER_POOL_BYTES = 0

/** Applies RELAY_V8_FLAGS and RELAY_BUFFER_POOL_BYTES to this process: call once, before the relay takes connections. */
export function tuneRelayHeap(): void {
  setFlagsFromString(RELAY_V8_FLAGS)
  unpoolSmallBuffers()
}

/** Gives every small Buffer from now on its own memory (RELAY_BUFFER_POOL_BYTES); slices already made stay as they are. */
export function unpoolSmallBuffers(buffers: { poolSize: number } = Buffer): void {
  buffers.poolSize = RELAY_BUFFER_POOL_BYTES
}

/** The soft limit on open files from the text of /proc/self/limits; undefined if absent or unlimited. */
export function parseFdSoftLimit(limits: string): number | undefined {
  const match = /^Max open files\s+(\d+|unlimited)\s+/m.exec(limits)
  if (match == null || match[1] === 'unlimited') {
    return undefined
  }
  return Number(match[1])
}

/**
 * A warning when the soft limit on open files cannot hold `maxConnections` (one descriptor each) plus FD_HEADROOM.
 * Node cannot raise its own limit (it has no setrlimit), so the operator must: `ulimit -n` in the shell that starts
 * the relay, or `LimitNOFILE=` in its systemd unit.
 */
export function fdLimitWarning(maxConnections: number, softLimit: number | undefined): string | undefined {
  if (softLimit == null) {
    return undefined
  }
  const needed = maxConnections + FD_HEADROOM
  if (softLimit >= needed) {
    return undefined
  }
  return (
    `the open file limit is ${softLimit} but maxConnections ${maxConnections} needs ${needed}: ` +
    `connections beyond about ${Math.max(0, softLimit - FD_HEADROOM)} will fail; raise it with ` +
    `'ulimit -n ${needed}' before starting the relay, or LimitNOFILE=${needed} in its systemd unit`
  )
}

/** This process's soft limit on open files, where the system tells (Linux); undefined elsewhere. */
export async function fdSoftLimit(): Promise<number | undefined> {
  try {
    return parseFdSoftLimit(await readFile('/proc/self/limits', 'utf8'))
  } catch {
    return undefined
  }
}
