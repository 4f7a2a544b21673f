import { hkdfSync } from 'node:crypto'
import { x25519 } from '@noble/curves/ed25519.js'
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'
import { describe, expect, it } from 'vitest'
import { INFO } from '../../../protocols/session/constants.ts'
import { InvalidPrekeyError } from '../../../protocols/session/errors.ts'
import { identityDh } from '../../../protocols/session/identity.ts'
import { initiate, respond } from '../../../protocols/session/pqxdh.ts'
import {
  bundleFrom,
  createPrekeyStore,
  findResponderKeys,
  publishedPrekeys,
  replenish,
  rotateSignedPrekey
} from '../../../protocols/session/prekeys.ts'
import { generateDh } from '../../../protocols/session/ratchet.ts'
import {
  acceptSession,
  decryptMessage,
  encryptMessage,
  isSameSession,
  startSession
} from '../../../protocols/session/session.ts'
import { newIdentity, text } from './helpers.ts'

describe('PQXDH', () => {
  it('derives SK = HKDF(0xFF*32 || DH1 || DH2 || DH3 || DH4 || SS) on both sides, as section 3.3 defines it', () => {
    const alice = newIdentity()
    const bob = newIdentity()
    const store = createPrekeyStore(bob, Date.now())
    const bundle = bundleFrom(publishedPrekeys(bob, store))
    const ek = generateDh()
    const a = initiate(alice, bundle, ek)
    const keys = findResponderKeys(store, a.prekeyHeader)
    const b = respond(bob, keys, a.prekeyHeader)
    expect(b.sharedKey).toEqual(a.sharedKey)
    expect(b.associatedData).toEqual(new Uint8Array([...alice.publicKey, ...bob.publicKey]))

    // Recomputed independently from the spec's formula with Node's HKDF.
    const dh = (sk: Uint8Array, pk: Uint8Array) => x25519.getSharedSecret(sk, pk)
    const ss = ml_kem768.decapsulate(a.prekeyHeader.kemCiphertext, keys.kem.secretKey)
    const km = [
      new Uint8Array(32).fill(0xff),
      dh(identityDh(alice).secretKey, bundle.signedPrekey.publicKey),
      dh(ek.secretKey, identityDh(bob).publicKey),
      dh(ek.secretKey, bundle.signedPrekey.publicKey),
      dh(ek.secretKey, bundle.oneTimePrekey?.publicKey ?? new Uint8Array()),
      ss
    ]
    const expected = new Uint8Array(hkdfSync('sha256', Buffer.concat(km), new Uint8Array(32), INFO.pqxdh, 32))
    expect(a.sharedKey).toEqual(expected)
  })

  it('refuses a bundle whose prekey signatures do not verify under its identity key', () => {
    const alice = newIdentity()
    const bob = newIdentity()
    const bundle = bundleFrom(publishedPrekeys(bob, createPrekeyStore(bob, Date.now())))
    const otherIdentity = { ...bundle, identityKey: newIdentity().publicKey }
    const forgedPrekey = { ...bundle, signedPrekey: { ...bundle.signedPrekey, publicKey: generateDh().publicKey } }
    const forgedKem = { ...bundle, kemPrekey: { ...bundle.kemPrekey, id: bundle.kemPrekey.id + 1 } }
    for (const b of [otherIdentity, forgedPrekey, forgedKem]) {
      expect(() => startSession(alice, b)).toThrow(InvalidPrekeyError)
    }
  })

  it('starts a session from published prekeys; the responder answers; one-time prekeys are used once', () => {
    const alice = newIdentity()
    const bob = newIdentity()
    let store = createPrekeyStore(bob, Date.now())
    const published = publishedPrekeys(bob, store)
    let aliceSession = startSession(alice, bundleFrom(published))
    const first = encryptMessage(aliceSession, text('hello bob'))
    const second = encryptMessage(first.session, text('are you there?'))
    aliceSession = second.session
    expect(first.envelope.prekey).toBeDefined()

    const accepted = acceptSession(bob, store, second.envelope)
    expect(accepted.plaintext).toEqual(text('are you there?'))
    expect(accepted.store.oneTime.length).toBe(store.oneTime.length - 1)
    expect(accepted.store.oneTimeKem.length).toBe(store.oneTimeKem.length - 1)
    store = accepted.store
    let bobSession = accepted.session
    // A later prekey message of the same session goes to the session, not to acceptSession.
    expect(isSameSession(bobSession, first.envelope)).toBe(true)
    const late = decryptMessage(bobSession, first.envelope)
    bobSession = late.session
    expect(late.plaintext).toEqual(text('hello bob'))
    // Someone replaying the initial message to start a second session finds the one-time prekeys gone.
    expect(() => acceptSession(bob, store, first.envelope)).toThrow(InvalidPrekeyError)

    const reply = encryptMessage(bobSession, text('yes'))
    expect(reply.envelope.prekey).toBeUndefined()
    const opened = decryptMessage(aliceSession, reply.envelope)
    expect(opened.plaintext).toEqual(text('yes'))
    expect(opened.session.pendingPrekey).toBeUndefined()
    expect(encryptMessage(opened.session, text('good')).envelope.prekey).toBeUndefined()
  })

  it('works with the last-resort KEM prekey and no one-time prekey once those run out', () => {
    const alice = newIdentity()
    const bob = newIdentity()
    const store = { ...createPrekeyStore(bob, Date.now()), oneTime: [], oneTimeKem: [] }
    const bundle = bundleFrom(publishedPrekeys(bob, store))
    expect(bundle.oneTimePrekey).toBeUndefined()
    expect(bundle.kemPrekey.id).toBe(store.lastResortKem.id)
    const first = encryptMessage(startSession(alice, bundle), text('hi'))
    const accepted = acceptSession(bob, store, first.envelope)
    expect(accepted.plaintext).toEqual(text('hi'))
    expect(accepted.store.lastResortKem).toBe(store.lastResortKem)
  })

  it('a failed first message consumes no prekey, and a message for another identity does not open', () => {
    const alice = newIdentity()
    const bob = newIdentity()
    const store = createPrekeyStore(bob, Date.now())
    const first = encryptMessage(startSession(alice, bundleFrom(publishedPrekeys(bob, store))), text('hi'))
    const tampered = {
      ...first.envelope,
      message: { ...first.envelope.message, ciphertext: first.envelope.message.ciphertext.slice(1) }
    }
    expect(() => acceptSession(bob, store, tampered)).toThrow()
    const impostor = { ...first.envelope, prekey: { ...first.envelope.prekey!, identityKey: newIdentity().publicKey } }
    expect(() => acceptSession(bob, store, impostor)).toThrow()
    expect(acceptSession(bob, store, first.envelope).plaintext).toEqual(text('hi'))
  })

  it('replenishes one-time prekeys below half and rotates the signed prekey weekly, keeping the old one a while', () => {
    const bob = newIdentity()
    const t0 = Date.now()
    const store = createPrekeyStore(bob, t0)
    const used = { ...store, oneTime: store.oneTime.slice(15), oneTimeKem: store.oneTimeKem.slice(15) }
    const refilled = replenish(bob, used)
    expect(refilled.oneTime.length).toBe(store.oneTime.length)
    expect(new Set([...refilled.oneTime, ...refilled.oneTimeKem].map((k) => k.id)).size).toBe(2 * store.oneTime.length)
    const week = 7 * 24 * 3600 * 1000
    expect(rotateSignedPrekey(bob, store, t0 + week - 1)).toBe(store)
    const rotated = rotateSignedPrekey(bob, store, t0 + week)
    expect(rotated.signed.id).not.toBe(store.signed.id)
    expect(rotated.previousSigned).toBe(store.signed)
    const ids = { signedPrekeyId: store.signed.id, kemPrekeyId: store.lastResortKem.id }
    expect(findResponderKeys(rotated, ids).signed).toBe(store.signed)
    const muchLater = rotateSignedPrekey(
      bob,
      rotateSignedPrekey(bob, rotated, t0 + 31 * 24 * 3600 * 1000),
      t0 + 32 * 24 * 3600 * 1000
    )
    expect(() => findResponderKeys(muchLater, ids)).toThrow(InvalidPrekeyError)
  })
})
