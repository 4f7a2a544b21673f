import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { OutputEvent } from '../../../cli/output.ts'
import {
  Conversations,
  conversationOf,
  MAX_CONVERSATIONS,
  MAX_LINES_PER_CONVERSATION
} from '../../../web/conversations.ts'

const alice = { peerId: 'A', name: 'alice' }

describe('the conversations of the page', () => {
  it('puts lobby posts in the lobby, DMs with their peer, group posts in their group', () => {
    const lobby: OutputEvent = { type: 'message', id: '1', scope: 'lobby', from: alice, text: 'hi', ts: 1 }
    const dm: OutputEvent = { ...lobby, scope: 'dm' }
    const sentDm: OutputEvent = { type: 'sent', id: '2', scope: 'dm', to: alice, text: 'hi', ts: 1 }
    const group: OutputEvent = { ...lobby, scope: 'group', group: { id: 'g1', name: 'team' } }
    expect(conversationOf(lobby)?.key).toBe('lobby')
    expect(conversationOf(dm)?.key).toBe('dm:A')
    expect(conversationOf(sentDm)?.key).toBe('dm:A')
    expect(conversationOf({ type: 'delivered', id: '2', to: alice })?.key).toBe('dm:A')
    expect(conversationOf(group)?.key).toBe('group:g1')
    expect(conversationOf({ type: 'users', users: [] })).toBeUndefined()
  })

  it('counts unread messages outside the one on screen, until it is opened', () => {
    const c = new Conversations()
    const dm = c.open({ key: 'dm:A', kind: 'dm', target: 'A', title: 'alice' })
    c.add(dm, { kind: 'message', text: 'one' })
    c.add(dm, { kind: 'message', text: 'two' })
    c.add(c.active, { kind: 'message', text: 'in the lobby' })
    expect(dm.unread).toBe(2)
    expect(c.active.unread).toBe(0)
    c.select('dm:A')
    expect(dm.unread).toBe(0)
  })

  it('stays bounded whatever peers send: lines per conversation and conversations in all', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 3 * MAX_CONVERSATIONS }), { maxLength: 2000 }), (senders) => {
        const c = new Conversations()
        for (const s of senders) {
          c.add(c.open({ key: `dm:${s}`, kind: 'dm', target: String(s), title: String(s) }), {
            kind: 'message',
            text: 'x'
          })
        }
        expect(c.list().length).toBeLessThanOrEqual(MAX_CONVERSATIONS + 1)
        expect(c.list().some((x) => x.key === 'lobby')).toBe(true)
        for (const x of c.list()) {
          expect(x.lines.length).toBeLessThanOrEqual(MAX_LINES_PER_CONVERSATION)
        }
      }),
      { numRuns: 100 }
    )
  })
})
