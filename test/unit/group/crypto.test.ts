import { describe, expect, it } from 'vitest'
import {
  deriveGroupId,
  isGroupId,
  openFrame,
  randomKey,
  sealFrame,
  unwrapIdentity,
  unwrapKey,
  wrapKey
} from '../../../protocols/group/crypto.ts'
import { DecryptionError } from '../../../protocols/group/errors.ts'
import { people } from './fixtures.ts'

describe('group crypto', () => {
  it('derives a well-formed group id that depends on both the owner key and the nonce', async () => {
    const [a, b] = await people('a', 'b')
    const nonce = new Uint8Array(16).fill(1)
    const id = deriveGroupId(a.raw, nonce)
    expect(isGroupId(id)).toBe(true)
    expect(deriveGroupId(b.raw, nonce)).not.toBe(id)
    expect(deriveGroupId(a.raw, new Uint8Array(16).fill(2))).not.toBe(id)
  })

  it('seals a key so that each recipient, and nobody else, opens it', async () => {
    const [alice, bob, eve] = await people('alice', 'bob', 'eve')
    const key = randomKey()
    const ctx = { groupId: 'g'.repeat(26), seq: 3, keyId: new Uint8Array(0) }
    const { ephemeral, wrapped } = wrapKey(key, [alice.raw, bob.raw], ctx)
    expect(unwrapKey(unwrapIdentity(alice.key), ephemeral, wrapped, ctx)).toEqual(key)
    expect(unwrapKey(unwrapIdentity(bob.key), ephemeral, wrapped, ctx)).toEqual(key)
    expect(unwrapKey(unwrapIdentity(eve.key), ephemeral, wrapped, ctx)).toBeUndefined()
    // eve relabels bob's sealed key as hers: it still only opens with bob's key, so not for her
    const stolen = wrapped.map((w) => ({ ...w, recipient: eve.raw }))
    expect(unwrapKey(unwrapIdentity(eve.key), ephemeral, stolen, ctx)).toBeUndefined()
  })

  it('binds a sealed key to its group, position and key id', async () => {
    const [bob] = await people('bob')
    const key = randomKey()
    const ctx = { groupId: 'g'.repeat(26), seq: 3, keyId: new Uint8Array(0) }
    const { ephemeral, wrapped } = wrapKey(key, [bob.raw], ctx)
    const me = unwrapIdentity(bob.key)
    expect(unwrapKey(me, ephemeral, wrapped, { ...ctx, seq: 4 })).toBeUndefined()
    expect(unwrapKey(me, ephemeral, wrapped, { ...ctx, groupId: 'h'.repeat(26) })).toBeUndefined()
    expect(unwrapKey(me, ephemeral, wrapped, { ...ctx, keyId: new Uint8Array(16) })).toBeUndefined()
  })

  it('opens a sealed frame only with its key, group and key id, and only unmodified', () => {
    const key = randomKey()
    const keyId = new Uint8Array(16).fill(9)
    const groupId = 'g'.repeat(26)
    const plaintext = new TextEncoder().encode('meet at noon')
    const { nonce, sealed } = sealFrame(key, groupId, keyId, plaintext)
    expect(openFrame(key, groupId, keyId, nonce, sealed)).toEqual(plaintext)
    expect(Buffer.from(sealed).includes(Buffer.from('meet at noon'))).toBe(false)
    expect(() => openFrame(randomKey(), groupId, keyId, nonce, sealed)).toThrow(DecryptionError)
    expect(() => openFrame(key, 'h'.repeat(26), keyId, nonce, sealed)).toThrow(DecryptionError)
    expect(() => openFrame(key, groupId, new Uint8Array(16), nonce, sealed)).toThrow(DecryptionError)
    const flipped = Uint8Array.from(sealed)
    flipped[0] ^= 1
    expect(() => openFrame(key, groupId, keyId, nonce, flipped)).toThrow(DecryptionError)
  })
})
