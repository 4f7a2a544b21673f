import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Account } from '../../../node/account/account.ts'
import type { ScryptParams } from '../../../node/account/sealed.ts'
import { TransferStore } from '../../../node/transfers/store.ts'
import { tempDirs } from '../../support/temp-dirs.ts'

const tempDir = tempDirs('leftovers')

const FAST: ScryptParams = { logN: 10, r: 8, p: 1 }

describe('what an account leaves behind', () => {
  it('destroying it removes its partial downloads, and only those', async () => {
    const dataDir = tempDir()
    const downloads = tempDir()
    const account = await Account.create(dataDir)
    const id = randomBytes(16).toString('hex')
    const store = new TransferStore(dataDir)
    await store.open()
    await store.save({
      id,
      direction: 'in',
      peerId: '12D3KooWBob',
      peerName: 'bob',
      name: 'big.iso',
      size: 100,
      sha256: '00'.repeat(32),
      chunkSize: 1024,
      createdAt: 1,
      expiresAt: 2,
      state: 'waiting',
      bytes: 50,
      dir: downloads,
      updatedAt: 2
    })
    const partial = join(downloads, '.p2pchat-partial')
    mkdirSync(partial, { mode: 0o700 })
    writeFileSync(join(partial, `${id}.part`), 'half a download')
    // another account's (or another program's) file in the same folder stays
    writeFileSync(join(partial, `${'f'.repeat(32)}.part`), 'not ours')
    await account.wipe()
    expect(existsSync(join(partial, `${id}.part`))).toBe(false)
    expect(existsSync(join(partial, `${'f'.repeat(32)}.part`))).toBe(true)
    expect(existsSync(join(downloads, 'big.iso'))).toBe(false)
  })

  it('destroying it removes the partial folder once it is empty', async () => {
    const dataDir = tempDir()
    const downloads = tempDir()
    const account = await Account.create(dataDir)
    const id = randomBytes(16).toString('hex')
    const store = new TransferStore(dataDir)
    await store.open()
    await store.save({
      id,
      direction: 'in',
      peerId: '12D3KooWBob',
      peerName: 'bob',
      name: 'x',
      size: 1,
      sha256: '00'.repeat(32),
      chunkSize: 1024,
      createdAt: 1,
      expiresAt: 2,
      state: 'transferring',
      bytes: 0,
      dir: downloads,
      updatedAt: 2
    })
    mkdirSync(join(downloads, '.p2pchat-partial'), { mode: 0o700 })
    writeFileSync(join(downloads, '.p2pchat-partial', `${id}.part`), 'x')
    await account.wipe()
    expect(existsSync(join(downloads, '.p2pchat-partial'))).toBe(false)
  })

  it('setting a passphrase overwrites the old unencrypted key file, not only replaces it', async () => {
    const dir = tempDir()
    const account = await Account.create(dir)
    const raw = account.exportKey()
    // a descriptor on the old file still reaches its blocks after the new file takes its name
    const old = await open(join(dir, 'identity.key'), 'r')
    try {
      await account.setPassphrase('new secret', FAST)
      const { buffer } = await old.read(Buffer.alloc(raw.byteLength), 0, raw.byteLength, 0)
      expect(buffer.equals(Buffer.alloc(raw.byteLength))).toBe(true)
    } finally {
      await old.close()
    }
    expect((await Account.open(dir, async () => 'new secret')).peerId).toBe(account.peerId)
  })
})
