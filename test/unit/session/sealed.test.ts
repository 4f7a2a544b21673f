import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SessionDecryptError } from '../../../protocols/session/errors.ts'
import { bundleFrom, createPrekeyStore, publishedPrekeys } from '../../../protocols/session/prekeys.ts'
import { seal, unseal } from '../../../protocols/session/sealed.ts'
import { acceptSession, encryptMessage, startSession } from '../../../protocols/session/session.ts'
import { newIdentity, text } from './helpers.ts'

describe('sealed sender', () => {
  const alice = newIdentity()
  const bob = newIdentity()
  const store = createPrekeyStore(bob, Date.now())
  const { envelope } = encryptMessage(startSession(alice, bundleFrom(publishedPrekeys(bob, store))), text('secret'))

  it('only the recipient learns the sender, and the session inside still opens', () => {
    const sealed = seal(alice, bob.publicKey, envelope)
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
    // what a relay stores shows neither identity key nor the plaintext
    expect(hex(sealed)).not.toContain(hex(alice.publicKey))
    expect(hex(sealed)).not.toContain(hex(bob.publicKey))
    expect(hex(sealed)).not.toContain(hex(text('secret')))
    const opened = unseal(bob, sealed)
    expect(opened.sender).toEqual(alice.publicKey)
    expect(acceptSession(bob, store, opened.envelope).plaintext).toEqual(text('secret'))
    expect(() => unseal(newIdentity(), sealed)).toThrow(SessionDecryptError)
  })

  it('refuses any changed byte', () => {
    const sealed = seal(alice, bob.publicKey, envelope)
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (at, xor) => {
        const bad = sealed.slice()
        bad[at % bad.length] ^= xor
        expect(() => unseal(bob, bad)).toThrow()
      }),
      { numRuns: 200 }
    )
  })

  it('refuses a seal whose sender differs from the identity the prekey message names', () => {
    const mallory = newIdentity()
    expect(() => unseal(bob, seal(mallory, bob.publicKey, envelope))).toThrow(/different senders/)
  })
})
