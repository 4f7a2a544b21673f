import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import {
  AdminRefusedError,
  decodeRequest,
  encodeRequest,
  FRESHNESS_WINDOW_MS,
  ReplayCache,
  signRequest,
  type VerifyContext,
  verifyRequest
} from '../../../protocols/admin/index.ts'

const relayKey = await generateKeyPair('Ed25519')
const adminKey = await generateKeyPair('Ed25519')
const otherKey = await generateKeyPair('Ed25519')
const relay = peerIdFromPrivateKey(relayKey).toString()
const admin = peerIdFromPrivateKey(adminKey).toString()
const other = peerIdFromPrivateKey(otherKey).toString()
const NOW = 1_800_000_000_000

function ctx(over: Partial<VerifyContext> = {}): VerifyContext {
  return {
    relay,
    sender: admin,
    now: NOW,
    isAdmin: (p) => p === admin,
    replay: new ReplayCache(),
    ...over
  }
}

async function signed(key: PrivateKey = adminKey, over: Partial<Parameters<typeof signRequest>[1]> = {}) {
  return signRequest(key, { relay, command: 'kick', args: ['mallory'], now: NOW, ...over })
}

async function refusal(frame: Uint8Array, context: VerifyContext): Promise<string> {
  try {
    await verifyRequest(frame, context)
  } catch (err) {
    expect(err).toBeInstanceOf(AdminRefusedError)
    return (err as AdminRefusedError).code
  }
  throw new Error('request was accepted')
}

describe('verifyRequest', () => {
  it('accepts a fresh request signed and sent by an admin', async () => {
    const verified = await verifyRequest(await signed(), ctx())
    expect(verified).toEqual({ signer: admin, command: 'kick', args: ['mallory'], ts: NOW })
  })

  it('refuses the same request a second time', async () => {
    const frame = await signed()
    const context = ctx()
    await verifyRequest(frame, context)
    expect(await refusal(frame, context)).toBe('REPLAYED')
  })

  it('refuses a request from a non-admin', async () => {
    expect(await refusal(await signed(otherKey), ctx({ sender: other }))).toBe('NOT_ADMIN')
  })

  it('refuses a signature that does not match', async () => {
    const { commandBytes, signature } = decodeRequest(await signed())
    const bad = Uint8Array.from(signature)
    bad[0] ^= 1
    expect(await refusal(encodeRequest({ commandBytes, signature: bad }), ctx())).toBe('BAD_SIGNATURE')
    // an admin's command with someone else's signature
    const { signature: foreign } = decodeRequest(await signed(otherKey))
    expect(await refusal(encodeRequest({ commandBytes, signature: foreign }), ctx())).toBe('BAD_SIGNATURE')
  })

  it("refuses an admin's request sent by someone else", async () => {
    expect(await refusal(await signed(), ctx({ sender: other }))).toBe('WRONG_SIGNER')
  })

  it('refuses a request made for another relay', async () => {
    expect(await refusal(await signed(adminKey, { relay: other }), ctx())).toBe('WRONG_RELAY')
  })

  it('refuses stale and future requests, accepts within the window', async () => {
    expect(await refusal(await signed(adminKey, { now: NOW - FRESHNESS_WINDOW_MS - 1 }), ctx())).toBe('STALE_REQUEST')
    expect(await refusal(await signed(adminKey, { now: NOW + FRESHNESS_WINDOW_MS + 1 }), ctx())).toBe('STALE_REQUEST')
    await verifyRequest(await signed(adminKey, { now: NOW - FRESHNESS_WINDOW_MS + 1 }), ctx())
  })

  it('refuses unknown commands and wrong argument counts', async () => {
    expect(await refusal(await signed(adminKey, { command: 'explode', args: [] }), ctx())).toBe('UNKNOWN_COMMAND')
    expect(await refusal(await signed(adminKey, { command: 'kick', args: [] }), ctx())).toBe('USAGE')
  })

  it('refuses garbage as BAD_REQUEST and oversized frames as MESSAGE_TOO_LARGE', async () => {
    expect(await refusal(randomBytes(100), ctx())).toBe('BAD_REQUEST')
    expect(await refusal(new Uint8Array(64 * 1024), ctx())).toBe('MESSAGE_TOO_LARGE')
  })

  it('a replay stays refused until it has also gone stale', async () => {
    const frame = await signed()
    const replay = new ReplayCache()
    await verifyRequest(frame, ctx({ replay }))
    for (const later of [1, FRESHNESS_WINDOW_MS / 2, FRESHNESS_WINDOW_MS]) {
      expect(await refusal(frame, ctx({ replay, now: NOW + later }))).toBe('REPLAYED')
    }
    expect(await refusal(frame, ctx({ replay, now: NOW + FRESHNESS_WINDOW_MS + 1 }))).toBe('STALE_REQUEST')
  })
})

describe('ReplayCache', () => {
  it('forgets keys after the ttl', () => {
    const cache = new ReplayCache({ ttlMs: 100 })
    expect(cache.check('a', 0)).toBe('fresh')
    expect(cache.check('a', 99)).toBe('replayed')
    expect(cache.check('a', 100)).toBe('fresh')
  })

  it('refuses new keys when full of live ones instead of forgetting one', () => {
    const cache = new ReplayCache({ ttlMs: 100, maxEntries: 2 })
    expect(cache.check('a', 0)).toBe('fresh')
    expect(cache.check('b', 1)).toBe('fresh')
    expect(cache.check('c', 2)).toBe('full')
    expect(cache.check('a', 3)).toBe('replayed')
    expect(cache.check('c', 100)).toBe('fresh')
    expect(cache.size).toBe(2)
  })
})
