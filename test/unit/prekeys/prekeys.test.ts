import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { lpStream, streamPair } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { IP_REQUEST_BURST, MAX_REQUEST_BYTES, ONE_TIME_BURST_PER_TARGET } from '../../../protocols/prekeys/constants.ts'
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  PrekeyHolder,
  PrekeyService
} from '../../../protocols/prekeys/index.ts'
import {
  createPrekeyStore,
  decodePublished,
  encodePublished,
  InvalidSessionMessageError,
  identityFromSeed,
  type PublishedPrekeys,
  publishedPrekeys,
  SessionBook
} from '../../../protocols/session/index.ts'
import { mutatedArb, onlyDecodeErrors, RUNS, randomBytesArb } from '../protocols/fuzz.ts'

async function account() {
  const key = await generateKeyPair('Ed25519')
  const identity = identityFromSeed(new Uint8Array(key.raw.subarray(0, 32)))
  const store = createPrekeyStore(identity, Date.now())
  return { peer: peerIdFromPrivateKey(key), identity, store, published: publishedPrekeys(identity, store) }
}

/** A relay's prekey service, and clients whose streams reach it through in-memory pairs. */
async function relay(self?: () => PublishedPrekeys | undefined) {
  const relayKey = await generateKeyPair('Ed25519')
  const peerId = peerIdFromPrivateKey(relayKey)
  const registrar = { handle: async () => {}, unhandle: async () => {} }
  const serverFor = (connectionManager: ConstructorParameters<typeof PrekeyService>[0]['connectionManager']) =>
    new PrekeyService({ peerId, registrar, connectionManager, logger: defaultLogger() }, { hold: true, self })
  const server = serverFor({ openStream: async () => Promise.reject(new Error('the relay dials nobody')) })
  const clientFor = async (me: PeerId, ip = '127.0.0.1') => {
    const client = new PrekeyService(
      {
        peerId: me,
        registrar,
        logger: defaultLogger(),
        connectionManager: {
          openStream: async () => {
            const [outbound, inbound] = await streamPair()
            void server.handleStream(inbound, { remotePeer: me, remoteAddr: multiaddr(`/ip4/${ip}/tcp/4001`) })
            return outbound
          }
        }
      },
      {}
    )
    return client
  }
  return { peerId, server, clientFor }
}

describe('prekey codecs', () => {
  it('throw only decode errors on random and mutated requests and responses', () => {
    const valid = fc
      .uint8Array({ minLength: 1, maxLength: 64 })
      .map((peer) => encodeRequest({ op: 'get', peer: new Uint8Array(peer) }))
    fc.assert(
      fc.property(fc.oneof(randomBytesArb, mutatedArb(valid)), (bytes) => {
        return onlyDecodeErrors(() => decodeRequest(bytes)) && onlyDecodeErrors(() => decodeResponse(bytes))
      }),
      { numRuns: RUNS }
    )
  })

  it('published prekeys round-trip, and mutations decode only to InvalidSessionMessageError', async () => {
    const alice = await account()
    const bytes = encodePublished(alice.published)
    expect(decodePublished(bytes)).toEqual(alice.published)
    fc.assert(
      fc.property(mutatedArb(fc.constant(bytes)), (mutated) => {
        try {
          decodePublished(mutated)
          return true
        } catch (err) {
          return err instanceof InvalidSessionMessageError
        }
      }),
      { numRuns: 200 }
    )
  })
})

describe('prekeys protocol', () => {
  it('a relay hands out what a client published, each one-time prekey once, and the bundle starts a session', async () => {
    const { peerId: relayId, clientFor } = await relay()
    const [bob, alice, carol] = await Promise.all([account(), account(), account()])
    await (await clientFor(bob.peer)).publish(relayId, bob.published)
    const first = await (await clientFor(alice.peer)).fetchBundle(relayId, bob.peer)
    const second = await (await clientFor(carol.peer)).fetchBundle(relayId, bob.peer)
    expect(first.oneTimePrekey?.id).not.toBe(second.oneTimePrekey?.id)
    expect(first.kemPrekey.id).not.toBe(second.kemPrekey.id)
    const aliceBook = new SessionBook(alice.identity, alice.store)
    const bobBook = new SessionBook(bob.identity, bob.store)
    const { sealed } = aliceBook.encrypt(bob.identity.publicKey, new TextEncoder().encode('hi bob'), first)
    expect(new TextDecoder().decode(bobBook.decrypt(sealed).plaintext)).toBe('hi bob')
  })

  it('takes only the publisher’s own prekeys, with good signatures', async () => {
    const { peerId: relayId, clientFor } = await relay()
    const [bob, mallory] = await Promise.all([account(), account()])
    const asMallory = await clientFor(mallory.peer)
    await expect(asMallory.publish(relayId, bob.published)).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    const forged = {
      ...mallory.published,
      signedPrekey: { ...mallory.published.signedPrekey, signature: new Uint8Array(64) }
    }
    await expect(asMallory.publish(relayId, forged)).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    await expect(asMallory.fetchBundle(relayId, bob.peer)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('a flood of requesters drains a bounded number of one-time prekeys; later ones get last-resort bundles', async () => {
    const { peerId: relayId, clientFor, server } = await relay()
    const bob = await account()
    await (await clientFor(bob.peer)).publish(relayId, bob.published)
    const bundles = []
    for (let i = 0; i < ONE_TIME_BURST_PER_TARGET + 5; i++) {
      bundles.push(await (await clientFor((await account()).peer)).fetchBundle(relayId, bob.peer))
    }
    const withOneTime = bundles.filter((b) => b.oneTimePrekey != null)
    expect(withOneTime).toHaveLength(ONE_TIME_BURST_PER_TARGET)
    const late = bundles.at(-1)
    expect(late?.kemPrekey.id).toBe(bob.published.lastResortKemPrekey.id)
    // and a last-resort bundle starts a session just as well
    const alice = await account()
    const { sealed } = new SessionBook(alice.identity, alice.store).encrypt(
      bob.identity.publicKey,
      new TextEncoder().encode('still works'),
      late
    )
    expect(new TextDecoder().decode(new SessionBook(bob.identity, bob.store).decrypt(sealed).plaintext)).toBe(
      'still works'
    )
    expect(server.holder?.size).toBe(1)
  })

  it('a peer hands out its own bundle, and nobody else’s', async () => {
    const me = await account()
    const { peerId: relayId, clientFor } = await relay(() => me.published)
    const other = await account()
    const asOther = await clientFor(other.peer)
    // the "relay" here answers with its own prekeys, which are not `me`'s: the client notices
    await expect(asOther.fetchBundle(relayId, relayId)).rejects.toMatchObject({ code: 'BAD_REQUEST' })
  })

  it('answers garbage and oversized requests with BAD_REQUEST, and keeps serving', async () => {
    const { peerId: relayId, server, clientFor } = await relay()
    const mallory = await account()
    for (const frame of [new Uint8Array([0xff, 0xff, 0x01]), new Uint8Array(MAX_REQUEST_BYTES + 10)]) {
      const [outbound, inbound] = await streamPair()
      void server.handleStream(inbound, { remotePeer: mallory.peer, remoteAddr: multiaddr('/ip4/127.0.0.1/tcp/1') })
      const lp = lpStream(outbound, { maxDataLength: 2 * MAX_REQUEST_BYTES })
      await lp.write(frame)
      const answer = decodeResponse(await lp.read())
      expect(answer).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    }
    const bob = await account()
    await (await clientFor(bob.peer)).publish(relayId, bob.published)
  })
})

describe('prekey request budgets', () => {
  it('fresh PeerIds from one address share its allowance: RATE_LIMITED past IP_REQUEST_BURST', async () => {
    const { server } = await relay()
    const from = async (ip: string) => ({
      remotePeer: peerIdFromPrivateKey(await generateKeyPair('Ed25519')),
      remoteAddr: multiaddr(`/ip4/${ip}/tcp/1`)
    })
    const codes: string[] = []
    for (let i = 0; i <= IP_REQUEST_BURST; i++) {
      try {
        server.serve({ op: 'get', peer: new Uint8Array(0) }, await from('10.9.9.9'))
      } catch (err) {
        codes.push((err as { code: string }).code)
      }
    }
    expect(codes.slice(0, IP_REQUEST_BURST).every((c) => c === 'NOT_FOUND')).toBe(true)
    expect(codes.at(-1)).toBe('RATE_LIMITED')
    // another address is not held back by it
    const elsewhere = await from('10.0.0.1')
    expect(() => server.serve({ op: 'get', peer: new Uint8Array(0) }, elsewhere)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' })
    )
  })
})

describe('PrekeyHolder', () => {
  it('holds one set per client, at most MAX per IP and in all; a replacement is always taken', async () => {
    const holder = new PrekeyHolder(3, 2)
    const set = (await account()).published
    holder.publish('a', '10.0.0.1', set)
    holder.publish('b', '10.0.0.1', set)
    expect(() => holder.publish('c', '10.0.0.1', set)).toThrow(expect.objectContaining({ code: 'FULL' }))
    holder.publish('a', '10.0.0.1', set)
    holder.publish('c', '10.0.0.2', set)
    expect(() => holder.publish('d', '10.0.0.3', set)).toThrow(expect.objectContaining({ code: 'FULL' }))
    expect(holder.size).toBe(3)
  })
})
