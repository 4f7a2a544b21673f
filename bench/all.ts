/**
 * Every headline figure with its same-run baseline: prints them and writes bench-results.json at the
 * repository root, so commits can be compared. `--quick` runs smaller samples (under two minutes);
 * without it, the relay, group and session benchmarks follow with their own tables.
 */
import { spawn } from 'node:child_process'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { benchProcessBroadcast } from './broadcast-procs.ts'
import { benchDm, type DmBenchInit } from './dm.ts'
import { benchFiles } from './files.ts'
import { benchLan, cleanUpLan, type LanBenchInit, lanFigures, lanUnsupported } from './lan.ts'
import { runBench } from './peers.ts'
import { benchPresence, presenceFigures } from './presence.ts'
import { type Figure, figure, formatFigures, RESULTS_PATH, writeResults } from './results.ts'
import { benchStartup, type StartupInit } from './startup.ts'
import { benchWeb, WEB_FULL, WEB_QUICK, type WebBenchInit } from './web.ts'

const MB = 1024 * 1024

interface Plan {
  dm: DmBenchInit
  broadcast: { peers: number; saturateMs: number; window: number }
  files: { size: number; rounds: number }
  startup: StartupInit
  web: WebBenchInit
  /** peer counts for presence convergence and idle CPU, and the idle window */
  presence: { sizes: number[]; idleMs: number }
  /** LAN discovery to first message, two peers in network namespaces */
  lan: LanBenchInit
}

const FULL: Plan = {
  dm: { rttTextBytes: 256, rttSamples: 2000, rttWarmup: 200, rounds: 4, throughputMs: 2000, concurrency: 16 },
  broadcast: { peers: 10, saturateMs: 5000, window: 20 },
  files: { size: 1024 * MB, rounds: 3 },
  startup: { runs: 5, idleMs: 3000 },
  web: WEB_FULL,
  // 200 peers (over 8 worker processes) take about 3 minutes to start
  presence: { sizes: [10, 50, 200], idleMs: 30_000 },
  lan: { runs: 5 }
}

const QUICK: Plan = {
  dm: { rttTextBytes: 256, rttSamples: 400, rttWarmup: 50, rounds: 2, throughputMs: 1500, concurrency: 16 },
  broadcast: { peers: 10, saturateMs: 2000, window: 20 },
  files: { size: 64 * MB, rounds: 1 },
  startup: { runs: 1, idleMs: 1000 },
  web: WEB_QUICK,
  // presence needs ~25 s even at 10 peers (starting chat nodes), which --quick cannot spare: `npm run bench:presence`
  presence: { sizes: [], idleMs: 5000 },
  lan: { runs: 2 }
}

function cpuSecondsPerGib(cpuMs: number, bytes: number): number {
  return cpuMs / 1000 / (bytes / (1024 * MB))
}

async function figures(plan: Plan): Promise<Figure[]> {
  const out: Figure[] = []
  process.stderr.write('DM round trip and throughput...\n')
  const dm = await benchDm(plan.dm)
  out.push(
    figure('dm.rtt.p50', dm.rtt.sendDirect.p50, 'ms', {
      name: 'bare libp2p stream echo',
      value: dm.rtt.libp2pStream.p50
    }),
    figure('dm.throughput', dm.throughput.sendDirect.mbPerSec, 'MB/s', {
      name: 'bare libp2p stream',
      value: dm.throughput.libp2pStream.mbPerSec
    })
  )
  process.stderr.write(`broadcast among ${plan.broadcast.peers} peer processes...\n`)
  const b = await benchProcessBroadcast(plan.broadcast)
  out.push(
    figure('broadcast.saturated.rate', b.msgsPerSec, 'msg/s'),
    figure('broadcast.saturated.p99', b.latency.p99, 'ms'),
    // CPU of all ten processes per message, less their idle CPU: what bounds the rate on a machine with few cores
    figure('broadcast.saturated.cpu', b.cpuMsPerMessage, 'ms/msg')
  )
  process.stderr.write(`file transfer, ${plan.files.size / MB} MiB...\n`)
  const files = await benchFiles(plan.files.size, plan.files.rounds)
  out.push(
    figure('file.disk', files.ours.mbPerSecond, 'MiB/s', {
      name: 'bare libp2p stream, disk to disk',
      value: files.disk.mbPerSecond
    }),
    figure('file.mem', files.ours.mbPerSecond, 'MiB/s', {
      name: 'bare libp2p stream, memory to memory',
      value: files.bare.mbPerSecond
    }),
    // CPU seconds per GiB moved, each side against the bare stream's same side disk to disk: unlike MiB/s, hardly
    // moved by other load on the machine
    figure('file.cpu.receiver', cpuSecondsPerGib(files.ours.receiverCpuMs, plan.files.size), 's/GiB', {
      name: 'bare libp2p stream receiver, disk to disk',
      value: cpuSecondsPerGib(files.disk.receiverCpuMs, plan.files.size)
    }),
    figure('file.cpu.sender', cpuSecondsPerGib(files.ours.senderCpuMs, plan.files.size), 's/GiB', {
      name: 'bare libp2p stream sender, disk to disk',
      value: cpuSecondsPerGib(files.disk.senderCpuMs, plan.files.size)
    })
  )
  process.stderr.write('peer start-up and idle memory...\n')
  out.push(...(await benchStartup(plan.startup)))
  process.stderr.write('web client in Chromium...\n')
  out.push(...(await benchWeb(plan.web)))
  const noNetns = await lanUnsupported()
  if (noNetns == null) {
    process.stderr.write('LAN discovery to first message, two network namespaces...\n')
    out.push(...lanFigures(await benchLan(plan.lan)))
  } else {
    process.stderr.write(`LAN discovery to first message skipped: ${noNetns}\n`)
  }
  for (const peers of plan.presence.sizes) {
    process.stderr.write(`presence among ${peers} peers...\n`)
    out.push(...presenceFigures(await benchPresence(peers, plan.presence.idleMs)))
  }
  return out
}

/** Runs another benchmark program with its output shown. */
function runProgram(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL(file, import.meta.url))], { stdio: 'inherit' })
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${file} exited with ${code}`))))
  })
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick')
  const started = performance.now()
  const load = loadavg().map((l) => l.toFixed(2))
  const results = await figures(quick ? QUICK : FULL)
  writeResults(results)
  process.stdout.write(
    `\np2pchat bench${quick ? ' --quick' : ''}: node ${process.version}, ${cpus().length} CPUs, load ${load.join(' ')} at start; ` +
      `each baseline measured in the same run\n${formatFigures(results)}\n` +
      `wrote ${RESULTS_PATH} in ${((performance.now() - started) / 1000).toFixed(0)} s\n`
  )
  if (!quick) {
    await runProgram('./relay.js')
    await runProgram('./groups.js')
    await runProgram('./session.js')
  }
}

runBench(main, cleanUpLan)
