import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type DisplayNames, type OutputEvent, sanitize, toJsonLine, toTextLine } from '../../../cli/output.ts'

const ALICE = { peerId: '12D3KooWAlice', name: 'alice' }
const BOB = { peerId: '12D3KooWBob', name: 'bob' }
// 09:05 local time, whatever the machine's zone
const TS = new Date(2024, 0, 2, 9, 5, 30).getTime()

const names: DisplayNames = (peerId, fallback) => (peerId === ALICE.peerId ? 'alice#ce00' : fallback)

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/

describe('sanitize', () => {
  it.each([
    ['ESC (colour codes)', '\u001b[31mred\u001b[0m', '\uFFFD[31mred\uFFFD[0m'],
    ['BEL', 'ding\u0007', 'ding\uFFFD'],
    ['carriage return (overwrites the line)', 'safe\rEVIL', 'safe\uFFFDEVIL'],
    ['NUL and backspace', 'a\u0000b\u0008', 'a\uFFFDb\uFFFD'],
    ['DEL', 'x\u007f', 'x\uFFFD'],
    ['C1 controls (NEL, CSI)', 'a\u0085b\u009b2J', 'a\uFFFDb\uFFFD2J'],
    ['form feed and vertical tab', 'a\u000cb\u000bc', 'a\uFFFDb\uFFFDc'],
    ['right-to-left override (Trojan Source)', 'abc\u202Efdp.exe', 'abc\uFFFDfdp.exe'],
    ['bidi embeddings and pop', 'a\u202Ab\u202Bc\u202Cd\u202De', 'a\uFFFDb\uFFFDc\uFFFDd\uFFFDe'],
    ['bidi isolates', 'x\u2066y\u2067z\u2068w\u2069', 'x\uFFFDy\uFFFDz\uFFFDw\uFFFD'],
    ['bidi marks', 'a\u200Eb\u200Fc\u061Cd', 'a\uFFFDb\uFFFDc\uFFFDd'],
    ['zero width space, word joiner, BOM', 'ali\u200Bce\u2060!\uFEFF', 'ali\uFFFDce\uFFFD!\uFFFD']
  ])('replaces %s with U+FFFD', (_what, input, output) => {
    expect(sanitize(input)).toBe(output)
  })

  it('keeps tabs, and indents continuation lines', () => {
    expect(sanitize('a\tb')).toBe('a\tb')
    expect(sanitize('line one\nline two')).toBe('line one\n    line two')
  })

  it('leaves ordinary text alone, Unicode included', () => {
    expect(sanitize('héllo 🦊 爱丽丝 — ok?')).toBe('héllo 🦊 爱丽丝 — ok?')
    // ZWJ joins emoji sequences and ZWNJ is part of Persian spelling: both stay
    expect(sanitize('👩\u200D💻 می\u200Cخواهم')).toBe('👩\u200D💻 می\u200Cخواهم')
  })

  it('never lets a control character other than tab and newline through', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 100 }), (text) => {
        const out = sanitize(text)
        expect(UNSAFE.test(out)).toBe(false)
        expect(out.split('\n').length).toBe(text.split('\n').length)
        expect(out.split('\t').length).toBe(text.split('\t').length)
      }),
      { numRuns: 500 }
    )
  })
})

const events: OutputEvent[] = [
  { type: 'ready', peerId: ALICE.peerId, name: 'alice', addrs: ['/ip4/127.0.0.1/tcp/4001'] },
  { type: 'message', id: 'm1', scope: 'lobby', from: BOB, text: 'hi\nthere', ts: TS },
  { type: 'message', id: 'm2', scope: 'dm', from: BOB, to: ALICE, text: 'psst', ts: TS },
  { type: 'sent', id: 'm3', scope: 'lobby', text: 'hello', ts: TS, recipients: 2 },
  { type: 'sent', id: 'm4', scope: 'dm', to: ALICE, text: 'psst', ts: TS },
  { type: 'delivered', id: 'm4', to: ALICE },
  { type: 'users', users: [{ ...ALICE, displayName: 'alice', self: true }] },
  { type: 'join', ...BOB },
  { type: 'leave', ...BOB, reason: 'left' },
  { type: 'help', commands: [{ usage: '/users', description: 'list who is online' }] },
  { type: 'error', code: 'UNKNOWN_USER', message: "no online user called 'carol'" }
]

describe('toJsonLine', () => {
  it.each(events.map((e) => [e.type, e] as const))('%s: one line of JSON that parses back to the event', (_t, e) => {
    const line = toJsonLine(e)
    expect(line).not.toContain('\n')
    expect(JSON.parse(line)).toEqual(e)
  })

  it('has the documented shape for a message', () => {
    expect(JSON.parse(toJsonLine(events[1]))).toStrictEqual({
      type: 'message',
      id: 'm1',
      scope: 'lobby',
      from: { peerId: BOB.peerId, name: 'bob' },
      text: 'hi\nthere',
      ts: TS
    })
  })

  it('escapes control characters in remote text, so a line stays one JSON object', () => {
    const line = toJsonLine({
      type: 'message',
      id: 'x',
      scope: 'lobby',
      from: BOB,
      text: '\u001b]0;pwned\u0007\r\n',
      ts: TS
    })
    expect(UNSAFE.test(line)).toBe(false)
    expect(line).not.toContain('\n')
    expect(JSON.parse(line).text).toBe('\u001b]0;pwned\u0007\r\n')
  })
})

describe('toTextLine', () => {
  it('ready: who we are, where we listen, how to get help', () => {
    expect(toTextLine(events[0], names)).toBe(
      `* you are alice (${ALICE.peerId})\n* listening on /ip4/127.0.0.1/tcp/4001\n* type /help for commands`
    )
    expect(toTextLine({ type: 'ready', peerId: 'p', name: 'a', addrs: [] }, names)).toContain('(no addresses)')
  })

  it('message: time, sender display name and sanitized text; DMs are marked', () => {
    expect(toTextLine(events[1], names)).toBe('[09:05] bob: hi\n    there')
    expect(toTextLine(events[2], names)).toBe('[09:05] [dm] bob: psst')
    const fromAlice: OutputEvent = { type: 'message', id: 'x', scope: 'lobby', from: ALICE, text: 'yo', ts: TS }
    expect(toTextLine(fromAlice, names)).toBe('[09:05] alice#ce00: yo')
    const hostile: OutputEvent = { type: 'message', id: 'x', scope: 'dm', from: BOB, text: '\u001b[2Jgone', ts: TS }
    expect(toTextLine(hostile, names)).toBe('[09:05] [dm] bob: \uFFFD[2Jgone')
  })

  it('sent: our own line, the DM recipient, and a hint when nobody is online', () => {
    expect(toTextLine(events[3], names)).toBe('[09:05] (you): hello')
    expect(toTextLine(events[4], names)).toBe('[09:05] [dm -> alice#ce00] psst')
    const alone: OutputEvent = { type: 'sent', id: 'x', scope: 'lobby', text: 'anyone?', ts: TS, recipients: 0 }
    expect(toTextLine(alone, names)).toBe('[09:05] (you): anyone?\n* nobody else is online yet')
  })

  it('queued says where the DM waits, and /outbox lists what waits', () => {
    const queued: OutputEvent = { type: 'queued', id: 'm9', to: ALICE, via: ['outbox', 'relay:12D3R'] }
    expect(toTextLine(queued, names)).toBe(
      '  queued for alice#ce00 (outbox, relay:12D3R): delivered when they are back'
    )
    expect(toTextLine({ type: 'outbox', dms: [] }, names)).toBe('* the outbox is empty: every DM was delivered')
    const listed: OutputEvent = {
      type: 'outbox',
      dms: [{ id: 'abcdef0123', to: ALICE, via: ['outbox'], ts: TS, expiresAt: Date.UTC(2030, 0, 2) }]
    }
    expect(toTextLine(listed, names)).toBe(
      '* outbox (1):\n  abcdef01 [09:05] to alice#ce00 via outbox, expires 2030-01-02T00:00:00.000Z'
    )
  })

  it('delivered, join and leave name the peer', () => {
    expect(toTextLine(events[5], names)).toBe('  delivered to alice#ce00')
    expect(toTextLine(events[7], names)).toBe('* bob joined')
    expect(toTextLine(events[8], names)).toBe('* bob left')
    expect(toTextLine({ type: 'leave', ...BOB, reason: 'timeout' }, names)).toBe('* bob left (timed out)')
    expect(toTextLine({ type: 'leave', ...BOB, reason: 'unreachable' }, names)).toBe('* bob left (unreachable)')
  })

  it('leave keeps the suffix the peer was shown with, though it is no longer online to look up', () => {
    const gone: OutputEvent = {
      type: 'leave',
      peerId: 'QmGone',
      name: 'alice',
      displayName: 'alice#Gone',
      reason: 'left'
    }
    expect(toTextLine(gone, (_id, fallback) => fallback)).toBe('* alice#Gone left')
  })

  it('users: count and display names, marking ourselves', () => {
    const users: OutputEvent = {
      type: 'users',
      users: [
        { ...ALICE, displayName: 'alice#ce00', self: true },
        { ...BOB, displayName: 'bob', self: false }
      ]
    }
    expect(toTextLine(users, names)).toBe('* online (2): alice#ce00 (you), bob')
  })

  it('users and route: how each connected peer is reached', () => {
    const users: OutputEvent = {
      type: 'users',
      users: [
        { ...ALICE, displayName: 'alice', self: true },
        { ...BOB, displayName: 'bob', self: false, via: 'direct' },
        { peerId: 'carol-id', name: 'carol', displayName: 'carol', self: false, via: 'relay' }
      ]
    }
    expect(toTextLine(users, names)).toBe('* online (3): alice (you), bob (direct), carol (via relay)')
    expect(toTextLine({ type: 'route', ...BOB, via: 'direct' }, names)).toBe('* bob is reached directly')
    expect(toTextLine({ type: 'route', ...BOB, via: 'relay' }, names)).toBe('* bob is reached through the relay')
  })

  it('help: one aligned line per command', () => {
    expect(toTextLine(events[9], names)).toBe(`  ${'/users'.padEnd(28)} list who is online`)
  })

  it('error: the message, sanitized because it can quote a peer', () => {
    expect(toTextLine(events[10], names)).toBe("! no online user called 'carol'")
    const refused: OutputEvent = { type: 'error', code: 'DELIVERY_REFUSED', message: 'refused: \u001b]0;owned\u0007' }
    expect(toTextLine(refused, names)).toBe('! refused: \uFFFD]0;owned\uFFFD')
  })
})
