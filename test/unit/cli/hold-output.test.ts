import { describe, expect, it } from 'vitest'
import { holdOutput } from '../../../cli/line-ui.ts'
import type { OutputEvent } from '../../../cli/output.ts'

describe('holdOutput', () => {
  it('keeps what the node reports while starting, writes it after ready in order, then passes through', () => {
    const written: string[] = []
    const held = holdOutput((e) => written.push(e.type === 'message' ? `message ${e.id}` : e.type))
    const dm = (id: string): OutputEvent => ({
      type: 'message',
      id,
      scope: 'dm',
      from: { peerId: 'p', name: 'alice' },
      text: id,
      ts: 0
    })
    held.write(dm('a'))
    held.write(dm('b'))
    expect(written).toEqual([])
    written.push('ready')
    held.release()
    held.write(dm('c'))
    expect(written).toEqual(['ready', 'message a', 'message b', 'message c'])
  })
})
