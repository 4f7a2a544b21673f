import type { ChatNode } from '../node/chat-node.ts'
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
    await waitForLobbySubscriptions(nodes)
    const setupMs = now() - setupStart
    const log = new BroadcastLog(nodes, init.textBytes)
    await pacedPhase(log, init.pacedRate, init.warmupMessages)
    log.resetCounts()
    await pacedPhase(log, init.pacedRate, init.pacedMessages)
    const paced = {
      rate: init.pacedRate,
      messages: init.pacedMessages,
      delivered: log.delivered,
      expected: init.pacedMessages * log.receivers,
      latency: summarize(log.latencies)
    }
    const saturated = await saturatedPhase(log, init.window, init.saturateMs)
    return { peers: nodes.length, textBytes: init.textBytes, setupMs, paced, saturated }
  } finally {
    await peers.stop()
  }
}

/** Waits until every node's lobby topic knows every other node as a subscriber. */
async function waitForLobbySubscriptions(nodes: ChatNode[]): Promise<void> {
  const receivers = nodes.length - 1
  // presence lists everyone; the lobby topic must also know every subscriber before we publish
  await waitUntil(
    () => nodes.every((n) => n.libp2p.services.pubsub.getSubscribers(LOBBY_TOPIC).length === receivers),
    nodes.map((n) => ({ target: n.libp2p.services.pubsub, type: 'subscription-change' })),
    'lobby subscriptions',
    30_000
  )
}

/** The bench's own lobby messages: when each was sent, how many receivers have it, and how long they took. */
class BroadcastLog {
  /** how many nodes receive each message: all but its sender */
  readonly receivers: number
  latencies: number[] = []
  delivered = 0
  /** called each time a message has reached every receiver */
  onComplete: () => void = () => {}
  private seq = 0
  private readonly sentAt = new Map<number, number>()
  private readonly arrivals = new Map<number, number>()

  constructor(
    private readonly nodes: ChatNode[],
    private readonly textBytes: number
  ) {
    this.receivers = nodes.length - 1
    for (const node of nodes) {
      node.addEventListener('message', (evt) => {
        const match = evt.detail.scope === 'lobby' ? /^bench#(\d+) /.exec(evt.detail.text) : null
        if (match != null) {
          this.arrived(Number(match[1]))
        }
      })
    }
  }

  /** How many messages were sent so far. */
  get sent(): number {
    return this.seq
  }

  /** How many messages have not reached every receiver yet. */
  get inFlight(): number {
    return this.sentAt.size
  }

  /** Broadcasts the next message from the next node in turn. */
  send(): void {
    const id = this.seq++
    const head = `bench#${id} `
    this.sentAt.set(id, now())
    this.nodes[id % this.nodes.length].broadcast(head.padEnd(this.textBytes, 'x')).catch((err: unknown) => {
      process.stderr.write(`broadcast ${id} failed: ${err instanceof Error ? err.message : String(err)}\n`)
    })
  }

  /** Waits for every message in flight to arrive everywhere, up to DRAIN_TIMEOUT_MS. */
  drain(what: string): Promise<void> {
    return waitUntil(
      () => this.sentAt.size === 0,
      this.nodes.map((n) => ({ target: n, type: 'message' })),
      what,
      DRAIN_TIMEOUT_MS
    ).catch(() => {})
  }

  /** Starts counting latencies and deliveries afresh. */
  resetCounts(): void {
    this.latencies = []
    this.delivered = 0
  }

  /** Stops waiting for the messages still in flight: they count as lost. */
  forgetInFlight(): void {
    this.sentAt.clear()
    this.arrivals.clear()
  }

  /** Records one receiver getting message `id`. */
  private arrived(id: number): void {
    const sent = this.sentAt.get(id)
    if (sent == null) {
      return
    }
    this.latencies.push(now() - sent)
    this.delivered++
    const count = (this.arrivals.get(id) ?? 0) + 1
    this.arrivals.set(id, count)
    if (count === this.receivers) {
      this.arrivals.delete(id)
      this.sentAt.delete(id)
      this.onComplete()
    }
  }
}

/** Sends `count` messages at `rate` per second, spread over all senders in turn, then waits for them. */
async function pacedPhase(log: BroadcastLog, rate: number, count: number): Promise<void> {
  const start = now()
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate
    if (due > now()) {
      await new Promise((resolve) => setTimeout(resolve, due - now()))
    }
    log.send()
  }
  await log.drain('paced broadcasts')
}

/** Keeps `window` messages in flight for `saturateMs`, refilling as each completes, and measures throughput. */
async function saturatedPhase(
  log: BroadcastLog,
  window: number,
  saturateMs: number
): Promise<BroadcastResult['saturated']> {
  log.resetCounts()
  log.forgetInFlight()
  const firstSaturated = log.sent
  const start = now()
  let lastCompletion = start
  await new Promise<void>((resolve) => {
    // lost messages never complete: stop waiting for them eventually
    const giveUp = setTimeout(resolve, saturateMs + DRAIN_TIMEOUT_MS)
    const refill = (): void => {
      while (log.inFlight < window && now() - start < saturateMs) {
        log.send()
      }
      if (log.inFlight === 0) {
        clearTimeout(giveUp)
        resolve()
      }
    }
    log.onComplete = () => {
      lastCompletion = now()
      refill()
    }
    refill()
  })
  log.onComplete = () => {}
  const messages = log.sent - firstSaturated
  const completed = messages - log.inFlight
  const seconds = (lastCompletion - start) / 1000
  return {
    window,
    messages,
    delivered: log.delivered,
    expected: messages * log.receivers,
    msgsPerSec: completed / seconds,
    deliveriesPerSec: log.delivered / seconds,
    latency: summarize(log.latencies)
  }
}
