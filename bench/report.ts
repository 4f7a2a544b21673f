import type { BroadcastResult } from './broadcast.ts'
import type { RttResult, ThroughputResult, ThroughputRow } from './dm.ts'
import { ratio, round, type Summary } from './stats.ts'

export interface Report {
  env: { node: string; platform: string; cpus: number; loadavg: number[]; date: string; layout: string }
  dmRoundTrip: RttResult & { ratioP50: number; ratioP99: number }
  dmThroughput: ThroughputResult & { ratio: number }
  broadcast: BroadcastResult
  peakRssMiB: { afterDm: number; afterBroadcast: number }
  targets: { dmRttP50Within3xTcp: boolean; broadcastP99Under1s: boolean }
  totalSeconds: number
}

const RTT_ROWS: Array<[keyof Omit<RttResult, 'payloadBytes'>, string]> = [
  ['tcp', 'raw TCP echo (node:net, no-delay)'],
  ['libp2pStream', 'libp2p echo, one long-lived stream'],
  ['libp2pNewStream', 'libp2p echo, new stream per message'],
  ['dmService', 'DM protocol + ratchet (sendSealed)'],
  ['sendDirect', 'DM ChatNode.sendDirect (+history)']
]

const THROUGHPUT_ROWS: Array<[keyof Omit<ThroughputResult, 'chunkBytes' | 'concurrency'>, string]> = [
  ['tcp', 'raw TCP, one socket'],
  ['libp2pStream', 'libp2p, one stream'],
  ['dmService', 'DM protocol + ratchet (sendSealed)'],
  ['sendDirect', 'DM ChatNode.sendDirect (+history)']
]

/** The human-readable table. */
export function formatTable(r: Report): string {
  const out: string[] = []
  const { env } = r
  out.push(`p2pchat bench: node ${env.node}, ${env.platform}, ${env.cpus} CPUs, load ${env.loadavg.join(' ')}`)
  out.push(`layout: ${env.layout}`)
  out.push('')
  const rtt = r.dmRoundTrip
  out.push(`DM round trip, ${rtt.payloadBytes} B frame             n      p50 ms   p99 ms   p50 xTCP  p99 xTCP`)
  for (const [key, label] of RTT_ROWS) {
    out.push(`  ${label.padEnd(40)}${latencyCells(rtt[key], rtt.tcp)}`)
  }
  out.push('')
  const tp = r.dmThroughput
  out.push(`DM throughput, ${tp.chunkBytes} B messages, ${tp.concurrency} DMs in flight    MB/s     msgs/s    xTCP`)
  for (const [key, label] of THROUGHPUT_ROWS) {
    out.push(`  ${label.padEnd(40)}${throughputCells(tp[key], tp.tcp)}`)
  }
  out.push('')
  const b = r.broadcast
  out.push(
    `Broadcast, ${b.peers} peers, ${b.textBytes} B text (setup ${fmt(b.setupMs / 1000, 1)} s)     n      p50 ms   p99 ms   delivered`
  )
  out.push(
    `  ${`latency at ${b.paced.rate} msg/s`.padEnd(40)}${pad(b.paced.latency.n, 7)}${pad(fmt(b.paced.latency.p50), 9)}${pad(fmt(b.paced.latency.p99), 9)}   ${b.paced.delivered}/${b.paced.expected}`
  )
  out.push(
    `  ${`latency, ${b.saturated.window} in flight`.padEnd(40)}${pad(b.saturated.latency.n, 7)}${pad(fmt(b.saturated.latency.p50), 9)}${pad(fmt(b.saturated.latency.p99), 9)}   ${b.saturated.delivered}/${b.saturated.expected}`
  )
  out.push(
    `  sustained: ${fmt(b.saturated.msgsPerSec, 0)} messages/s to all ${b.peers - 1} others (${fmt(b.saturated.deliveriesPerSec, 0)} deliveries/s)`
  )
  out.push('')
  out.push(`Peak RSS: ${r.peakRssMiB.afterDm} MiB after the DM tests, ${r.peakRssMiB.afterBroadcast} MiB overall`)
  out.push(
    `Targets: DM round trip p50 within 3x TCP: ${r.targets.dmRttP50Within3xTcp ? 'met' : 'MISSED'} (${r.dmRoundTrip.ratioP50}x); ` +
      `broadcast p99 under 1 s: ${r.targets.broadcastP99Under1s ? 'met' : 'MISSED'} (${fmt(b.paced.latency.p99)} ms)`
  )
  out.push(`Total ${fmt(r.totalSeconds, 1)} s`)
  return out.join('\n')
}

/** The same figures, rounded, for the README. */
export function toJson(r: Report): string {
  return JSON.stringify(r, (_key, value: unknown) => (typeof value === 'number' ? round(value, 3) : value))
}

function latencyCells(s: Summary, base: Summary): string {
  return `${pad(s.n, 7)}${pad(fmt(s.p50), 9)}${pad(fmt(s.p99), 9)}${pad(`${ratio(s.p50, base.p50)}x`, 10)}${pad(`${ratio(s.p99, base.p99)}x`, 10)}`
}

function throughputCells(row: ThroughputRow, base: ThroughputRow): string {
  return `${pad(fmt(row.mbPerSec, 1), 9)}${pad(fmt(row.msgsPerSec, 0), 11)}${pad(`${ratio(row.mbPerSec, base.mbPerSec)}x`, 9)}`
}

function fmt(value: number, digits = 3): string {
  return value.toFixed(digits)
}

function pad(value: string | number, width: number): string {
  return String(value).padStart(width)
}
