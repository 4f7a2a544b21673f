import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidMessageError } from '../../../protocols/common/errors.ts'
import {
  BanLists,
  decodeNotice,
  encodeNotice,
  nextBanListVersion,
  type RelayNotice
} from '../../../protocols/notice/index.ts'
import { onlyDecodeErrors } from '../protocols/fuzz.ts'

const peers = await Promise.all(
  [1, 2, 3].map(async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString())
)

const samples: RelayNotice[] = [
  { kind: 'announcement', ts: 1000, text: 'maintenance at noon' },
  { kind: 'message', ts: 1000, text: 'please stop' },
  { kind: 'motd', ts: 1000, text: 'welcome' },
  { kind: 'bans', ts: 1000, bans: { version: 42, peers: [peers[0], peers[1]] } },
  { kind: 'kicked', ts: 1000, peer: peers[2], text: '' },
  { kind: 'banned', ts: 1000, peer: peers[2], text: 'spam' },
  { kind: 'departed', ts: 1000, peer: peers[0], text: '' },
  { kind: 'shutdown', ts: 1000, seconds: 30, text: 'bye' }
]

describe('notice codec', () => {
  it('round-trips every kind', () => {
    for (const notice of samples) {
      expect(decodeNotice(encodeNotice(notice), 1000)).toEqual(notice)
    }
  })

  it('refuses timestamps from the future, empty announcements and huge delays', () => {
    expect(() => decodeNotice(encodeNotice({ kind: 'motd', ts: 10 ** 13, text: 'x' }), 1000)).toThrow(
      InvalidMessageError
    )
    expect(() => decodeNotice(encodeNotice({ kind: 'announcement', ts: 1, text: '  ' }), 1000)).toThrow(
      InvalidMessageError
    )
    expect(() => decodeNotice(encodeNotice({ kind: 'shutdown', ts: 1, seconds: 99_999, text: '' }), 1000)).toThrow(
      InvalidMessageError
    )
  })

  it('decodeNotice throws only named decode errors on random and mutated bytes', () => {
    const frames = samples.map((n) => encodeNotice(n))
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1024 }), (bytes) => onlyDecodeErrors(() => decodeNotice(bytes))),
      { numRuns: 2000 }
    )
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: frames.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 5 }),
        (which, edits) => {
          const bytes = Uint8Array.from(frames[which])
          for (const [i, v] of edits) {
            bytes[i % bytes.length] = v
          }
          return onlyDecodeErrors(() => decodeNotice(bytes))
        }
      ),
      { numRuns: 2000 }
    )
  })
})

describe('BanLists', () => {
  it('keeps the newest list per relay and ignores older ones', () => {
    const lists = new BanLists()
    expect(lists.update('relay1', { version: 5, peers: ['x'] })).toBe(true)
    expect(lists.isBanned('x')).toBe(true)
    expect(lists.update('relay1', { version: 4, peers: [] })).toBe(false)
    expect(lists.isBanned('x')).toBe(true)
    expect(lists.update('relay1', { version: 6, peers: [] })).toBe(true)
    expect(lists.isBanned('x')).toBe(false)
  })

  it('a ban from any relay counts', () => {
    const lists = new BanLists()
    lists.update('relay1', { version: 1, peers: ['x'] })
    lists.update('relay2', { version: 1, peers: ['y'] })
    expect(lists.isBanned('x') && lists.isBanned('y')).toBe(true)
    expect(lists.isBanned('z')).toBe(false)
  })

  it('versions always grow, even when the clock steps back', () => {
    expect(nextBanListVersion(100, 50)).toBe(101)
    expect(nextBanListVersion(100, 500)).toBe(500)
  })
})
