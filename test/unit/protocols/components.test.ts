import { describe, expect, it } from 'vitest'
import { optionalComponent } from '../../../protocols/common/components.ts'

describe('optionalComponent', () => {
  it('gives the component, or undefined where libp2p would throw for a missing service', () => {
    const components = new Proxy({ lobby: 'here' } as Record<string, string>, {
      get: (target, name: string) => {
        if (!(name in target)) {
          throw new Error(`${name} not set`)
        }
        return target[name]
      }
    })
    expect(optionalComponent(() => components.lobby)).toBe('here')
    expect(optionalComponent(() => components.groups)).toBeUndefined()
  })
})
