import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { CorruptAccountError } from '../../../node/account/errors.ts'
import {
  type AccountSettings,
  decodeSettings,
  defaultSettings,
  encodeSettings
} from '../../../node/account/settings.ts'
import { parseRetention } from '../../../node/retention.ts'
import { corruptedArb } from '../protocols/fuzz.ts'

let peerA: string
let peerB: string

beforeAll(async () => {
  peerA = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
  peerB = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
})

function full(): AccountSettings {
  return {
    ...defaultSettings(peerA, true, 1_700_000_000_000),
    name: 'alice',
    retention: { lobby: parseRetention('24h'), dm: { kind: 'session' }, groups: { kind: 'none' } },
    blocked: [{ peerId: peerB, name: 'bob', since: 1_700_000_000_001 }]
  }
}

const bytesOf = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o))

describe('account settings file', () => {
  it('round-trips', () => {
    expect(decodeSettings(encodeSettings(full()))).toEqual(full())
    const plain = defaultSettings(peerA, false, 5)
    expect(decodeSettings(encodeSettings(plain))).toEqual(plain)
  })

  it('is readable JSON with the policies as typed', () => {
    const json = JSON.parse(Buffer.from(encodeSettings(full())).toString('utf8'))
    expect(json.retention).toEqual({ lobby: '24h', dm: 'session', groups: 'none' })
    expect(json.blocked[0].name).toBe('bob')
  })

  it('a missing scope falls back to the default policy', () => {
    const json = JSON.parse(Buffer.from(encodeSettings(full())).toString('utf8'))
    json.retention = { lobby: '1d' }
    expect(decodeSettings(bytesOf(json)).retention.dm).toEqual({ kind: 'forever' })
  })

  it.each([
    ['garbage', () => new TextEncoder().encode('{{{')],
    ['not an object', () => bytesOf([1, 2])],
    ['another format', () => bytesOf({ ...JSON.parse('{}'), format: 'x', version: 1 })],
    ['a future version', () => bytesOf({ ...jsonOf(), version: 2 })],
    ['a bad peerId', () => bytesOf({ ...jsonOf(), peerId: 'not-a-peer' })],
    ['a bad name', () => bytesOf({ ...jsonOf(), name: 'has space' })],
    ['a bad policy', () => bytesOf({ ...jsonOf(), retention: { lobby: '5x' } })],
    ['a non-string policy', () => bytesOf({ ...jsonOf(), retention: { dm: 7 } })],
    ['a bad block entry', () => bytesOf({ ...jsonOf(), blocked: [{ peerId: 'x', name: 'bob', since: 1 }] })],
    ['a duplicate block entry', () => bytesOf({ ...jsonOf(), blocked: [...jsonOf().blocked, ...jsonOf().blocked] })],
    ['a negative createdAt', () => bytesOf({ ...jsonOf(), createdAt: -1 })],
    ['invalid UTF-8', () => Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d])]
  ])('refuses %s with CorruptAccountError, saying the key is untouched', (_what, make) => {
    expect(() => decodeSettings(make())).toThrow(CorruptAccountError)
    expect(() => decodeSettings(make())).toThrow(/identity key was not touched/)
  })

  it('returns or throws CorruptAccountError for random and mutated bytes, nothing else', () => {
    const good = encodeSettings(full())
    const mutated = corruptedArb(good)
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }), mutated, fc.json().map(bytesOfText)), (bytes) => {
        try {
          const s = decodeSettings(bytes)
          expect(typeof s.peerId).toBe('string')
        } catch (err) {
          expect(err).toBeInstanceOf(CorruptAccountError)
        }
      }),
      { numRuns: 500 }
    )
  })
})

function jsonOf(): Record<string, unknown> & { blocked: unknown[] } {
  return JSON.parse(Buffer.from(encodeSettings(full())).toString('utf8'))
}

function bytesOfText(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}
