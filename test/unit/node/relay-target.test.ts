import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MIN_RELAY_SELECTOR_CHARS, pickRelay, pickRelayById, settingText } from '../../../node/relay-target.ts'

const A = '12D3KooWAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1'
const B = '12D3KooWBbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2'

describe('picking a relay for /admin @<relay>', () => {
  it('takes a full PeerId, a unique start or end, and nothing shorter than the minimum', () => {
    expect(pickRelayById(A, [A, B])).toEqual({ kind: 'one', id: A })
    expect(pickRelayById('12D3KooWB', [A, B])).toEqual({ kind: 'one', id: B })
    expect(pickRelayById('bbb2', [A, B])).toEqual({ kind: 'one', id: B })
    expect(pickRelayById('12D3KooW', [A, B])).toEqual({ kind: 'many', ids: [A, B] })
    expect(pickRelayById('b2', [A, B])).toEqual({ kind: 'none' })
  })

  it('falls back to names, which only relays that answer us tell', async () => {
    const names: Record<string, string | undefined> = { [A]: 'North', [B]: undefined }
    expect(await pickRelay('north', [A, B], async (id) => names[id])).toEqual({ kind: 'one', id: A })
    expect(await pickRelay('south', [A, B], async (id) => names[id])).toEqual({ kind: 'none' })
    const failing = async (): Promise<string> => {
      throw new Error('not an admin there')
    }
    expect(await pickRelay('north', [A, B], failing)).toEqual({ kind: 'none' })
  })

  it('never picks a relay the selector does not name (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.uniqueArray(fc.string({ minLength: 1 }), { maxLength: 5 }), (selector, ids) => {
        const pick = pickRelayById(selector, ids)
        if (pick.kind === 'one') {
          expect(
            pick.id === selector ||
              (selector.length >= MIN_RELAY_SELECTOR_CHARS &&
                (pick.id.startsWith(selector) || pick.id.endsWith(selector)))
          ).toBe(true)
        }
        if (pick.kind === 'many') {
          expect(pick.ids.length).toBeGreaterThan(1)
        }
      })
    )
  })

  it('reads a setting value only when it is a JSON string', () => {
    expect(settingText('"North"')).toBe('North')
    expect(settingText('7')).toBeUndefined()
    expect(settingText('{')).toBeUndefined()
    expect(settingText(undefined)).toBeUndefined()
  })
})
