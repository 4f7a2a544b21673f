import type { PeerId } from '@libp2p/interface'

/**
 * Relay slots expire on one shared timer. libp2p's circuit relay server gives each slot a `retimeable-signal`: an
 * error made in advance (with its captured stack), an AbortSignal.timeout with its own timer, listener and
 * finalization entry, and three closures, about 2 KiB per client for an hour's timer (heap snapshot, 2,000 idle
 * clients). Every slot lasts the same TTL, so slots expire in the order they were reserved or refreshed: one queue in
 * that order and one timer for its head do the same work. The signal each slot gets is a plain AbortController's,
 * with the same `reset` and `clear`; it aborts, and the slot is deleted, when the TTL passes without a refresh.
 */

/** A slot's signal as the circuit relay server uses it (retimeable-signal's): aborts at expiry, `reset` re-arms it. */
export interface ExpirySignal extends AbortSignal {
  reset: (ms?: number) => void
  clear: () => void
}

/** What is patched: the circuit relay server's slots (a PeerMap of reservations). */
export interface SlotMap<R extends { signal: ExpirySignal }> {
  get: (peer: PeerId) => R | undefined
  set: (peer: PeerId, reservation: R) => void
  delete: (peer: PeerId) => unknown
  clear: () => void
}

/** setTimeout's longest delay: a later expiry is waited for in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1

const DUE = Symbol('p2pchat.due')

interface Due {
  /** when it aborts (on `now`'s clock), if armed */
  at: number
  readonly peer: PeerId
  readonly controller: AbortController
  /** its own timer, only after a reset to other than the TTL (libp2p never does that) */
  timer?: ReturnType<typeof setTimeout>
}

type Tracked = ExpirySignal & { [DUE]: Due }

export class ReservationExpiry {
  /** the signals armed for the TTL, in the order they expire (a Map keeps the order entries were added) */
  readonly #queue = new Map<Tracked, Due>()
  #timer: ReturnType<typeof setTimeout> | undefined
  // shared by every signal: a closure each would cost more than the slot's own entry
  readonly #reset: (this: Tracked, ms?: number) => void
  readonly #clear: (this: Tracked) => void

  constructor(
    readonly ttlMs: number,
    private readonly expire: (peer: PeerId) => void,
    private readonly now: () => number = () => performance.now()
  ) {
    const expiry = this
    this.#reset = function (this: Tracked, ms?: number): void {
      expiry.arm(this, ms ?? expiry.ttlMs)
    }
    this.#clear = function (this: Tracked): void {
      expiry.disarm(this)
    }
  }

  /** A signal for `peer`'s slot, armed for the TTL. */
  signalFor(peer: PeerId): ExpirySignal {
    const controller = new AbortController()
    const signal: Tracked = Object.assign(controller.signal, {
      reset: this.#reset,
      clear: this.#clear,
      [DUE]: { at: 0, peer, controller }
    })
    this.arm(signal, this.ttlMs)
    return signal
  }

  /** Whether `signal` came from here (else it is the library's own). */
  owns(signal: AbortSignal): boolean {
    return DUE in signal && 'reset' in signal && signal.reset === this.#reset
  }

  /** Slots armed now. */
  get armed(): number {
    return this.#queue.size
  }

  /** Disarms every signal (the relay stops). */
  disarmAll(): void {
    for (const signal of this.#queue.keys()) {
      this.disarm(signal)
    }
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  private arm(signal: Tracked, ms: number): void {
    this.disarm(signal)
    if (signal.aborted) {
      return
    }
    const due = signal[DUE]
    due.at = this.now() + ms
    if (ms === this.ttlMs) {
      // due after every other armed for the TTL: the end of the queue
      this.#queue.set(signal, due)
      this.wake()
      return
    }
    due.timer = setTimeout(() => this.fire(signal), Math.min(Math.max(0, ms), MAX_DELAY_MS))
    due.timer.unref()
  }

  private disarm(signal: Tracked): void {
    const due = signal[DUE]
    this.#queue.delete(signal)
    clearTimeout(due.timer)
    due.timer = undefined
  }

  private fire(signal: Tracked): void {
    this.disarm(signal)
    const due = signal[DUE]
    due.controller.abort()
    this.expire(due.peer)
  }

  /** One timer, for the head of the queue; it may fire early (its head was cleared), then it waits for the next. */
  private wake(): void {
    if (this.#timer != null) {
      return
    }
    const head = this.#queue.values().next()
    if (head.done === true) {
      return
    }
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined
        const now = this.now()
        for (const [signal, due] of this.#queue) {
          if (due.at > now) {
            break
          }
          this.fire(signal)
        }
        this.wake()
      },
      Math.min(Math.max(0, head.value.at - this.now()), MAX_DELAY_MS)
    )
    this.#timer.unref()
  }
}

/**
 * Gives the slots of `slots` (the circuit relay server's reservations) signals from one ReservationExpiry: a slot
 * the server stores with its own signal has that signal cleared (its timer stopped, nothing else holds it) and
 * replaced. Deleting a slot disarms its signal, so a slot freed without `clear` leaves no timer behind. Call once,
 * before the first reservation.
 */
export function expireSlotsTogether<R extends { signal: ExpirySignal }>(
  slots: SlotMap<R>,
  ttlMs: number,
  now?: () => number
): ReservationExpiry {
  const set = slots.set.bind(slots)
  const remove = slots.delete.bind(slots)
  const clear = slots.clear.bind(slots)
  const expiry = new ReservationExpiry(ttlMs, (peer) => remove(peer), now)
  slots.set = (peer, reservation) => {
    const before = slots.get(peer)
    if (before != null && before !== reservation) {
      before.signal.clear()
    }
    if (!expiry.owns(reservation.signal)) {
      reservation.signal.clear()
      reservation.signal = expiry.signalFor(peer)
    }
    set(peer, reservation)
  }
  slots.delete = (peer) => {
    slots.get(peer)?.signal.clear()
    return remove(peer)
  }
  slots.clear = () => {
    expiry.disarmAll()
    clear()
  }
  return expiry
}
