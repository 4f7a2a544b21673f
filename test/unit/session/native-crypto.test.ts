import { cbc } from '@noble/ciphers/aes.js'
import { ed25519, x25519 as noble } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes } from '@noble/hashes/utils.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { INFO } from '../../../protocols/session/constants.ts'
import { SessionDecryptError } from '../../../protocols/session/errors.ts'
import { identityDh, identityDhPublic, identityFromSeed } from '../../../protocols/session/identity.ts'
import { decrypt, encrypt } from '../../../protocols/session/kdf.ts'
import { ephemeralDh } from '../../../protocols/session/ratchet.ts'
import { ephemeralSharedSecret, publicKeyOf, randomSecretKey, sharedSecret } from '../../../protocols/session/x25519.ts'

const key = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => new Uint8Array(b))

describe('X25519 (native in Node, noble in a page)', () => {
  it('agrees with noble on public keys and shared secrets of any 32 bytes', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        expect(publicKeyOf(a)).toEqual(noble.getPublicKey(a))
        const bPublic = noble.getPublicKey(b)
        expect(sharedSecret(a, bPublic)).toEqual(noble.getSharedSecret(a, bPublic))
        expect(sharedSecret(b, publicKeyOf(a))).toEqual(sharedSecret(a, bPublic))
      }),
      { numRuns: 100 }
    )
  })

  it('refuses a low-order public key (an all-zero result), as noble does', () => {
    const secret = randomSecretKey()
    for (const point of [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31))]) {
      expect(() => noble.getSharedSecret(secret, point)).toThrow()
      expect(() => sharedSecret(secret, point)).toThrow()
    }
  })
})

describe('keys kept between DMs (identity keys, native key objects)', () => {
  it("our identity pair and peers' identity keys are the ones RFC 7748 and the Ed25519 map give, call after call", () => {
    fc.assert(
      fc.property(key, (seed) => {
        const identity = identityFromSeed(seed)
        const secretKey = ed25519.utils.toMontgomerySecret(seed)
        for (let i = 0; i < 2; i++) {
          expect(identityDh(identity)).toEqual({ secretKey, publicKey: noble.getPublicKey(secretKey) })
          expect(identityDhPublic(identity.publicKey)).toEqual(ed25519.utils.toMontgomery(identity.publicKey))
        }
        // the kept pair works in a DH as a fresh copy of it does
        const other = randomSecretKey()
        expect(sharedSecret(identityDh(identity).secretKey, publicKeyOf(other))).toEqual(
          noble.getSharedSecret(secretKey, publicKeyOf(other))
        )
      }),
      { numRuns: 50 }
    )
  })

  it("a caller changing the key it was handed does not change the next caller's", () => {
    const { publicKey } = identityFromSeed(randomSecretKey())
    const first = identityDhPublic(publicKey)
    const expected = Uint8Array.from(first)
    first.fill(0)
    expect(identityDhPublic(publicKey)).toEqual(expected)
  })

  it('an ephemeral DH gives the public key and secret its peer computes, and refuses low-order keys', () => {
    fc.assert(
      fc.property(key, (peerSecret) => {
        const { publicKey, shared } = ephemeralSharedSecret(noble.getPublicKey(peerSecret))
        expect(noble.getSharedSecret(peerSecret, publicKey)).toEqual(shared)
        expect(publicKey).toHaveLength(32)
      }),
      { numRuns: 50 }
    )
    for (const point of [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31))]) {
      expect(() => ephemeralDh(point)).toThrow(SessionDecryptError)
    }
  })
})

describe('message encryption (native AES-CBC and HMAC in Node, noble in a page)', () => {
  it('gives the bytes the specification (and noble) gives, and opens them again', () => {
    const te = new TextEncoder()
    fc.assert(
      fc.property(key, fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 80 }), (mk, pt, ad) => {
        const plaintext = new Uint8Array(pt)
        const associatedData = new Uint8Array(ad)
        const out = hkdf(sha256, mk, new Uint8Array(32), te.encode(INFO.messageKeys), 80)
        const ciphertext = cbc(out.slice(0, 32), out.slice(64)).encrypt(plaintext)
        const expected = concatBytes(
          ciphertext,
          hmac(sha256, out.slice(32, 64), concatBytes(associatedData, ciphertext))
        )
        const sealed = encrypt(mk, plaintext, associatedData)
        expect(sealed).toEqual(expected)
        expect(decrypt(mk, sealed, associatedData)).toEqual(plaintext)
      }),
      { numRuns: 100 }
    )
  })
})
