import fc from 'fast-check'
import { TypedEventEmitter } from 'main-event'
import { describe, expect, it } from 'vitest'
import { lightenEventListeners } from '../../../relay/light-listeners.ts'

interface Events {
  a: CustomEvent
  b: CustomEvent
}

/** main-event as libp2p uses it */
class Original extends TypedEventEmitter<Events> {}
/** the same with the relay's methods */
class Light extends TypedEventEmitter<Events> {}
lightenEventListeners(Light.prototype)

type Type = keyof Events
type Command =
  | { op: 'add'; type: Type; listener: number; capture: boolean; once: boolean; signal: number | null }
  | { op: 'remove'; type: Type; listener: number; capture: boolean }
  | { op: 'abort'; signal: number }
  | { op: 'dispatch'; type: Type }

const LISTENERS = 4
const SIGNALS = 3
const type = fc.constantFrom<Type>('a', 'b')
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    op: fc.constant('add' as const),
    type,
    listener: fc.nat(LISTENERS - 1),
    capture: fc.boolean(),
    once: fc.boolean(),
    signal: fc.option(fc.nat(SIGNALS - 1))
  }),
  fc.record({ op: fc.constant('remove' as const), type, listener: fc.nat(LISTENERS - 1), capture: fc.boolean() }),
  fc.record({ op: fc.constant('abort' as const), signal: fc.nat(SIGNALS - 1) }),
  fc.record({ op: fc.constant('dispatch' as const), type })
)

/** Runs `commands` on `target`; what its listeners saw, and both counts after every command. */
function run(target: Original | Light, commands: Command[]): string[] {
  const seen: string[] = []
  // functions and handleEvent objects, as both are allowed
  const listeners = Array.from({ length: LISTENERS }, (_, i) =>
    i % 2 === 0
      ? (evt: Event): void => {
          seen.push(`${i}:${evt.type}`)
        }
      : {
          handleEvent: (evt: Event): void => {
            seen.push(`${i}:${evt.type}`)
          }
        }
  )
  const controllers = Array.from({ length: SIGNALS }, () => new AbortController())
  for (const c of commands) {
    if (c.op === 'add') {
      const signal = c.signal == null ? undefined : controllers[c.signal].signal
      target.addEventListener(c.type, listeners[c.listener], { capture: c.capture, once: c.once, signal })
    } else if (c.op === 'remove') {
      target.removeEventListener(c.type, listeners[c.listener], { capture: c.capture })
    } else if (c.op === 'abort') {
      controllers[c.signal].abort()
    } else {
      target.safeDispatchEvent(c.type)
    }
    seen.push(`count a=${target.listenerCount('a')} b=${target.listenerCount('b')}`)
  }
  return seen
}

describe('lightenEventListeners', () => {
  it('calls and counts listeners exactly as main-event does, whatever is added, removed, aborted and dispatched', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 60 }), (commands) => {
        expect(run(new Light(), commands)).toEqual(run(new Original(), commands))
      }),
      { numRuns: 500 }
    )
  })

  it('removes and counts a listener that the original methods added before it was installed', () => {
    class Later extends TypedEventEmitter<Events> {}
    const target = new Later()
    let calls = 0
    const listener = (): void => {
      calls++
    }
    target.addEventListener('a', listener)
    lightenEventListeners(Later.prototype)
    target.addEventListener('a', () => {})
    expect(target.listenerCount('a')).toBe(2)
    target.removeEventListener('a', listener)
    target.safeDispatchEvent('a')
    expect(calls).toBe(0)
    expect(target.listenerCount('a')).toBe(1)
  })

  it('keeps no wrapper for a plain listener: the native EventTarget holds the callback itself', () => {
    const calls = { light: 0, original: 0 }
    for (const [name, target] of [
      ['light', new Light()],
      ['original', new Original()]
    ] as const) {
      const listener = (): void => {
        calls[name]++
      }
      target.addEventListener('a', listener)
      // removing the very callback from the native EventTarget leaves nothing to call only if nothing wrapped it
      EventTarget.prototype.removeEventListener.call(target, 'a', listener)
      target.safeDispatchEvent('a')
    }
    expect(calls).toEqual({ light: 0, original: 1 })
  })
})
