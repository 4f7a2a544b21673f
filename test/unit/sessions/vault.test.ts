import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type RecordStore, SealedSessionVault, vaultKey } from '../../../node/sessions/vault.ts'

/** A RecordStore in a Map, as a page's IndexedDB would keep it. */
function mapStore(): RecordStore & { map: Map<string, Uint8Array> } {
  const map = new Map<string, Uint8Array>()
  return {
    map,
    get: async (name) => map.get(name),
    put: async (name, bytes) => {
      map.set(name, bytes.slice())
    },
    list: async () => [...map.keys()],
    del: async (name) => {
      map.delete(name)
    }
  }
}

describe('session records sealed in a record store', () => {
  it('reads back what it wrote, stores only ciphertext, and lists and removes records', async () => {
    const store = mapStore()
    const vault = new SealedSessionVault(store, vaultKey(new Uint8Array(32).fill(7)))
    const record = new TextEncoder().encode('ratchet state')
    await vault.write('peer-abc', record)
    expect(await vault.read('peer-abc')).toEqual(record)
    expect(Buffer.from(store.map.get('peer-abc') ?? []).includes(Buffer.from('ratchet'))).toBe(false)
    expect(await vault.list()).toEqual(['peer-abc'])
    await vault.remove('peer-abc')
    expect(await vault.read('peer-abc')).toBeUndefined()
    await expect(vault.write('../escape', record)).rejects.toThrow(TypeError)
  })

  it('opens nothing sealed under another key or another name, and nothing tampered or truncated', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.nat(), async (record, at) => {
        const store = mapStore()
        const vault = new SealedSessionVault(store, vaultKey(new Uint8Array(32).fill(1)))
        await vault.write('a', record)
        const sealed = store.map.get('a') ?? new Uint8Array()
        expect(await new SealedSessionVault(store, vaultKey(new Uint8Array(32).fill(2))).read('a')).toBeUndefined()
        store.map.set('b', sealed)
        expect(await vault.read('b')).toBeUndefined()
        const tampered = sealed.slice()
        tampered[at % tampered.length] ^= 1
        store.map.set('a', tampered)
        expect(await vault.read('a')).toBeUndefined()
        store.map.set('a', sealed.subarray(0, at % sealed.length))
        expect(await vault.read('a')).toBeUndefined()
      }),
      { numRuns: 50 }
    )
  })
})
