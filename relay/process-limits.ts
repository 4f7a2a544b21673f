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
 * Node's pool for small buffers on a relay, in bytes: 1 KiB blocks (buffers under 512 bytes) instead of 64 KiB.
 * `Buffer.allocUnsafe` (and what builds on it: uint8arrays, protons, `Buffer.concat`) hands out slices of a shared
 * block (Node 24's is 64 KiB), and a block is freed only when no slice of it is left. A relay keeps a few small slices
 * for as long as each client is connected (the bytes of its connection's address and of its peer id), made among the
 * many short-lived ones of its handshake, so nearly every block stayed: heap snapshots at 2,000 idle clients found 245
 * blocks (15.3 MiB, 7.8 KiB per client) held alive by such slices. With 1 KiB blocks such a slice keeps 1 KiB: memory
 * outside V8's heap grew 2.4 KiB per client instead of 7.8 (`bench:relay`, 1,000 to 2,000 idle clients). No pool at
 * all (each buffer its own memory) left 0.3 KiB, but cost the relay about 30% more CPU per lobby post it forwarded
 * (65.5-68.1 against 49.1 ms per 40-byte post at 1,000 idle clients); with 1 KiB blocks, 52.4 ms.
 */
export const RELAY_BUFFER_POOL_BYTES = 1024

/** Applies RELAY_V8_FLAGS and RELAY_BUFFER_POOL_BYTES to this process: call once, before the relay takes connections. */
export function tuneRelayHeap(): void {
  setFlagsFromString(RELAY_V8_FLAGS)
  shrinkBufferPool()
}

/** Cuts small Buffers from now on from blocks of RELAY_BUFFER_POOL_BYTES; slices already made stay as they are. */
export function shrinkBufferPool(buffers: Pick<typeof Buffer, 'poolSize' | 'allocUnsafe'> = Buffer): void {
  buffers.poolSize = RELAY_BUFFER_POOL_BYTES
  // Node cuts from its current 64 KiB block until it is used up: use it up now (at most 128 cuts), so that the next
  // small buffer already comes from a small block
  const cut = Math.max(1, RELAY_BUFFER_POOL_BYTES / 2 - 1)
  for (let i = 0; i < 1024; i++) {
    if (buffers.allocUnsafe(cut).buffer.byteLength <= RELAY_BUFFER_POOL_BYTES) {
      return
    }
  }
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
