import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { ResourceSample } from './guarantees.ts'

const run = promisify(execFile)

/** The nftables table our loss rules live in; it exists only inside the test's own namespaces. */
const LOSS_TABLE = 'p2pchat_chaos'

/** How often resource samples are taken from /proc. */
export const SAMPLE_INTERVAL_MS = 500

async function exec(cmd: string, args: string[], input?: string): Promise<void> {
  try {
    const child = run(cmd, args, { timeout: 10_000 })
    if (input != null) {
      child.child.stdin?.end(input)
    }
    await child
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim()
    throw new Error(`${cmd} ${args.join(' ')} failed: ${stderr || (err instanceof Error ? err.message : String(err))}`)
  }
}

/**
 * Drops `percent`% of the packets entering namespace `ns`, at random (nftables `numgen random`), on every interface
 * but loopback. Applied to both ends of a link, each direction loses `percent`% once. Replaces an earlier setting.
 */
export async function setLoss(ns: string, percent: number): Promise<void> {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new RangeError(`loss must be a whole percentage, got ${percent}`)
  }
  await clearLoss(ns)
  const rules = [
    `table inet ${LOSS_TABLE} {`,
    '  chain input {',
    '    type filter hook input priority 0; policy accept;',
    `    iifname != "lo" numgen random mod 100 < ${percent} counter drop`,
    '  }',
    '}'
  ].join('\n')
  await exec('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], rules)
}

/** Removes the loss rules of `ns`, if any. */
export async function clearLoss(ns: string): Promise<void> {
  await exec('ip', ['netns', 'exec', ns, 'nft', 'delete', 'table', 'inet', LOSS_TABLE]).catch(() => {})
}

/** How many packets the loss rules of `ns` dropped so far: proof that the fault was there. */
export async function droppedPackets(ns: string): Promise<number> {
  const { stdout } = await run('ip', ['netns', 'exec', ns, 'nft', 'list', 'table', 'inet', LOSS_TABLE], {
    timeout: 10_000
  })
  const counter = /counter packets (\d+)/.exec(stdout)
  return counter == null ? 0 : Number(counter[1])
}

/** Cuts a link: its interface in `ns` goes down, so nothing passes either way until heal(). */
export async function partition(ns: string, iface: string): Promise<void> {
  await exec('ip', ['-n', ns, 'link', 'set', iface, 'down'])
}

/** Brings a cut link back up. */
export async function heal(ns: string, iface: string): Promise<void> {
  await exec('ip', ['-n', ns, 'link', 'set', iface, 'up'])
}

/** The nftables table of a split; like the loss table, it lives only in the test's own namespaces. */
const SPLIT_TABLE = 'p2pchat_split'

/**
 * Splits a LAN in two: every host of `side` drops what comes from or goes to the addresses in `others` (nftables),
 * silently, as a broken link would; hosts on the same side still reach each other. Call it for both sides; `mend`
 * undoes it.
 */
export async function split(side: { ns: string }[], others: { ip: string }[]): Promise<void> {
  const set = `{ ${others.map((h) => h.ip).join(', ')} }`
  const rules = [
    `table inet ${SPLIT_TABLE} {`,
    '  chain input {',
    '    type filter hook input priority 0; policy accept;',
    `    ip saddr ${set} drop`,
    '  }',
    '  chain output {',
    '    type filter hook output priority 0; policy accept;',
    `    ip daddr ${set} drop`,
    '  }',
    '}'
  ].join('\n')
  for (const host of side) {
    await exec('ip', ['netns', 'exec', host.ns, 'nft', '-f', '-'], rules)
  }
}

/** Lifts a split from every host of `hosts`. */
export async function mend(hosts: { ns: string }[]): Promise<void> {
  for (const host of hosts) {
    await exec('ip', ['netns', 'exec', host.ns, 'nft', 'delete', 'table', 'inet', SPLIT_TABLE]).catch(() => {})
  }
}

/**
 * Limits what leaves `iface` in `ns` to `rate` (tc syntax: `1mbit`) with a token bucket filter; packets queue
 * up to `latencyMs` and are dropped past it, as on a slow uplink. `clearBandwidth` lifts it.
 */
export async function limitBandwidth(ns: string, iface: string, rate: string, latencyMs = 400): Promise<void> {
  await exec('tc', [
    '-n',
    ns,
    'qdisc',
    'replace',
    'dev',
    iface,
    'root',
    'tbf',
    'rate',
    rate,
    'burst',
    '32kbit',
    'latency',
    `${latencyMs}ms`
  ])
}

export async function clearBandwidth(ns: string, iface: string): Promise<void> {
  await exec('tc', ['-n', ns, 'qdisc', 'del', 'dev', iface, 'root']).catch(() => {})
}

/** Something with a pid that can be stopped and continued (a JsonProcess's child). */
interface Signalable {
  pid?: number
  kill(signal: NodeJS.Signals): boolean
}

const stopped = new Set<Signalable>()

/** Freezes a process (SIGSTOP): its sockets stay open but nothing is read or answered, as a hung process. */
export function freeze(child: Signalable): void {
  child.kill('SIGSTOP')
  stopped.add(child)
}

/** Lets a frozen process run again (SIGCONT). */
export function thaw(child: Signalable): void {
  child.kill('SIGCONT')
  stopped.delete(child)
}

/** Reads VmRSS and the number of open descriptors of `pid`; undefined once the process is gone. */
export function sampleProcess(pid: number, at = Date.now()): ResourceSample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(status)
    const fds = readdirSync(`/proc/${pid}/fd`).length
    return { at, rssBytes: rss == null ? 0 : Number(rss[1]) * 1024, fds }
  } catch {
    return undefined
  }
}

/** Samples a process every SAMPLE_INTERVAL_MS into `into` until stop() (or until it is gone). */
export function watchResources(pid: number, into: ResourceSample[]): { stop(): void } {
  const take = (): void => {
    const s = sampleProcess(pid)
    if (s == null) {
      clearInterval(timer)
      return
    }
    into.push(s)
  }
  const timer = setInterval(take, SAMPLE_INTERVAL_MS)
  timer.unref()
  take()
  const stop = (): void => clearInterval(timer)
  watchers.add(stop)
  return { stop }
}

const watchers = new Set<() => void>()
const mounts = new Set<string>()

/** A fresh tmpfs of `size` (mount syntax: `2m`): writes past it fail with ENOSPC, as on a full disk. */
export async function smallDisk(size: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'p2pchat-small-'))
  await exec('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir])
  mounts.add(dir)
  return dir
}

/**
 * Undoes what this file did and namespace deletion does not: continues frozen processes (so they can be killed and
 * reaped), stops samplers, unmounts small disks. Loss, link and bandwidth settings die with their namespace.
 * For afterEach, before cleanup() and destroyAllNetns().
 */
export async function clearFaults(): Promise<void> {
  for (const child of stopped) {
    child.kill('SIGCONT')
  }
  stopped.clear()
  for (const stop of watchers) {
    stop()
  }
  watchers.clear()
  for (const dir of mounts) {
    await exec('umount', ['-l', dir]).catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
  mounts.clear()
}
