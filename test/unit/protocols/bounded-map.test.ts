import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BoundedMap } from '../../../protocols/common/bounded-map.ts'

/** The model: a list of [key, value], oldest first; setting moves a key to the end, then the oldest past `max` go. */
function modelSet(model: Array<[number, number]>, key: number, value: number, max: number): Array<[number, number]> {
  const next = model.filter(([k]) => k !== key)
  next.push([key, value])
  return next.slice(Math.max(0, next.length - max))
}

describe('BoundedMap', () => {
  it('never holds more than its bound, however many keys a flood brings', () => {
    const map = new BoundedMap<string, number>(100)
    for (let i = 0; i < 10_000; i++) {
      map.set(`peer-${i}`, i)
    }
    expect(map.size).toBe(100)
    expect(map.has('peer-9899')).toBe(false)
    expect(map.has('peer-9900')).toBe(true)
  })

  it('keeps a key that is set again, and lets the oldest set go instead', () => {
    const map = new BoundedMap<string, number>(2)
    map.set('a', 1).set('b', 2).set('a', 3).set('c', 4)
    expect([...map]).toEqual([
      ['a', 3],
      ['c', 4]
    ])
  })

  it('does not reorder on reads', () => {
    const map = new BoundedMap<string, number>(2)
    map.set('a', 1).set('b', 2)
    expect(map.get('a')).toBe(1)
    map.set('c', 3)
    expect([...map.keys()]).toEqual(['b', 'c'])
  })

  it('refuses a bound below one', () => {
    expect(() => new BoundedMap(0)).toThrow(RangeError)
    expect(() => new BoundedMap(1.5)).toThrow(RangeError)
  })

  it('matches the model under any sequence of sets and deletes', () => {
    const op = fc.oneof(
      fc.record({ set: fc.integer({ min: 0, max: 20 }), value: fc.integer() }),
      fc.record({ del: fc.integer({ min: 0, max: 20 }) })
    )
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(op, { maxLength: 200 }), (max, ops) => {
        const map = new BoundedMap<number, number>(max)
        let model: Array<[number, number]> = []
        for (const o of ops) {
          if ('set' in o) {
            map.set(o.set, o.value)
            model = modelSet(model, o.set, o.value, max)
          } else {
            map.delete(o.del)
            model = model.filter(([k]) => k !== o.del)
          }
          expect([...map]).toEqual(model)
        }
      })
    )
  })
})
