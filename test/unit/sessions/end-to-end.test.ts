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

/** A memory vault whose writes fail with ENOSPC while `full` is set, as a full disk does. */
class FillableVault extends MemorySessionVault {
  full = false
  writes = 0

  override async write(name: string, bytes: Uint8Array): Promise<void> {
    if (this.full) {
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })
    }
    this.writes++
    await super.write(name, bytes)
  }
}

describe('EndToEnd when its state cannot be stored', () => {
  async function pair() {
    const a = identityFromSeed(crypto.getRandomValues(new Uint8Array(32)))
    const b = identityFromSeed(crypto.getRandomValues(new Uint8Array(32)))
    const bobVault = new FillableVault()
    const alice = await EndToEnd.open(a, new MemorySessionVault())
    const bob = await EndToEnd.open(b, bobVault)
    return { a, b, alice, bob, bobVault }
  }

  it('a message whose session write failed opens again once the disk has room, instead of counting as seen', async () => {
    const { b, alice, bob, bobVault } = await pair()
    const first = await alice.encrypt(b.publicKey, te.encode('first'), bundleFrom(bob.published()))
    bobVault.full = true
    await expect(bob.decrypt(first)).rejects.toThrow(/ENOSPC/)
    bobVault.full = false
    // before: the session had advanced in memory, so the retry was refused as a duplicate and acknowledged unread
    expect(td.decode((await bob.decrypt(first)).plaintext)).toBe('first')
    const second = await alice.encrypt(b.publicKey, te.encode('second'))
    bobVault.full = true
    await expect(bob.decrypt(second)).rejects.toThrow(/ENOSPC/)
    bobVault.full = false
    expect(td.decode((await bob.decrypt(second)).plaintext)).toBe('second')
  })

  it('a send whose session write failed leaves no trace: no message key serves twice, also after a restart', async () => {
    const { a, b, alice, bob, bobVault } = await pair()
    await bob.decrypt(await alice.encrypt(b.publicKey, te.encode('hi'), bundleFrom(bob.published())))
    // past the sending keys reserved on disk, every send must be stored before it is returned
    bobVault.full = true
    let refused = 0
    for (let i = 0; i < 200 && refused === 0; i++) {
      await bob.encrypt(a.publicKey, te.encode(`reply ${i}`)).then(
        (m) => alice.decrypt(m),
        () => refused++
      )
    }
    expect(refused).toBe(1)
    bobVault.full = false
    const after = await bob.encrypt(a.publicKey, te.encode('after'))
    expect(td.decode((await alice.decrypt(after)).plaintext)).toBe('after')
    // bob restarts from what is stored: before, the failed send's key reserve stayed in memory only, 'after' went
    // out within it unstored, and the restarted bob used its key again (alice: already received)
    const restarted = await EndToEnd.open(b, bobVault)
    for (const text of ['after a restart', 'and once more']) {
      const later = await restarted.encrypt(a.publicKey, te.encode(text))
      expect(td.decode((await alice.decrypt(later)).plaintext)).toBe(text)
    }
  })
})
