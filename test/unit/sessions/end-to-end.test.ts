import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ACCOUNT_ENTRIES } from '../../../node/account/wipe.ts'
import { DM_STATE_DIR } from '../../../node/direct/dm-store.ts'
import { EndToEnd } from '../../../node/sessions/end-to-end.ts'
import { FileSessionVault, MemorySessionVault, SESSIONS_DIR, vaultKey } from '../../../node/sessions/vault.ts'
import { bundleFrom, identityFromSeed } from '../../../protocols/session/index.ts'
import { tempDirs } from '../../support/temp-dirs.ts'

const tempDir = tempDirs('e2e')

const te = new TextEncoder()
const td = new TextDecoder()

async function account(dir: string, seed = crypto.getRandomValues(new Uint8Array(32))) {
  const identity = identityFromSeed(seed)
  return { identity, seed, dir, e2e: await EndToEnd.open(identity, new FileSessionVault(dir, vaultKey(seed))) }
}

describe('EndToEnd with the file vault', () => {
  it('carries sessions across restarts of both sides, and keeps no plaintext on disk', async () => {
    let alice = await account(tempDir())
    let bob = await account(tempDir())
    const first = await alice.e2e.encrypt(
      bob.identity.publicKey,
      te.encode('hello bob'),
      bundleFrom(bob.e2e.published())
    )
    expect(td.decode((await bob.e2e.decrypt(first)).plaintext)).toBe('hello bob')
    // both restart
    alice = await account(alice.dir, alice.seed)
    bob = await account(bob.dir, bob.seed)
    const reply = await bob.e2e.encrypt(alice.identity.publicKey, te.encode('hi alice, after a restart'))
    const opened = await alice.e2e.decrypt(reply)
    expect(td.decode(opened.plaintext)).toBe('hi alice, after a restart')
    expect(opened.sender).toEqual(bob.identity.publicKey)
    for (const who of [alice, bob]) {
      for (const f of readdirSync(join(who.dir, SESSIONS_DIR))) {
        const raw = readFileSync(join(who.dir, SESSIONS_DIR, f)).toString('latin1')
        expect(raw).not.toContain('hello bob')
        expect(raw).not.toContain('after a restart')
      }
    }
  })

  it('records open only with the key derived from the identity, and account destroy removes them', async () => {
    const dir = tempDir()
    const alice = await account(dir)
    const other = new FileSessionVault(dir, vaultKey(crypto.getRandomValues(new Uint8Array(32))))
    expect(await other.read('prekeys')).toBeUndefined()
    expect(await new FileSessionVault(dir, vaultKey(alice.seed)).read('prekeys')).toBeDefined()
    expect(ACCOUNT_ENTRIES).toContain(SESSIONS_DIR)
    expect(ACCOUNT_ENTRIES).toContain(DM_STATE_DIR)
  })

  it('a replayed message is refused after a restart too', async () => {
    let bob = await account(tempDir())
    const alice = await account(tempDir())
    const m = await alice.e2e.encrypt(bob.identity.publicKey, te.encode('once'), bundleFrom(bob.e2e.published()))
    await bob.e2e.decrypt(m)
    bob = await account(bob.dir, bob.seed)
    await expect(bob.e2e.decrypt(m)).rejects.toThrow()
  })
})

describe('EndToEnd with the memory vault', () => {
  it('works with no files at all (--ephemeral)', async () => {
    const a = identityFromSeed(crypto.getRandomValues(new Uint8Array(32)))
    const b = identityFromSeed(crypto.getRandomValues(new Uint8Array(32)))
    const ea = await EndToEnd.open(a, new MemorySessionVault())
    const eb = await EndToEnd.open(b, new MemorySessionVault())
    const m = await ea.encrypt(b.publicKey, te.encode('ephemeral'), bundleFrom(eb.published()))
    expect(td.decode((await eb.decrypt(m)).plaintext)).toBe('ephemeral')
    expect(await new MemorySessionVault().list()).toEqual([])
  })
})
