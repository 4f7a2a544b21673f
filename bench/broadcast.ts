import { LOBBY_TOPIC } from '../protocols/lobby/constants.ts'
import { PeerSet } from './peers.ts'
import { now, type Summary, summarize, waitUntil } from './stats.ts'

export interface BroadcastBenchInit {
  peers: number
  textBytes: number
  warmupMessages: number
  /** paced phase: messages per second, spread over all senders in turn */
  pacedRate: number
  pacedMessages: number
  /** saturated phase: how long, and how many messages may be on their way at once */
  saturateMs: number
  window: number
}

export interface BroadcastResult {
  peers: number
  textBytes: number
  setupMs: number
  paced: { rate: number; messages: number; delivered: number; expected: number; latency: Summary }
  saturated: {
    window: number
    messages: number
    delivered: number
    expected: number
    msgsPerSec: number
    deliveriesPerSec: number
    latency: Summary
  }
}

/** Longest wait for the last deliveries of a phase before counting the rest as lost. */
const DRAIN_TIMEOUT_MS = 10_000

/**
 * Lobby broadcast among `peers` chat nodes in this process: latency from the send call to each
 * receiver's `message` event, first at a chat-like pace, then with a window of messages in flight.
 */
export async function benchBroadcast(init: BroadcastBenchInit): Promise<BroadcastResult> {
  const setupStart = now()
  const peers = await PeerSet.start('peer', init.peers)
  try {
    const { nodes } = peers
    const receivers = nodes.length - 1
    // presence lists everyone; the lobby topic must also know every subscriber before we publish
    await waitUntil(
      () => nodes.every((n) => n.libp2p.services.pubsub.getSubscribers(LOBBY_TOPIC).length === receivers),
      nodes.map((n) => ({ target: n.libp2p.services.pubsub, type: 'subscription-change' })),
      'lobby subscriptions',
      30_000
    )
    const setupMs = now() - setupStart

    let seq = 0
    const sentAt = new Map<number, number>()
    const arrivals = new Map<number, number>()
    let latencies: number[] = []
    let delivered = 0
    let onComplete: () => void = () => {}
    for (const node of nodes) {
      node.addEventListener('message', (evt) => {
        const match = evt.detail.scope === 'lobby' ? /^bench#(\d+) /.exec(evt.detail.text) : null
        const sent = match == null ? undefined : sentAt.get(Number(match[1]))
        if (match == null || sent == null) {
          return
        }
        latencies.push(now() - sent)
        delivered++
        const id = Number(match[1])
        const count = (arrivals.get(id) ?? 0) + 1
        arrivals.set(id, count)
        if (count === receivers) {
          arrivals.delete(id)
          sentAt.delete(id)
          onComplete()
        }
      })
    }
    const send = (): void => {
      const id = seq++
      const head = `bench#${id} `
      sentAt.set(id, now())
      nodes[id % nodes.length].broadcast(head.padEnd(init.textBytes, 'x')).catch((err: unknown) => {
        process.stderr.write(`broadcast ${id} failed: ${err instanceof Error ? err.message : String(err)}\n`)
      })
    }
    const drain = (what: string): Promise<void> =>
      waitUntil(
        () => sentAt.size === 0,
        nodes.map((n) => ({ target: n, type: 'message' })),
        what,
        DRAIN_TIMEOUT_MS
      ).catch(() => {})

    const paced = async (count: number): Promise<void> => {
      const start = now()
      for (let i = 0; i < count; i++) {
        const due = start + (i * 1000) / init.pacedRate
        if (due > now()) {
          await new Promise((resolve) => setTimeout(resolve, due - now()))
        }
        send()
      }
      await drain('paced broadcasts')
    }

    await paced(init.warmupMessages)
    latencies = []
    delivered = 0
    await paced(init.pacedMessages)
    const pacedResult = {
      rate: init.pacedRate,
      messages: init.pacedMessages,
      delivered,
      expected: init.pacedMessages * receivers,
      latency: summarize(latencies)
    }

    latencies = []
    delivered = 0
    sentAt.clear()
    arrivals.clear()
    const firstSaturated = seq
    const start = now()
    let lastCompletion = start
    await new Promise<void>((resolve) => {
      // lost messages never complete: stop waiting for them eventually
      const giveUp = setTimeout(resolve, init.saturateMs + DRAIN_TIMEOUT_MS)
      const refill = (): void => {
        while (sentAt.size < init.window && now() - start < init.saturateMs) {
          send()
        }
        if (sentAt.size === 0) {
          clearTimeout(giveUp)
          resolve()
        }
      }
      onComplete = () => {
        lastCompletion = now()
        refill()
      }
      refill()
    })
    onComplete = () => {}
    const messages = seq - firstSaturated
    const completed = messages - sentAt.size
    const seconds = (lastCompletion - start) / 1000
    return {
      peers: nodes.length,
      textBytes: init.textBytes,
      setupMs,
      paced: pacedResult,
      saturated: {
        window: init.window,
        messages,
        delivered,
        expected: messages * receivers,
        msgsPerSec: completed / seconds,
        deliveriesPerSec: delivered / seconds,
        latency: summarize(latencies)
      }
    }
  } finally {
    await peers.stop()
  }
}
