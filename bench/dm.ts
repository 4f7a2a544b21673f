import { randomUUID } from 'node:crypto'
import type { ChatNode } from '../node/chat-node.ts'
import { MAX_TEXT_BYTES } from '../protocols/common/limits.ts'
import { encodeContent, encodeDm } from '../protocols/dm/codec.ts'
import { createPrekeyStore, identityFromSeed, SessionBook } from '../protocols/session/index.ts'
import { handleBenchProtocols, libp2pEchoNewStream, libp2pEchoStream, libp2pSink } from './libp2p-echo.ts'
import { PeerSet } from './peers.ts'
import { now, type Summary, summarize } from './stats.ts'
import { type Pump, type RoundTripper, runConcurrently } from './subjects.ts'
import { tcpEcho, tcpSink } from './tcp.ts'

export interface DmBenchInit {
  /** text size of a round-trip DM (a typical chat line) */
  rttTextBytes: number
  /** round-trip samples per subject, split over `rounds` */
  rttSamples: number
  rttWarmup: number
  /** measuring rounds; subjects take turns each round so load drift hits all of them alike */
  rounds: number
  /** time per subject per round of the throughput test */
  throughputMs: number
  /** sendDirect calls in flight in the throughput test */
  concurrency: number
}

export interface RttResult {
  payloadBytes: number
  tcp: Summary
  libp2pStream: Summary
  libp2pNewStream: Summary
  dmService: Summary
  sendDirect: Summary
}

export interface ThroughputRow {
  mbPerSec: number
  msgsPerSec: number
  bytes: number
  ms: number
}

export interface ThroughputResult {
  chunkBytes: number
  concurrency: number
  tcp: ThroughputRow
  libp2pStream: ThroughputRow
  dmService: ThroughputRow
  sendDirect: ThroughputRow
}

/** DM round trip and throughput between two chat nodes, with raw TCP and bare libp2p baselines. */
export async function benchDm(init: DmBenchInit): Promise<{ rtt: RttResult; throughput: ThroughputResult }> {
  const peers = await PeerSet.start('dm', 2)
  const opened: Array<RoundTripper | Pump> = []
  try {
    const [alice, bob] = peers.nodes
    await handleBenchProtocols(bob.libp2p)
    const rttText = 'x'.repeat(init.rttTextBytes)
    const payloadBytes = encodeDm({
      id: randomUUID(),
      ts: Date.now(),
      senderName: alice.name,
      text: rttText
    }).byteLength
    const rttSubjects = {
      tcp: await tcpEcho(payloadBytes),
      libp2pStream: await libp2pEchoStream(alice.libp2p, bob.peerId, payloadBytes),
      libp2pNewStream: libp2pEchoNewStream(alice.libp2p, bob.peerId, payloadBytes),
      dmService: await dmService(alice, bob, rttText),
      sendDirect: sendDirect(alice, bob, rttText)
    }
    opened.push(...Object.values(rttSubjects))
    const rtt = await measureRoundTrips(rttSubjects, init)

    const bulkText = 'x'.repeat(MAX_TEXT_BYTES)
    const pumps = {
      tcp: await tcpSink(MAX_TEXT_BYTES),
      libp2pStream: await libp2pSink(alice.libp2p, bob.libp2p, MAX_TEXT_BYTES),
      dmService: dmPump(init.concurrency, await dmService(alice, bob, bulkText)),
      sendDirect: dmPump(init.concurrency, sendDirect(alice, bob, bulkText))
    }
    opened.push(...Object.values(pumps))
    const throughput = await measureThroughput(pumps, init)
    return {
      rtt: { payloadBytes, ...rtt },
      throughput: { chunkBytes: MAX_TEXT_BYTES, concurrency: init.concurrency, ...throughput }
    }
  } finally {
    await Promise.allSettled(opened.map((s) => s.close()))
    await peers.stop()
  }
}

/**
 * The DM protocol and the ratchet: seal (a session of the benchmark's own, kept in memory), stream, frame, ack;
 * no name resolution, no session write on the sending side, no history. The receiver is a full node.
 */
async function dmService(from: ChatNode, to: ChatNode, text: string): Promise<RoundTripper> {
  const dms = from.libp2p.services.dm
  const me = identityFromSeed(new Uint8Array(from.account.privateKey.raw.subarray(0, 32)))
  const book = new SessionBook(me, createPrekeyStore(me, Date.now()))
  const bundle = await from.libp2p.services.prekeys.fetchBundle(to.peerId)
  const key = to.peerId.publicKey?.raw ?? new Uint8Array(32)
  return {
    roundTrip: () => {
      const id = randomUUID()
      const content = encodeContent({ kind: 'message', dm: { id, ts: Date.now(), senderName: from.name, text } })
      return dms.sendSealed(to.peerId, id, book.encrypt(key, new Uint8Array(content), bundle).sealed)
    },
    async close() {}
  }
}

/** What a client calls: resolve the user, send, wait for the ack, store in history. */
function sendDirect(from: ChatNode, to: ChatNode, text: string): RoundTripper {
  const target = to.peerId.toString()
  return {
    async roundTrip() {
      await from.sendDirect(target, text)
    },
    async close() {}
  }
}

function dmPump(concurrency: number, dm: RoundTripper): Pump {
  return {
    async run(durationMs) {
      const start = now()
      const sent = await runConcurrently(
        concurrency,
        () => now() - start >= durationMs,
        () => dm.roundTrip()
      )
      return { bytes: sent * MAX_TEXT_BYTES, ms: now() - start }
    },
    close: () => dm.close()
  }
}

async function measureRoundTrips<K extends string>(
  subjects: Record<K, RoundTripper>,
  init: DmBenchInit
): Promise<Record<K, Summary>> {
  const keys = Object.keys(subjects) as K[]
  const samples = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>
  for (const key of keys) {
    progress(`round trip warm-up: ${key}`)
    for (let i = 0; i < init.rttWarmup; i++) {
      await subjects[key].roundTrip()
    }
  }
  const perRound = Math.ceil(init.rttSamples / init.rounds)
  for (let round = 0; round < init.rounds; round++) {
    for (const key of keys) {
      progress(`round trip ${round + 1}/${init.rounds}: ${key}`)
      for (let i = 0; i < perRound; i++) {
        const start = now()
        await subjects[key].roundTrip()
        samples[key].push(now() - start)
      }
    }
  }
  return Object.fromEntries(keys.map((k) => [k, summarize(samples[k])])) as Record<K, Summary>
}

async function measureThroughput<K extends string>(
  pumps: Record<K, Pump>,
  init: DmBenchInit
): Promise<Record<K, ThroughputRow>> {
  const keys = Object.keys(pumps) as K[]
  const totals = Object.fromEntries(keys.map((k) => [k, { bytes: 0, ms: 0 }])) as Record<
    K,
    { bytes: number; ms: number }
  >
  // a short warm-up run each, so JIT and stream setup are not in the figures
  for (const key of keys) {
    progress(`throughput warm-up: ${key}`)
    await pumps[key].run(init.throughputMs / 5)
  }
  for (let round = 0; round < init.rounds; round++) {
    for (const key of keys) {
      progress(`throughput ${round + 1}/${init.rounds}: ${key}`)
      const { bytes, ms } = await pumps[key].run(init.throughputMs)
      totals[key].bytes += bytes
      totals[key].ms += ms
    }
  }
  return Object.fromEntries(
    keys.map((k) => {
      const { bytes, ms } = totals[k]
      const row: ThroughputRow = {
        mbPerSec: bytes / 1e6 / (ms / 1000),
        msgsPerSec: bytes / MAX_TEXT_BYTES / (ms / 1000),
        bytes,
        ms
      }
      return [k, row]
    })
  ) as Record<K, ThroughputRow>
}

function progress(line: string): void {
  process.stderr.write(`  ${line}\n`)
}
