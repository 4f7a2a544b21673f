import { describe, expect, it } from 'vitest'
import { NotBlockedError } from '../../../node/account/errors.ts'
import { BlockList } from '../../../node/blocklist.ts'
import { AmbiguousNameError } from '../../../node/errors.ts'

const A = '12D3KooWAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1111'
const B = '12D3KooWBbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2222'

describe('BlockList', () => {
  it('adds once, by PeerId, and lists oldest first', () => {
    const list = new BlockList()
    expect(list.add({ peerId: B, name: 'bob', since: 2 })).toBe(true)
    expect(list.add({ peerId: A, name: 'al', since: 1 })).toBe(true)
    expect(list.add({ peerId: B, name: 'robert', since: 3 })).toBe(false)
    expect(list.list().map((b) => b.peerId)).toEqual([A, B])
    expect(list.find(B).name).toBe('bob')
    expect(list.has(B)).toBe(true)
  })

  it('finds by name, name#suffix or PeerId, and never guesses between equal names', () => {
    const list = new BlockList([
      { peerId: A, name: 'sam', since: 1 },
      { peerId: B, name: 'sam', since: 2 }
    ])
    expect(() => list.find('sam')).toThrow(AmbiguousNameError)
    expect(list.find('sam#2222').peerId).toBe(B)
    expect(list.find(A).peerId).toBe(A)
    expect(() => list.find('bob')).toThrow(NotBlockedError)
  })

  it('counts refused connections of blocked peers only, and forgets them on unblock', () => {
    const list = new BlockList([{ peerId: A, name: 'a', since: 1 }])
    list.noteRefused(A)
    list.noteRefused(A)
    list.noteRefused(B)
    expect(list.refused(A)).toBe(2)
    expect(list.refused(B)).toBe(0)
    expect(list.remove(A)?.name).toBe('a')
    expect(list.refused(A)).toBe(0)
    expect(list.has(A)).toBe(false)
    expect(list.remove(A)).toBeUndefined()
  })
})
