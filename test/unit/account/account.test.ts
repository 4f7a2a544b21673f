import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { Account } from '../../../node/account/account.ts'
import {
  AccountExistsError,
  BadPassphraseError,
  CorruptAccountError,
  NoAccountError,
  PassphraseRequiredError
} from '../../../node/account/errors.ts'
import type { ScryptParams } from '../../../node/account/sealed.ts'
import { CorruptIdentityError } from '../../../node/errors.ts'
import { parseRetention } from '../../../node/retention.ts'
import { filesContaining } from '../../support/scan.ts'
import { tempDirs } from '../../support/temp-dirs.ts'

const tempDir = tempDirs('account')

const FAST: ScryptParams = { logN: 10, r: 8, p: 1 }

const given = (passphrase: string) => async () => passphrase

describe('Account', () => {
  it('creates, then opens the same identity and settings', async () => {
    const dir = join(tempDir(), 'new')
    const created = await Account.create(dir, { name: 'alice', retention: { lobby: parseRetention('7d') } })
    const opened = await Account.open(dir)
    expect(opened.peerId).toBe(created.peerId)
    expect(opened.settings.name).toBe('alice')
    expect(opened.settings.retention.lobby).toEqual(parseRetention('7d'))
    expect(opened.settings.ownsDataDir).toBe(true)
    expect(opened.encrypted).toBe(false)
  })

  it('with a passphrase, the key file never holds the raw key, and opens only with that passphrase', async () => {
    const dir = tempDir()
    const created = await Account.create(dir, { passphrase: 'hunter2 but longer', scrypt: FAST })
    const raw = created.exportKey()
    expect(filesContaining(dir, raw)).toEqual([])
    expect(filesContaining(dir, raw.subarray(4, 36))).toEqual([])
    expect(filesContaining(dir, 'hunter2')).toEqual([])
    const opened = await Account.open(dir, given('hunter2 but longer'))
    expect(opened.peerId).toBe(created.peerId)
    expect(opened.encrypted).toBe(true)
  })

  it('a wrong passphrase is refused and changes nothing', async () => {
    const dir = tempDir()
    await Account.create(dir, { passphrase: 'right', scrypt: FAST })
    const before = [readFileSync(join(dir, 'identity.key')), readFileSync(join(dir, 'account.json'))]
    await expect(Account.open(dir, given('wrong'))).rejects.toThrow(BadPassphraseError)
    await expect(Account.open(dir)).rejects.toThrow(PassphraseRequiredError)
    expect([readFileSync(join(dir, 'identity.key')), readFileSync(join(dir, 'account.json'))]).toEqual(before)
  })

  it('adopts an identity key from before accounts instead of replacing it', async () => {
    const dir = tempDir()
    const key = await generateKeyPair('Ed25519')
    writeFileSync(join(dir, 'identity.key'), privateKeyToProtobuf(key))
    const account = await Account.openOrCreate(dir)
    expect(account.peerId).toBe(peerIdFromPrivateKey(key).toString())
    expect(existsSync(join(dir, 'account.json'))).toBe(true)
    expect(account.settings.ownsDataDir).toBe(false)
    expect((await Account.open(dir)).peerId).toBe(account.peerId)
  })

  it('setPassphrase encrypts an existing key in place; removing it decrypts', async () => {
    const dir = tempDir()
    const account = await Account.create(dir)
    const raw = account.exportKey()
    expect(filesContaining(dir, raw)).toHaveLength(1)
    await account.setPassphrase('new secret', FAST)
    expect(filesContaining(dir, raw)).toEqual([])
    expect((await Account.open(dir, given('new secret'))).peerId).toBe(account.peerId)
    await account.setPassphrase(undefined)
    expect((await Account.open(dir)).peerId).toBe(account.peerId)
  })

  it('create refuses where an account exists', async () => {
    const dir = tempDir()
    await Account.create(dir)
    await expect(Account.create(dir)).rejects.toThrow(AccountExistsError)
  })

  it('open refuses an empty directory instead of inventing an account', async () => {
    await expect(Account.open(tempDir())).rejects.toThrow(NoAccountError)
  })

  it('a corrupt account file is an error, and the identity key is left alone', async () => {
    const dir = tempDir()
    await Account.create(dir)
    const key = readFileSync(join(dir, 'identity.key'))
    writeFileSync(join(dir, 'account.json'), '{"format":"p2pchat-account","version":1,"peerId":')
    await expect(Account.open(dir)).rejects.toThrow(CorruptAccountError)
    await expect(Account.openOrCreate(dir)).rejects.toThrow(CorruptAccountError)
    expect(readFileSync(join(dir, 'identity.key'))).toEqual(key)
  })

  it('a corrupt or truncated key file is an error, never silently replaced', async () => {
    const dir = tempDir()
    await Account.create(dir, { passphrase: 'pw', scrypt: FAST })
    const sealed = readFileSync(join(dir, 'identity.key'))
    writeFileSync(join(dir, 'identity.key'), sealed.subarray(0, 40))
    await expect(Account.openOrCreate(dir, given('pw'))).rejects.toThrow(CorruptIdentityError)
    writeFileSync(join(dir, 'identity.key'), 'garbage that is not a key')
    await expect(Account.openOrCreate(dir)).rejects.toThrow(CorruptIdentityError)
    expect(readFileSync(join(dir, 'identity.key'), 'utf8')).toBe('garbage that is not a key')
  })

  it('a missing key with an account file is an error, not a new identity', async () => {
    const dir = tempDir()
    await Account.create(dir)
    rmSync(join(dir, 'identity.key'))
    await expect(Account.openOrCreate(dir)).rejects.toThrow(/identity.key is missing/)
    expect(existsSync(join(dir, 'identity.key'))).toBe(false)
  })

  it('a key that does not belong to the account file is noticed', async () => {
    const dir = tempDir()
    await Account.create(dir)
    writeFileSync(join(dir, 'identity.key'), privateKeyToProtobuf(await generateKeyPair('Ed25519')))
    await expect(Account.open(dir)).rejects.toThrow(/swapped/)
  })

  it('inspect reads an encrypted account without its passphrase and writes nothing', async () => {
    const dir = tempDir()
    const account = await Account.create(dir, { name: 'carol', passphrase: 'pw', scrypt: FAST })
    const info = await Account.inspect(dir)
    expect(info).toMatchObject({ peerId: account.peerId, name: 'carol', encrypted: true, hasAccountFile: true })
  })

  it('an ephemeral account writes nothing', async () => {
    const account = await Account.ephemeral('eve')
    expect(account.persistent).toBe(false)
    await account.save()
    await account.writeKey('pw', FAST)
    expect(await account.wipe()).toEqual({ removedDir: false, kept: [] })
  })

  it('wipe removes a directory p2pchat created, with everything in it', async () => {
    const dir = join(tempDir(), 'made-by-p2pchat')
    const account = await Account.create(dir)
    mkdirSync(join(dir, 'db'))
    writeFileSync(join(dir, 'db', '000001.log'), 'message text')
    expect(await account.wipe()).toEqual({ removedDir: true, kept: [] })
    expect(existsSync(dir)).toBe(false)
  })

  it('wipe leaves files that are not the account in a directory the user chose', async () => {
    const dir = tempDir()
    const account = await Account.create(dir)
    writeFileSync(join(dir, 'notes.txt'), 'mine')
    writeFileSync(join(dir, 'identity.key.1a2b3c'), 'a leftover temporary file')
    expect(await account.wipe()).toEqual({ removedDir: false, kept: ['notes.txt'] })
    expect(existsSync(join(dir, 'identity.key'))).toBe(false)
    expect(existsSync(join(dir, 'identity.key.1a2b3c'))).toBe(false)
    expect(existsSync(join(dir, 'account.json'))).toBe(false)
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine')
  })
})
