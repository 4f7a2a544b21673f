import { describe, expect, it } from 'vitest'
import { parseCommand } from '../../../cli/commands.ts'
import { toTextLine } from '../../../cli/output.ts'
import { parseDuration, parseSize, unquotePath } from '../../../cli/transfer-args.ts'
import { formatBytes, formatEta, percent } from '../../../cli/transfer-format.ts'

describe('transfer commands', () => {
  it('parses /send, /accept, /decline, /cancel and /transfers', () => {
    expect(parseCommand('/send bob ~/My Files/a b.txt')).toEqual({
      type: 'send',
      to: 'bob',
      path: `${process.env.HOME}/My Files/a b.txt`
    })
    expect(parseCommand('/send bob "/tmp/x y.txt"')).toEqual({ type: 'send', to: 'bob', path: '/tmp/x y.txt' })
    expect(parseCommand('/accept ab12')).toEqual({ type: 'accept', id: 'ab12' })
    expect(parseCommand('/accept ab12 /tmp/in box')).toEqual({ type: 'accept', id: 'ab12', dir: '/tmp/in box' })
    expect(parseCommand('/decline ab12')).toEqual({ type: 'decline', id: 'ab12' })
    expect(parseCommand('/cancel ab12')).toEqual({ type: 'cancel', id: 'ab12' })
    expect(parseCommand('/transfers')).toEqual({ type: 'transfers' })
  })

  it('answers bad usage with USAGE', () => {
    for (const line of ['/send bob', '/send', '/accept', '/decline', '/cancel a b']) {
      expect(parseCommand(line)).toMatchObject({ type: 'invalid', code: 'USAGE' })
    }
  })

  it('unquotes pasted paths', () => {
    expect(unquotePath("'/a b/c'", '/home/u')).toBe('/a b/c')
    expect(unquotePath('/a\\ b/c', '/home/u')).toBe('/a b/c')
    expect(unquotePath('~', '/home/u')).toBe('/home/u')
    expect(unquotePath('~x/y', '/home/u')).toBe('~x/y')
  })
})

describe('sizes and durations', () => {
  it('parses sizes', () => {
    expect(parseSize('1024')).toBe(1024)
    expect(parseSize('2MB')).toBe(2 * 1024 ** 2)
    expect(parseSize('1.5 GiB')).toBe(1.5 * 1024 ** 3)
    for (const bad of ['', 'MB', '-1', '5 parsecs', '0']) {
      expect(() => parseSize(bad)).toThrow()
    }
  })

  it('parses durations', () => {
    expect(parseDuration('30')).toBe(30_000)
    expect(parseDuration('90s')).toBe(90_000)
    expect(parseDuration('10m')).toBe(600_000)
    expect(parseDuration('1h')).toBe(3_600_000)
    expect(parseDuration('500ms')).toBe(500)
    expect(() => parseDuration('soon')).toThrow()
  })

  it('formats for people', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1536)).toBe('1.5 KB')
    expect(formatBytes(100 * 1024 ** 2)).toBe('100 MB')
    expect(formatEta(65)).toBe('1:05')
    expect(formatEta(3661)).toBe('1:01:01')
    expect(formatEta(undefined)).toBe('--:--')
    expect(percent(99, 100)).toBe(99)
    expect(percent(999_999, 1_000_000)).toBe(99)
    expect(percent(0, 0)).toBe(100)
  })
})

describe('transfer lines', () => {
  const names = (_: string, fallback: string): string => fallback
  const peer = { peerId: 'P', name: 'mallory' }

  it('marks unknown senders and shows a sanitized original name', () => {
    const line = toTextLine(
      {
        type: 'offer',
        id: 'abcdef01',
        shortId: 'abcdef',
        from: peer,
        known: false,
        name: 'passwd',
        offeredName: '../../etc/passwd\u001b[31m',
        size: 2048,
        sha256: '00',
        expiresAt: Date.now()
      },
      names
    )
    expect(line).toContain('unknown')
    expect(line).toContain('/accept abcdef')
    expect(line).not.toContain('\u001b')
  })

  it('renders progress with rate and ETA', () => {
    const line = toTextLine(
      {
        type: 'progress',
        id: 'x',
        shortId: 'abcdef',
        direction: 'in',
        phase: 'receiving',
        name: 'a.bin',
        bytes: 50 * 1024 ** 2,
        size: 100 * 1024 ** 2,
        rate: 10 * 1024 ** 2,
        etaSeconds: 5
      },
      names
    )
    expect(line).toBe('  [abcdef] receiving a.bin 50% 50 MB/100 MB 10 MB/s ETA 0:05')
  })
})
