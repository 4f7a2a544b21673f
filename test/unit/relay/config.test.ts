import { describe, expect, it } from 'vitest'
import { MAILBOX_DEFAULTS } from '../../../protocols/mailbox/index.ts'
import { DEFAULT_CONFIG, LIVE_SETTINGS, mailboxSettings, parseSetting, validateConfig } from '../../../relay/config.ts'
import { ConfigError } from '../../../relay/errors.ts'

function keyOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as ConfigError).key
  }
  throw new Error('no error')
}

describe('relay config', () => {
  it('fills in defaults for missing keys', () => {
    expect(validateConfig({})).toEqual(DEFAULT_CONFIG)
    expect(validateConfig({ motd: 'hi' }).motd).toBe('hi')
  })

  it('names the key of a bad value', () => {
    expect(keyOf(() => validateConfig({ maxConnections: 'many' }))).toBe('maxConnections')
    expect(keyOf(() => validateConfig({ maxConnections: 0 }))).toBe('maxConnections')
    expect(keyOf(() => validateConfig({ snapshotIntervalSeconds: 1.5 }))).toBe('snapshotIntervalSeconds')
    expect(keyOf(() => validateConfig({ listen: ['not an address'] }))).toBe('listen')
    expect(keyOf(() => validateConfig({ listen: [] }))).toBe('listen')
    expect(keyOf(() => validateConfig({ motd: 7 }))).toBe('motd')
    expect(keyOf(() => validateConfig({ maxMessageBytes: 5000 }))).toBe('maxMessageBytes')
  })

  it('refuses unknown keys (typos) by name', () => {
    expect(keyOf(() => validateConfig({ maxConection: 5 }))).toBe('maxConection')
    expect(() => validateConfig({ maxConection: 5 })).toThrow(/unknown key 'maxConection'/)
  })

  it('refuses what is not an object', () => {
    expect(() => validateConfig([])).toThrow(ConfigError)
    expect(() => validateConfig('x')).toThrow(ConfigError)
  })

  it('parses typed setting values', () => {
    expect(parseSetting('maxConnections', '50')).toEqual({ maxConnections: 50 })
    expect(parseSetting('motd', 'hello there')).toEqual({ motd: 'hello there' })
    expect(parseSetting('listen', '/ip4/0.0.0.0/tcp/1, /ip4/0.0.0.0/tcp/2/ws')).toEqual({
      listen: ['/ip4/0.0.0.0/tcp/1', '/ip4/0.0.0.0/tcp/2/ws']
    })
    expect(parseSetting('announce', '["/dns4/chat.example.com/tcp/4100"]')).toEqual({
      announce: ['/dns4/chat.example.com/tcp/4100']
    })
    expect(keyOf(() => parseSetting('maxConnections', 'lots'))).toBe('maxConnections')
    expect(keyOf(() => parseSetting('nope', '1'))).toBe('nope')
  })

  it('holds the mailbox settings: 7-day mail by default, bounded, live, and mapped onto the mailbox', () => {
    expect(mailboxSettings(DEFAULT_CONFIG)).toEqual(MAILBOX_DEFAULTS)
    expect(parseSetting('mailTtlSeconds', '86400')).toEqual({ mailTtlSeconds: 86_400 })
    expect(keyOf(() => parseSetting('mailTtlSeconds', '10'))).toBe('mailTtlSeconds')
    expect(keyOf(() => parseSetting('mailMaxPerRecipient', '0'))).toBe('mailMaxPerRecipient')
    const config = validateConfig({ mailTtlSeconds: 3600, mailMaxPerRecipient: 5 })
    expect(mailboxSettings(config)).toMatchObject({ ttlMs: 3_600_000, maxMailsPerRecipient: 5 })
    for (const key of Object.keys(DEFAULT_CONFIG).filter((k) => k.startsWith('mail'))) {
      expect(LIVE_SETTINGS.has(key as keyof typeof DEFAULT_CONFIG)).toBe(true)
    }
  })
})
