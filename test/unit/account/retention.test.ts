import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidRetentionError } from '../../../node/account/errors.ts'
import {
  DEFAULT_RETENTION,
  formatRetention,
  isExpired,
  type KeptMessage,
  MAX_RETENTION_MS,
  nextExpiry,
  parseRetention,
  parseRetentionSpec,
  placementFor,
  planPurge,
  type RetentionSettings
} from '../../../node/retention.ts'

const H = 3_600_000
const D = 24 * H

describe('parseRetention', () => {
  it.each([
    ['none', { kind: 'none' }],
    ['session', { kind: 'session' }],
    ['forever', { kind: 'forever' }],
    [' Forever ', { kind: 'forever' }],
    ['30s', { kind: 'duration', ms: 30_000, text: '30s' }],
    ['30m', { kind: 'duration', ms: 30 * 60_000, text: '30m' }],
    ['24h', { kind: 'duration', ms: 24 * H, text: '24h' }],
    ['7d', { kind: 'duration', ms: 7 * D, text: '7d' }],
    ['2w', { kind: 'duration', ms: 14 * D, text: '2w' }],
    ['1d12h', { kind: 'duration', ms: 36 * H, text: '1d12h' }],
    ['7D', { kind: 'duration', ms: 7 * D, text: '7d' }],
    ['3650d', { kind: 'duration', ms: MAX_RETENTION_MS, text: '3650d' }]
  ])('%j', (input, policy) => {
    expect(parseRetention(input)).toEqual(policy)
  })

  it.each([
    '',
    ' ',
    'never',
    'keep',
    '5x',
    '7',
    'd7',
    '-1d',
    '1.5h',
    '1 d',
    '0d',
    '0s0m',
    '3651d',
    '9999999999d',
    '1d,2d',
    'forever!',
    '1d'.repeat(20)
  ])('refuses %j with InvalidRetentionError', (input) => {
    expect(() => parseRetention(input)).toThrow(InvalidRetentionError)
  })

  it('says what to type instead', () => {
    expect(() => parseRetention('banana')).toThrow(/none, session, forever or a duration/)
    expect(() => parseRetention('0d')).toThrow(/say none/)
    expect(() => parseRetention('5000d')).toThrow(/forever/)
  })

  it('throws nothing but InvalidRetentionError, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (input) => {
        try {
          const policy = parseRetention(input)
          expect(['none', 'session', 'forever', 'duration']).toContain(policy.kind)
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidRetentionError)
        }
      })
    )
  })

  it('round-trips through formatRetention', () => {
    const policy = fc.oneof(
      fc.constantFrom('none', 'session', 'forever'),
      fc.tuple(fc.integer({ min: 1, max: 3650 }), fc.constantFrom('s', 'm', 'h', 'd')).map(([n, unit]) => `${n}${unit}`)
    )
    fc.assert(
      fc.property(policy, (text) => {
        expect(formatRetention(parseRetention(text))).toBe(text)
      })
    )
  })
})

describe('parseRetentionSpec', () => {
  it('one policy sets every scope', () => {
    const week = parseRetention('7d')
    expect(parseRetentionSpec('7d')).toEqual({ lobby: week, dm: week, groups: week })
  })

  it('scope=policy pairs set only those scopes', () => {
    expect(parseRetentionSpec('lobby=24h, dm=forever')).toEqual({
      lobby: parseRetention('24h'),
      dm: { kind: 'forever' }
    })
    expect(parseRetentionSpec('groups=none')).toEqual({ groups: { kind: 'none' } })
  })

  it.each(['', ',', 'lobby=', 'lobby', 'chat=7d', 'lobby=7d=1', 'lobby=7d,dm', 'dm=5x'])('refuses %j', (input) => {
    expect(() => parseRetentionSpec(input)).toThrow(InvalidRetentionError)
  })
})

describe('placementFor and isExpired', () => {
  const now = 10 * D
  it('none keeps nothing, session memory, durations and forever the disk', () => {
    expect(placementFor({ kind: 'none' }, now, now, true)).toBeUndefined()
    expect(placementFor({ kind: 'session' }, now, now, true)).toBe('memory')
    expect(placementFor(parseRetention('1d'), now, now, true)).toBe('disk')
    expect(placementFor({ kind: 'forever' }, 0, now, true)).toBe('disk')
  })

  it('an ephemeral session never uses the disk', () => {
    expect(placementFor({ kind: 'forever' }, now, now, false)).toBe('memory')
    expect(placementFor(parseRetention('1d'), now, now, false)).toBe('memory')
  })

  it('a message already past its duration is not kept', () => {
    expect(placementFor(parseRetention('1d'), now - D - 1, now, true)).toBeUndefined()
    expect(isExpired(parseRetention('1d'), now - D, now)).toBe(false)
    expect(isExpired(parseRetention('1d'), now - D - 1, now)).toBe(true)
    expect(isExpired({ kind: 'forever' }, 0, now)).toBe(false)
    expect(isExpired({ kind: 'none' }, now, now)).toBe(true)
  })
})

describe('planPurge', () => {
  const now = 100 * D
  const msg = (key: string, scope: string, ageMs: number, where: 'disk' | 'memory'): KeptMessage => ({
    key,
    scope,
    ts: now - ageMs,
    where
  })
  const settings = (s: Partial<Record<keyof RetentionSettings, string>>): RetentionSettings => ({
    ...DEFAULT_RETENTION,
    ...Object.fromEntries(Object.entries(s).map(([k, v]) => [k, parseRetention(v)]))
  })

  it('forever keeps everything where it is', () => {
    const all = [msg('a', 'lobby', 50 * D, 'disk'), msg('b', 'dm', 0, 'disk'), msg('c', 'lobby', 1, 'memory')]
    expect(planPurge(all, settings({}), now, true)).toEqual({ delete: [], toMemory: [], toDisk: [all[2]] })
  })

  it('a duration deletes exactly what is older than it, per scope', () => {
    const old = msg('old', 'lobby', 2 * D, 'disk')
    const fresh = msg('fresh', 'lobby', D - 1, 'disk')
    const oldDm = msg('oldDm', 'dm', 2 * D, 'disk')
    const plan = planPurge([old, fresh, oldDm], settings({ lobby: '1d' }), now, true)
    expect(plan.delete).toEqual([old])
    expect(plan.toMemory).toEqual([])
  })

  it('none deletes the scope from disk and memory', () => {
    const all = [msg('a', 'dm', 0, 'disk'), msg('b', 'dm', 0, 'memory'), msg('c', 'lobby', 0, 'disk')]
    expect(planPurge(all, settings({ dm: 'none' }), now, true).delete).toEqual([all[0], all[1]])
  })

  it('session moves what is on disk into memory, and deletes nothing', () => {
    const all = [msg('a', 'lobby', 5 * D, 'disk'), msg('b', 'lobby', 0, 'memory')]
    expect(planPurge(all, settings({ lobby: 'session' }), now, true)).toEqual({
      delete: [],
      toMemory: [all[0]],
      toDisk: []
    })
  })

  it('group messages follow the groups policy', () => {
    const g = msg('g', 'group', 3 * D, 'disk')
    expect(planPurge([g], settings({ groups: '2d' }), now, true).delete).toEqual([g])
    expect(planPurge([g], settings({ lobby: '1s', dm: '1s' }), now, true).delete).toEqual([])
  })

  it('every message ends up in exactly one bucket or stays, and deleted ones are never kept', () => {
    const arbMsg = fc.record({
      key: fc.uuid(),
      scope: fc.constantFrom('lobby', 'dm', 'group'),
      ts: fc.integer({ min: 0, max: now + 1000 }),
      where: fc.constantFrom<'disk' | 'memory'>('disk', 'memory')
    })
    const arbPolicy = fc.constantFrom('none', 'session', 'forever', '1s', '1h', '7d', '365d')
    fc.assert(
      fc.property(
        fc.array(arbMsg, { maxLength: 30 }),
        arbPolicy,
        arbPolicy,
        arbPolicy,
        fc.boolean(),
        (messages, lobby, dm, groups, persistent) => {
          const s = settings({ lobby, dm, groups })
          const plan = planPurge(messages, s, now, persistent)
          const buckets = [...plan.delete, ...plan.toMemory, ...plan.toDisk]
          expect(new Set(buckets.map((m) => m.key)).size).toBe(buckets.length)
          for (const m of plan.delete) {
            const scope = m.scope === 'group' ? 'groups' : (m.scope as 'lobby' | 'dm')
            expect(isExpired(s[scope], m.ts, now)).toBe(true)
          }
          if (!persistent) {
            expect(plan.toDisk).toEqual([])
          }
        }
      )
    )
  })
})

describe('nextExpiry', () => {
  it('is the earliest ts + duration over duration scopes only', () => {
    const s: RetentionSettings = { lobby: parseRetention('1h'), dm: { kind: 'forever' }, groups: parseRetention('1d') }
    const kept: KeptMessage[] = [
      { key: 'a', scope: 'lobby', ts: 1000, where: 'disk' },
      { key: 'b', scope: 'lobby', ts: 500, where: 'disk' },
      { key: 'c', scope: 'dm', ts: 0, where: 'disk' },
      { key: 'd', scope: 'group', ts: 0, where: 'disk' }
    ]
    expect(nextExpiry(kept, s)).toBe(500 + H)
    expect(nextExpiry(kept.slice(2, 3), s)).toBeUndefined()
    expect(nextExpiry([], s)).toBeUndefined()
  })
})
