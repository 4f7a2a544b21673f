import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BoundedSet } from '../../../protocols/common/bounded-set.ts'

/** The model: values oldest first; adding moves a value to the end, then the oldest past `max` go. */
function modelAdd(model: number[], value: number, max: number): number[] {
  const next = model.filter((v) => v !== value)
  next.push(value)
  return next.slice(Math.max(0, next.length - max))
}

describe('BoundedSet', () => {
  it('never holds more than its bound, however many ids a flood brings', () => {
    const set = new BoundedSet<string>(100)
    for (let i = 0; i < 10_000; i++) {
      set.add(`id-${i}`)
    }
    expect(set.size).toBe(100)
    expect(set.has('id-9899')).toBe(false)
    expect(set.has('id-9900')).toBe(true)
  })

  it('says whether a value is new, without moving one it holds', () => {
    const set = new BoundedSet<string>(2)
    expect(set.addNew('a')).toBe(true)
    expect(set.addNew('b')).toBe(true)
    expect(set.addNew('a')).toBe(false)
    set.add('c')
    expect([...set]).toEqual(['b', 'c'])
  })

  it('keeps only the newest of the values it starts with', () => {
    expect([...new BoundedSet(2, ['a', 'b', 'c'])]).toEqual(['b', 'c'])
  })

  it('refuses a bound below one', () => {
    expect(() => new BoundedSet(0)).toThrow(RangeError)
    expect(() => new BoundedSet(2.5)).toThrow(RangeError)
  })

  it('matches the model under any sequence of adds, first sightings and deletes', () => {
    const value = fc.integer({ min: 0, max: 20 })
    const op = fc.oneof(fc.record({ add: value }), fc.record({ addNew: value }), fc.record({ del: value }))
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(op, { maxLength: 200 }), (max, ops) => {
        const set = new BoundedSet<number>(max)
        let model: number[] = []
        for (const o of ops) {
          if ('add' in o) {
            set.add(o.add)
            model = modelAdd(model, o.add, max)
          } else if ('addNew' in o) {
            const fresh = !model.includes(o.addNew)
            expect(set.addNew(o.addNew)).toBe(fresh)
            model = fresh ? modelAdd(model, o.addNew, max) : model
          } else {
            set.delete(o.del)
            model = model.filter((v) => v !== o.del)
          }
          expect([...set]).toEqual(model)
        }
      })
    )
  })
})
