import { createCipheriv, createHmac, hkdfSync } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { INFO } from '../../../protocols/session/constants.ts'
import { SessionDecryptError } from '../../../protocols/session/errors.ts'
import { decrypt, encrypt, kdfCk, kdfRk } from '../../../protocols/session/kdf.ts'

// Each function is checked against Node's own OpenSSL primitives, composed as section 5.2 of the Double Ratchet
// specification describes them: an independent implementation of the same text.
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n })
const u8 = (b: ArrayBuffer | Buffer) => new Uint8Array(b)

describe('Double Ratchet KDFs and ENCRYPT follow section 5.2 of the specification', () => {
  it('KDF_RK is HKDF-SHA256 with the root key as salt, split into root key and chain key', () => {
    fc.assert(
      fc.property(bytes(32), bytes(32), (rk, dhOut) => {
        const expected = u8(hkdfSync('sha256', dhOut, rk, INFO.rootRatchet, 64))
        const out = kdfRk(rk, dhOut)
        expect(out.rootKey).toEqual(expected.slice(0, 32))
        expect(out.chainKey).toEqual(expected.slice(32))
      })
    )
  })

  it('KDF_CK is HMAC-SHA256 of 0x01 (message key) and 0x02 (next chain key)', () => {
    fc.assert(
      fc.property(bytes(32), (ck) => {
        const out = kdfCk(ck)
        expect(out.messageKey).toEqual(u8(createHmac('sha256', ck).update(Uint8Array.of(1)).digest()))
        expect(out.chainKey).toEqual(u8(createHmac('sha256', ck).update(Uint8Array.of(2)).digest()))
      })
    )
  })

  it('ENCRYPT is AES-256-CBC under HKDF(mk) keys with HMAC-SHA256(AD || ciphertext) appended', () => {
    fc.assert(
      fc.property(bytes(32), fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 100 }), (mk, pt, ad) => {
        const keys = u8(hkdfSync('sha256', mk, new Uint8Array(32), INFO.messageKeys, 80))
        const cipher = createCipheriv('aes-256-cbc', keys.slice(0, 32), keys.slice(64))
        const ct = u8(Buffer.concat([cipher.update(pt), cipher.final()]))
        const tag = u8(createHmac('sha256', keys.slice(32, 64)).update(ad).update(ct).digest())
        const sealed = encrypt(mk, pt, ad)
        expect(sealed).toEqual(new Uint8Array([...ct, ...tag]))
        expect(decrypt(mk, sealed, ad)).toEqual(pt)
      })
    )
  })

  it('DECRYPT refuses any change to the ciphertext, the tag or the associated data', () => {
    fc.assert(
      fc.property(bytes(32), fc.uint8Array({ maxLength: 100 }), fc.nat(), fc.boolean(), (mk, pt, where, inAd) => {
        const ad = Uint8Array.of(1, 2, 3)
        const sealed = encrypt(mk, pt, ad)
        const target = inAd ? ad.slice() : sealed.slice()
        target[where % target.length] ^= 0x40
        const run = () => (inAd ? decrypt(mk, sealed, target) : decrypt(mk, target, ad))
        expect(run).toThrow(SessionDecryptError)
      })
    )
  })
})
