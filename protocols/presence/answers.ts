import type { PeerId } from '@libp2p/interface'
import { MAX_MISSED_ANSWERS, REPLY_FANOUT, REPLY_WINDOW_MS } from './constants.ts'
import { ReplyPacer } from './reply-pacer.ts'

/**
 * Whether to answer a newcomer when `known` peers are in our directory: always in a small crowd, else with
 * probability REPLY_FANOUT / known, so that about REPLY_FANOUT peers answer each join.
 */
export function answersNewcomer(known: number, random: () => number): boolean {
  return known <= REPLY_FANOUT || random() * known < REPLY_FANOUT
}

/**
 * Whether a newcomer needs our answer, given the peers we hold connections with: not when its join reached us through
 * a relay we use, without a connection of its own. It is then a relay's client (ours, or a peer relay's), and it gets
 * the list, us included, by presence sync from its relay; an answer would cost the relay one delivery to each of its
 * clients, for every peer that answers.
 */
export function needsAnswer(newcomer: PeerId, connected: PeerId[], trusted: (peer: PeerId) => boolean): boolean {
  return connected.some((p) => p.equals(newcomer)) || !connected.some(trusted)
}

/** Announces us and says which peers the announcement was handed to. */
export type Announce = () => Promise<Set<string>>

/**
 * When presence answers newcomers: at once, or with the others of a burst at the end of the pacer's window; in a
 * crowd only as one of a few. A newcomer our last announcement reached knows us already (a neighbour whose
 * subscription we answered): its join needs no second answer.
 */
export class NewcomerAnswers {
  private readonly pacer = new ReplyPacer(REPLY_WINDOW_MS)
  private timer?: ReturnType<typeof setTimeout>
  /** the peers our last announcement was handed to */
  private reached = new Set<string>()
  /** subscribers our immediate answer missed (our stream to them was not open yet): their join is answered at once */
  private readonly missed = new Set<string>()
  /** until we have joined there is nothing to answer: our join, when it goes, reaches every subscriber there is */
  private weJoined = false
  private stopped = false

  constructor(
    private readonly announce: Announce,
    private readonly crowd: () => number,
    private readonly random: () => number
  ) {}

  /** Every announcement of ours (heartbeats too) reports whom it reached. */
  reachedBy(recipients: Set<string>): void {
    this.reached = recipients
  }

  /** Our join went out: from now on newcomers are answered. */
  afterJoin(): void {
    this.weJoined = true
  }

  /** A neighbour subscribed to presence. */
  subscribed(peerId: string): void {
    this.answer(undefined, peerId)
  }

  /** A peer's join reached us. */
  joined(peerId: string): void {
    this.answer(peerId)
  }

  /** The connection to `peerId` closed. */
  disconnected(peerId: string): void {
    this.missed.delete(peerId)
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.timer = undefined
    this.pacer.cancel()
  }

  private answer(newcomer?: string, subscriber?: string): void {
    if (
      this.stopped ||
      !this.weJoined ||
      (newcomer != null && this.reached.has(newcomer)) ||
      !answersNewcomer(this.crowd(), this.random)
    ) {
      return
    }
    if (newcomer != null && this.missed.delete(newcomer)) {
      // once per missed answer, so never more than the paced ones; should this one miss too, the paced one follows
      void this.announce().then((reached) => reached.has(newcomer) || this.answer())
      return
    }
    const delay = this.pacer.request(Date.now())
    if (delay === 0) {
      void this.announce().then((reached) => {
        if (subscriber != null && !reached.has(subscriber) && this.missed.size < MAX_MISSED_ANSWERS) {
          this.missed.add(subscriber)
        }
      })
    } else if (delay != null) {
      this.timer = setTimeout(() => {
        this.timer = undefined
        this.pacer.sent(Date.now())
        void this.announce()
      }, delay)
    }
  }
}
