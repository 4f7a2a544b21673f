import { cpus, loadavg } from 'node:os'
import { benchBroadcast } from './broadcast.ts'
import { benchDm } from './dm.ts'
import { runBench } from './peers.ts'
import { formatTable, type Report, toJson } from './report.ts'
import { now, ratio } from './stats.ts'

// Sizes and counts keep the whole run well under three minutes on a busy two-core machine
// while giving a few thousand latency samples per figure.
const DM = {
  rttTextBytes: 256,
  rttSamples: 2000,
  rttWarmup: 200,
  rounds: 4,
  throughputMs: 2000,
  // a little more than the ~15 full-size DMs the 64 KiB unacked window of one DM stream holds, so it stays full
  concurrency: 16
}

const BROADCAST = {
  peers: 10,
  textBytes: 256,
  warmupMessages: 40,
  // two messages a second from each of the ten: a very busy room, well below what one process can carry
  pacedRate: 20,
  pacedMessages: 300,
  saturateMs: 5000,
  // enough in flight to keep every peer busy; latency under saturation is about window / throughput
  window: 20
}

function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024)
}

async function main(): Promise<void> {
  const start = now()
  const env = {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
    date: new Date().toISOString(),
    layout:
      'one process (peers, TCP baseline and load generator share one event loop), 127.0.0.1, mDNS off; ' +
      'DM subjects and baselines interleaved in 4 rounds'
  }
  process.stderr.write('DM round trip and throughput...\n')
  const dm = await benchDm(DM)
  const afterDm = peakRssMiB()
  process.stderr.write(`broadcast among ${BROADCAST.peers} peers...\n`)
  const broadcast = await benchBroadcast(BROADCAST)
  const rttRatioP50 = ratio(dm.rtt.sendDirect.p50, dm.rtt.tcp.p50)
  const report: Report = {
    env,
    dmRoundTrip: { ...dm.rtt, ratioP50: rttRatioP50, ratioP99: ratio(dm.rtt.sendDirect.p99, dm.rtt.tcp.p99) },
    dmThroughput: { ...dm.throughput, ratio: ratio(dm.throughput.sendDirect.mbPerSec, dm.throughput.tcp.mbPerSec) },
    broadcast,
    peakRssMiB: { afterDm, afterBroadcast: peakRssMiB() },
    targets: { dmRttP50Within3xTcp: rttRatioP50 <= 3, broadcastP99Under1s: broadcast.paced.latency.p99 < 1000 },
    totalSeconds: (now() - start) / 1000
  }
  process.stdout.write(`${formatTable(report)}\n\n${toJson(report)}\n`)
}

runBench(main)
