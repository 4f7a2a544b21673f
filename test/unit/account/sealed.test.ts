import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BadPassphraseError, CorruptBackupError } from '../../../node/account/errors.ts'
import {
  decodeSealed,
  encodeSealed,
  looksSealed,
  type ScryptParams,
  type Sealed,
  seal,
  unseal
} from '../../../node/account/sealed.ts'
import { CorruptIdentityError } from '../../../node/errors.ts'
import { corruptedArb } from '../protocols/fuzz.ts'

/** Cheap parameters: the format and the checks are what is tested here, not scrypt's cost. */
const FAST: ScryptParams = { logN: 10, r: 8, p: 1 }
const secret = new TextEncoder().encode('the raw private key bytes, 0123456789')

describe('seal / unseal', () => {
  it('round-trips with the right passphrase', async () => {
    const sealed = await seal(secret, 'correct horse', 'key', FAST)
    const decoded = decodeSealed(encodeSealed(sealed), 'key')
    expect(await unseal(decoded, 'correct horse')).toEqual(secret)
  })

  it('the file holds neither the plaintext nor the passphrase', async () => {
    const file = encodeSealed(await seal(secret, 'correct horse', 'key', FAST))
    const text = Buffer.from(file)
    expect(text.includes(Buffer.from(secret))).toBe(false)
    expect(text.includes(Buffer.from(secret).toString('base64'))).toBe(false)
    expect(text.includes('correct horse')).toBe(false)
    expect(looksSealed(file)).toBe(true)
  })

  it('a wrong passphrase is BadPassphraseError', async () => {
    const sealed = await seal(secret, 'correct horse', 'key', FAST)
    await expect(unseal(sealed, 'correct hoarse')).rejects.toThrow(BadPassphraseError)
    await expect(unseal(sealed, '')).rejects.toThrow(/wrong passphrase/)
  })

  it('unicode passphrases match across normalisation forms', async () => {
    const sealed = await seal(secret, 'caf\u00e9', 'key', FAST)
    expect(await unseal(sealed, 'cafe\u0301')).toEqual(secret)
  })

  it('two seals of the same key differ (fresh salt and nonce)', async () => {
    const a = await seal(secret, 'pw', 'key', FAST)
    const b = await seal(secret, 'pw', 'key', FAST)
    expect(Buffer.from(a.salt).equals(Buffer.from(b.salt))).toBe(false)
    expect(Buffer.from(a.ciphertext).equals(Buffer.from(b.ciphertext))).toBe(false)
  })

  it('any change to the ciphertext, nonce or authenticated header fails to unseal', async () => {
    const sealed = await seal(secret, 'pw', 'key', FAST)
    const flipped = (bytes: Uint8Array, i: number): Uint8Array => {
      const copy = Uint8Array.from(bytes)
      copy[i % copy.length] ^= 1
      return copy
    }
    const variants: Sealed[] = [
      { ...sealed, ciphertext: flipped(sealed.ciphertext, 3) },
      { ...sealed, nonce: flipped(sealed.nonce, 5) },
      { ...sealed, kdf: { ...sealed.kdf, p: 2 } },
      { ...sealed, purpose: 'backup' }
    ]
    for (const v of variants) {
      await expect(unseal(v, 'pw')).rejects.toThrow(BadPassphraseError)
    }
  })
})

describe('decodeSealed', () => {
  const valid = async (): Promise<Uint8Array> => encodeSealed(await seal(secret, 'pw', 'key', FAST))

  it('refuses a file of the other purpose', async () => {
    const key = await valid()
    expect(() => decodeSealed(Buffer.from(''), 'backup')).toThrow(CorruptBackupError)
    expect(() => decodeSealed(key, 'backup')).toThrow(/holds a key, not a backup/)
  })

  it.each([
    ['not JSON', 'hello'],
    ['an array', '[]'],
    ['wrong format', '{"format":"x","version":1}']
  ])('refuses %s', (_what, text) => {
    expect(() => decodeSealed(new TextEncoder().encode(text), 'key')).toThrow(CorruptIdentityError)
  })

  it('refuses scrypt parameters that would cost gigabytes or minutes', async () => {
    const json = JSON.parse(Buffer.from(await valid()).toString('utf8'))
    for (const patch of [{ logN: 30 }, { logN: 20, r: 32 }, { logN: 18, p: 16 }, { logN: 9 }, { r: 0 }, { p: 1.5 }]) {
      const bytes = new TextEncoder().encode(JSON.stringify({ ...json, ...patch }))
      expect(() => decodeSealed(bytes, 'key')).toThrow(/scrypt parameters out of range/)
    }
  })

  it('refuses bad base64 and short fields', async () => {
    const json = JSON.parse(Buffer.from(await valid()).toString('utf8'))
    for (const patch of [{ salt: 'AAAA' }, { nonce: 'AAAA' }, { ciphertext: '' }, { salt: '!!!!' }, { nonce: 7 }]) {
      const bytes = new TextEncoder().encode(JSON.stringify({ ...json, ...patch }))
      expect(() => decodeSealed(bytes, 'key')).toThrow(CorruptIdentityError)
    }
  })

  it('returns or throws the named error for random and mutated bytes, nothing else', async () => {
    const good = await valid()
    const mutated = corruptedArb(good)
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 600 }), mutated),
        fc.constantFrom('key', 'backup'),
        (bytes, purpose) => {
          try {
            const s = decodeSealed(bytes, purpose as 'key' | 'backup')
            expect(s.nonce.byteLength).toBe(24)
          } catch (err) {
            expect(err).toBeInstanceOf(purpose === 'key' ? CorruptIdentityError : CorruptBackupError)
          }
        }
      ),
      { numRuns: 500 }
    )
  })
})
