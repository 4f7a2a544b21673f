import { scryptAsync } from '@noble/hashes/scrypt.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { nodeScrypt, type ScryptInput, scryptKey } from '../../../node/account/scrypt.ts'

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const MAXMEM = 32 * 1024 * 1024

/** RFC 7914 section 12 (the fourth vector, N = 2^20, is left out for its 1 GiB). */
const RFC_7914 = [
  {
    password: '',
    salt: '',
    input: { N: 16, r: 1, p: 1, dkLen: 64, maxmem: MAXMEM },
    key: '77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906'
  },
  {
    password: 'password',
    salt: 'NaCl',
    input: { N: 1024, r: 8, p: 16, dkLen: 64, maxmem: MAXMEM },
    key: 'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640'
  },
  {
    password: 'pleaseletmein',
    salt: 'SodiumChloride',
    input: { N: 16384, r: 8, p: 1, dkLen: 64, maxmem: MAXMEM },
    key: '7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887'
  }
]

describe('scrypt', () => {
  it.each(RFC_7914)('gives RFC 7914\'s key for "$password" / "$salt"', async ({ password, salt, input, key }) => {
    expect(hex(await scryptKey(password, text(salt), input))).toBe(key)
    expect(hex(await nodeScrypt(password, text(salt), input))).toBe(key)
    expect(hex(await scryptAsync(password, text(salt), input))).toBe(key)
  })

  it("OpenSSL's and the page's implementations agree on any input", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.uint8Array({ maxLength: 32 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 80 }),
        async (password, salt, logN, r, p, dkLen) => {
          const input: ScryptInput = { N: 2 ** logN, r, p, dkLen, maxmem: MAXMEM }
          expect(hex(await nodeScrypt(password, salt, input))).toBe(hex(await scryptAsync(password, salt, input)))
        }
      ),
      { numRuns: 60 }
    )
  })

  it('refuses a derivation that needs more memory than allowed, as the page does', async () => {
    const input = { N: 2 ** 14, r: 8, p: 1, dkLen: 32, maxmem: 1024 * 1024 }
    await expect(nodeScrypt('pw', text('salt'), input)).rejects.toThrow()
    await expect(scryptAsync('pw', text('salt'), input)).rejects.toThrow()
  })
})
