import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { DisplayNames, OutputEvent } from '../../../cli/output.ts'
import { formatEvent, type LineContent, nameColor } from '../../../cli/tui/format.ts'

const names: DisplayNames = (_peerId, fallback) => fallback
const bob = { peerId: '12D3KooWBob', name: 'bob' }
const TS = new Date(2024, 0, 1, 9, 5).getTime()

function text(line: LineContent): string {
  return line.segments.map((s) => s.text).join('')
}

function texts(event: OutputEvent, displayNames: DisplayNames = names): string[] {
  return formatEvent(event, displayNames).map(text)
}

// C0/C1 controls other than newline: what must never reach the terminal from a peer
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/

describe('formatEvent', () => {
  it('shows a lobby message with time, sender and text', () => {
    expect(texts({ type: 'message', id: '1', scope: 'lobby', from: bob, text: 'hi all', ts: TS })).toEqual([
      '09:05 bob: hi all'
    ])
  })

  it('marks DMs both ways, in magenta', () => {
    const incoming = formatEvent({ type: 'message', id: '1', scope: 'dm', from: bob, text: 'psst', ts: TS }, names)
    expect(incoming.map(text)).toEqual(['09:05 [dm] bob: psst'])
    expect(incoming[0].segments.find((s) => s.text.includes('[dm]'))?.color).toBe('magenta')
    const outgoing = formatEvent({ type: 'sent', id: '2', scope: 'dm', to: bob, text: 'hey', ts: TS }, names)
    expect(outgoing.map(text)).toEqual(['09:05 [dm -> bob] hey'])
    expect(outgoing[0].messageId).toBe('2')
    expect(outgoing[0].segments.some((s) => s.color === 'magenta')).toBe(true)
  })

  it('marks group messages both ways with the group, never as lobby lines', () => {
    const group = { id: 'j7bmy3rf', name: 'club' }
    const incoming: OutputEvent = {
      type: 'message',
      id: '4',
      scope: 'group',
      group,
      from: bob,
      text: 'hi club',
      ts: TS
    }
    expect(texts(incoming)).toEqual(['09:05 [club] bob: hi club'])
    const sent: OutputEvent = { type: 'sent', id: '5', scope: 'group', group, text: 'me too', ts: TS, recipients: 0 }
    expect(texts(sent)).toEqual(['09:05 [club] you: me too'])
  })

  it('shows our own broadcast, and says when nobody heard it', () => {
    const sent: OutputEvent = { type: 'sent', id: '3', scope: 'lobby', text: 'anyone?', ts: TS, recipients: 0 }
    expect(texts(sent)).toEqual(['09:05 you: anyone?', '* nobody else is online yet'])
    expect(texts({ ...sent, recipients: 2 })).toEqual(['09:05 you: anyone?'])
  })

  it('uses display names, so equal names stay apart', () => {
    const display: DisplayNames = (peerId, fallback) => (peerId === bob.peerId ? 'bob#7f3a' : fallback)
    expect(texts({ type: 'message', id: '1', scope: 'lobby', from: bob, text: 'x', ts: TS }, display)).toEqual([
      '09:05 bob#7f3a: x'
    ])
    expect(texts({ type: 'join', ...bob }, display)).toEqual(['* bob#7f3a joined'])
  })

  it('announces joins and leaves, with the reason when it was not a goodbye', () => {
    expect(texts({ type: 'join', ...bob })).toEqual(['* bob joined'])
    expect(texts({ type: 'leave', ...bob, reason: 'left' })).toEqual(['* bob left'])
    expect(texts({ type: 'leave', ...bob, reason: 'timeout' })).toEqual(['* bob left (timed out)'])
    expect(texts({ type: 'leave', ...bob, reason: 'unreachable' })).toEqual(['* bob left (unreachable)'])
  })

  it('shows errors in red', () => {
    const [line] = formatEvent({ type: 'error', code: 'UNKNOWN_USER', message: 'no online user called x' }, names)
    expect(text(line)).toBe('! no online user called x')
    expect(line.segments.every((s) => s.color === 'red')).toBe(true)
  })

  it('lists users with ourselves marked', () => {
    const users: OutputEvent = {
      type: 'users',
      users: [
        { peerId: 'me', name: 'alice', displayName: 'alice', self: true },
        { ...bob, displayName: 'bob', self: false }
      ]
    }
    expect(texts(users)).toEqual(['* online (2): alice (you), bob'])
  })

  it('falls back to the line-mode text for events without a look of their own', () => {
    const help: OutputEvent = {
      type: 'help',
      commands: [
        { usage: '/users', description: 'list who is online' },
        { usage: '/quit', description: 'leave' }
      ]
    }
    expect(texts(help)).toHaveLength(2)
    expect(texts(help)[0]).toContain('list who is online')
    expect(texts({ type: 'ready', peerId: 'me', name: 'alice', addrs: ['/ip4/127.0.0.1/tcp/1'] })).toEqual([
      '* you are alice (me)',
      '* listening on /ip4/127.0.0.1/tcp/1',
      '* type /help for commands'
    ])
  })

  it('never lets a peer put terminal controls on screen (text, names or errors)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary', minLength: 1 }), (body, name) => {
        const from = { peerId: 'p', name }
        const events: OutputEvent[] = [
          { type: 'message', id: '1', scope: 'lobby', from, text: body, ts: TS },
          { type: 'message', id: '2', scope: 'dm', from, text: body, ts: TS },
          { type: 'sent', id: '3', scope: 'dm', to: from, text: body, ts: TS },
          { type: 'join', peerId: 'p', name },
          { type: 'leave', peerId: 'p', name, reason: 'left' },
          { type: 'users', users: [{ peerId: 'p', name, displayName: name, self: false }] },
          { type: 'error', code: 'X', message: body }
        ]
        for (const event of events) {
          for (const line of texts(event)) {
            expect(line).not.toMatch(UNSAFE)
          }
        }
      })
    )
  })
})

describe('nameColor', () => {
  it('gives a peer the same colour every time, never the error or DM colour', () => {
    fc.assert(
      fc.property(fc.string(), (peerId) => {
        expect(nameColor(peerId)).toBe(nameColor(peerId))
        expect(['red', 'magenta']).not.toContain(nameColor(peerId))
      })
    )
  })
})
