/**
 * LAN discovery to first message: two peers in their own network namespaces on a virtual bridge (as the mDNS e2e
 * test builds them), mDNS their only way to meet. Alice starts and is ready; then Bob starts, and as soon as he
 * lists her (his `join` for her) he sends a lobby line and a DM. Measured from Bob's spawn, and from his `ready`,
 * to Alice showing each. Needs root and iproute2 (skipped without them, failing under CI=true); mDNS stays inside
 * the namespaces, never on the machine's own interfaces. Run: npm run bench:lan (P2PCHAT_BENCH_LAN_RUNS=<n>;
 * P2PCHAT_BENCH_LAN_TRACE=1 prints both peers' debug logs and the benchmark's marks merged in time order, with
 * P2PCHAT_BENCH_LAN_DEBUG=<namespaces> to choose the logs).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLan, destroyAllNetns, destroyLan, type Lan, netnsUnsupported } from '../test/e2e/harness/netns.ts'
import { type PeerProcess, spawnPeer } from '../test/e2e/harness/peers.ts'
import { cleanup } from '../test/e2e/harness/process.ts'
import { runBench } from './peers.ts'
import { type Figure, figure, formatFigures } from './results.ts'

/** How long Bob may take to list Alice, and Alice to show a line, before the run counts as failed. */
const WAIT_MS = 30_000

export interface LanBenchInit {
  /** measured runs (after one warm-up run that creates both accounts) */
  runs: number
  /** pass DEBUG to both peers and print their logs and the bench's own timeline after each run */
  trace?: boolean
}

/** One run's times in ms after Bob's spawn. */
export interface LanSample {
  ready: number
  /** Bob lists Alice: the moment a user could type to her */
  listed: number
  /** Alice showed Bob's first lobby line */
  lobby: number
  /** Alice showed Bob's first DM */
  dm: number
}

interface Peers {
  lan: Lan
  /** data directories, kept across runs so that no run pays for creating an account */
  dirs: [string, string]
}

function onLan(lan: Lan, i: number): string[] {
  return ['--listen', `/ip4/${lan.hosts[i].ip}/tcp/0`]
}

/** One start of Bob beside a freshly started Alice; both are killed afterwards. */
async function run(peers: Peers, trace: boolean): Promise<LanSample> {
  const env = trace
    ? {
        DEBUG:
          process.env.P2PCHAT_BENCH_LAN_DEBUG ??
          'p2pchat:*,libp2p:mdns*,libp2p:gossipsub,libp2p:identify,libp2p:connection-manager*,libp2p:tcp*,libp2p'
      }
    : {}
  const { lan, dirs } = peers
  try {
    const alice = await spawnPeer({
      name: 'alice',
      netns: lan.hosts[0].ns,
      network: onLan(lan, 0),
      dataDir: dirs[0],
      env
    })
    const spawned = performance.now()
    const at = (): number => performance.now() - spawned
    const bob = await spawnPeer({ name: 'bob', netns: lan.hosts[1].ns, network: onLan(lan, 1), dataDir: dirs[1], env })
    const ready = at()
    await bob.waitFor('join', (u) => u.peerId === alice.peerId, { timeoutMs: WAIT_MS })
    const listed = at()
    const stamp = Date.now().toString(36)
    bob.send(`hello ${stamp}`)
    bob.send(`/msg alice psst ${stamp}`)
    const shown = (text: string): Promise<number> =>
      alice.waitFor('message', (m) => m.text === text, { timeoutMs: WAIT_MS }).then(at)
    const [lobby, dm] = await Promise.all([shown(`hello ${stamp}`), shown(`psst ${stamp}`)])
    const sample = { ready, listed, lobby, dm }
    if (trace) {
      printTrace(sample, Date.now() - at(), [alice, bob])
    }
    return sample
  } finally {
    await cleanup()
  }
}

/** Both peers' debug logs and the benchmark's own marks, merged in time order (their lines start with an ISO time). */
function printTrace(sample: LanSample, spawnedAt: number, procs: PeerProcess[]): void {
  const marks = Object.entries({ spawn: 0, ...sample }).map(
    ([what, ms]) => `${new Date(spawnedAt + ms).toISOString()} BENCH ${what} (+${Math.round(ms)} ms)`
  )
  const lines = procs.flatMap((p) => p.stderr.map((line) => line.replace(/^(\S+) /, `$1 ${p.name} `)))
  process.stderr.write(`\n${[...marks, ...lines].sort().join('\n')}\n`)
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/** The figures of `samples`: medians, each from Bob's spawn (against spawn to ready) and from his ready. */
export function lanFigures(samples: LanSample[]): Figure[] {
  const ready = median(samples.map((s) => s.ready))
  const baseline = { name: "the same start's spawn to ready", value: ready }
  return [
    figure('lan.discovery.first-message', median(samples.map((s) => s.lobby)), 'ms', baseline),
    figure('lan.discovery.first-dm', median(samples.map((s) => s.dm)), 'ms', baseline),
    figure('lan.discovery.listed', median(samples.map((s) => s.listed)), 'ms', baseline),
    figure('lan.ready.first-message', median(samples.map((s) => s.lobby - s.ready)), 'ms'),
    figure('lan.ready.first-dm', median(samples.map((s) => s.dm - s.ready)), 'ms')
  ]
}

/** Why the benchmark cannot run here, or undefined; under CI=true a missing tool is an error, not a skip. */
export async function lanUnsupported(): Promise<string | undefined> {
  const why = await netnsUnsupported()
  if (why != null && process.env.CI === 'true') {
    throw new Error(
      `CI=true and the LAN benchmark needs network namespaces: ${why} (apt-get install -y iproute2, run as root)`
    )
  }
  return why
}

/** Runs the benchmark on a fresh two-host LAN; removes the LAN, processes and data directories whatever happens. */
export async function benchLan(init: LanBenchInit): Promise<LanSample[]> {
  const lan = await createLan(2)
  // not the harness's temp dirs: its cleanup() after each run would remove them
  const dirs: [string, string] = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'p2pchat-bench-lan-'))) as [string, string]
  const peers: Peers = { lan, dirs }
  try {
    await run(peers, false)
    const samples: LanSample[] = []
    for (let i = 0; i < init.runs; i++) {
      samples.push(await run(peers, init.trace === true))
    }
    return samples
  } finally {
    await cleanup()
    await destroyLan(lan)
    for (const dir of dirs) {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

async function main(): Promise<void> {
  const why = await lanUnsupported()
  if (why != null) {
    process.stdout.write(`LAN benchmark skipped: ${why}\n`)
    return
  }
  try {
    const samples = await benchLan({
      runs: Number(process.env.P2PCHAT_BENCH_LAN_RUNS ?? 5),
      trace: process.env.P2PCHAT_BENCH_LAN_TRACE === '1'
    })
    for (const s of samples) {
      process.stderr.write(
        `${JSON.stringify(Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Math.round(v)])))}\n`
      )
    }
    process.stdout.write(
      `\nLAN discovery to first message (mDNS, two namespaces)\n${formatFigures(lanFigures(samples))}\n`
    )
  } finally {
    await cleanUpLan()
  }
}

/** Kills the peers and removes the namespaces this process created (also on Ctrl-C). */
export async function cleanUpLan(): Promise<void> {
  await cleanup()
  await destroyAllNetns()
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runBench(main, cleanUpLan)
}
