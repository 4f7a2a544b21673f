import { TypedEventEmitter } from 'main-event'

/**
 * libp2p's event targets (connections, muxers, streams: `main-event`'s TypedEventEmitter) wrap every listener they
 * are given: a wrapper closure, an abort closure made even when no signal was given, their context, a copy of the
 * options and an entry object, on top of what the native EventTarget keeps. A relay's idle client has about 30
 * listeners on its connection, muxer and streams, so that was about 8 KiB of the relay's memory per client (heap
 * snapshot diff, 1,000 clients). These methods keep the same behaviour with less: a listener that is neither
 * captured, once nor ended by a signal (nearly all of libp2p's) goes to the native EventTarget as it is, and is
 * remembered by one array slot for `listenerCount`; the others are wrapped as before.
 *
 * The relay process installs them (lightenEventListeners) before it opens its first connection. A listener added
 * earlier by the original methods is still removed and counted by them.
 */

type Listener = ((event: Event) => void) | { handleEvent: (event: Event) => void }

interface AddOptions {
  capture?: boolean
  once?: boolean
  passive?: boolean
  signal?: AbortSignal
}

/** Where a target keeps its listeners: type and entry, one after the other, in the order they were added. */
const LISTENERS = Symbol('p2pchat.listeners')

/** A listener that needed more than the native EventTarget gives: captured, called once, or ended by a signal. */
class Wrapped {
  constructor(
    readonly callback: Listener,
    readonly capture: boolean,
    /** what the native EventTarget holds for it */
    readonly registered: (event: Event) => void,
    readonly signal: AbortSignal | undefined,
    readonly onAbort: (() => void) | undefined
  ) {}
}

type Entry = Listener | Wrapped

interface Holder extends EventTarget {
  [LISTENERS]?: Array<string | Entry>
}

/** What is replaced: an EventTarget that also counts its listeners (main-event's TypedEventEmitter). */
export interface EventCounting {
  removeEventListener: EventTarget['removeEventListener']
  listenerCount: (type: string) => number
}

const nativeAdd = EventTarget.prototype.addEventListener
const nativeRemove = EventTarget.prototype.removeEventListener

function callbackOf(entry: Entry): Listener {
  return entry instanceof Wrapped ? entry.callback : entry
}

function captureOf(entry: Entry): boolean {
  return entry instanceof Wrapped ? entry.capture : false
}

function captureIn(options: boolean | { capture?: boolean } | undefined): boolean {
  return typeof options === 'boolean' ? options : (options?.capture ?? false)
}

/** The position of the type of `callback`'s entry in `list`, or -1. */
function find(list: ReadonlyArray<string | Entry>, type: string, callback: Listener, capture: boolean): number {
  for (let i = 0; i < list.length; i += 2) {
    const entry = list[i + 1] as Entry
    if (list[i] === type && callbackOf(entry) === callback && captureOf(entry) === capture) {
      return i
    }
  }
  return -1
}

/** The three methods on `prototype` (TypedEventEmitter's by default, which every libp2p event target inherits). */
export function lightenEventListeners(prototype: EventCounting = TypedEventEmitter.prototype): void {
  // a listener added before this (by the original methods) is still removed and counted by them
  const original = { remove: prototype.removeEventListener, count: prototype.listenerCount }

  function addEventListener(
    this: Holder,
    type: string,
    listener: Listener | null,
    options?: boolean | AddOptions
  ): void {
    if (listener == null) {
      return
    }
    const opts: AddOptions = typeof options === 'object' ? options : { capture: options === true }
    const capture = opts.capture ?? false
    const signal = opts.signal
    if (signal?.aborted === true) {
      return
    }
    const list = this[LISTENERS] ?? []
    this[LISTENERS] = list
    // listening again with the same callback and capture does nothing, as for any EventTarget
    if (find(list, type, listener, capture) !== -1) {
      return
    }
    if (!capture && opts.once !== true && signal == null) {
      nativeAdd.call(this, type, listener, opts.passive == null ? undefined : { passive: opts.passive })
      list.push(type, listener)
      return
    }
    const registered = (event: Event): void => {
      if (opts.once === true) {
        removeEventListener.call(this, type, listener, { capture })
      }
      if (typeof listener === 'function') {
        listener(event)
      } else {
        listener.handleEvent(event)
      }
    }
    const onAbort =
      signal == null
        ? undefined
        : (): void => {
            removeEventListener.call(this, type, listener, { capture })
          }
    if (onAbort != null) {
      signal?.addEventListener('abort', onAbort, { once: true })
    }
    nativeAdd.call(this, type, registered, { capture, passive: opts.passive })
    list.push(type, new Wrapped(listener, capture, registered, signal, onAbort))
  }

  function removeEventListener(
    this: Holder,
    type: string,
    listener: Listener | null,
    options?: boolean | { capture?: boolean }
  ): void {
    if (listener == null) {
      return
    }
    const list = this[LISTENERS]
    const at = list == null ? -1 : find(list, type, listener, captureIn(options))
    if (list == null || at === -1) {
      original.remove.call(this, type, listener, options)
      return
    }
    const entry = list[at + 1] as Entry
    list.splice(at, 2)
    if (entry instanceof Wrapped) {
      nativeRemove.call(this, type, entry.registered, { capture: entry.capture })
      if (entry.onAbort != null) {
        entry.signal?.removeEventListener('abort', entry.onAbort)
      }
    } else {
      nativeRemove.call(this, type, entry)
    }
  }

  function listenerCount(this: Holder, type: string): number {
    const list = this[LISTENERS]
    let count = original.count.call(this, type)
    for (let i = 0; list != null && i < list.length; i += 2) {
      if (list[i] === type) {
        count++
      }
    }
    return count
  }

  Object.defineProperties(prototype, {
    addEventListener: { value: addEventListener, writable: true, configurable: true },
    removeEventListener: { value: removeEventListener, writable: true, configurable: true },
    listenerCount: { value: listenerCount, writable: true, configurable: true }
  })
}
