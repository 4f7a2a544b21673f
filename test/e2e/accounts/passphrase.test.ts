import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeSealed, unseal } from '../../../node/account/sealed.ts'
import { cleanup, filesContaining, LOOPBACK, listFiles, MODES, runCli, startClient, tempDir } from '../harness.ts'

function passFile(text: string): string {
  const file = join(tempDir(), 'pass')
  writeFileSync(file, `${text}\n`)
  return file
}

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    listFiles(dir)
      .filter((f) => !f.startsWith('db'))
      .map((f) => [f, readFileSync(join(dir, f)).toString('base64')])
  )
}

// Each test here derives a passphrase key five or six times (scrypt at 128 MiB, about a second of CPU each on an idle
// machine): on two busy cores that took more than the default minute, hence 180 s each.
describe.each(MODES)('passphrase (%s mode)', (mode) => {
  afterEach(cleanup)
  const flags = mode === 'json' ? ['--json'] : []

  it('the key file never holds the raw key; start unlocks it with the right passphrase only', async () => {
    const dir = tempDir()
    const right = passFile('correct horse battery staple')
    const created = await runCli(['account', 'create', '-d', dir, '-n', 'alice', '--passphrase-file', right, ...flags])
    expect(created.code).toBe(0)
    const raw = await unseal(
      decodeSealed(readFileSync(join(dir, 'identity.key')), 'key'),
      'correct horse battery staple'
    )
    expect(filesContaining(dir, raw)).toEqual([])
    // the 32-byte seed alone is not there either, in any encoding
    const seed = raw.subarray(4, 36)
    expect(filesContaining(dir, seed)).toEqual([])
    expect(filesContaining(dir, Buffer.from(seed).toString('base64'))).toEqual([])
    expect(filesContaining(dir, Buffer.from(seed).toString('hex'))).toEqual([])

    const before = snapshot(dir)
    const wrong = await runCli([
      'start',
      '-d',
      dir,
      '--passphrase-file',
      passFile('incorrect horse'),
      ...LOOPBACK,
      ...flags
    ])
    expect(wrong.code).toBe(1)
    if (mode === 'json') {
      expect(wrong.events).toEqual([
        { type: 'error', code: 'BAD_PASSPHRASE', message: expect.stringMatching(/wrong passphrase/) }
      ])
    } else {
      expect(wrong.stderr).toMatch(/wrong passphrase: the identity key did not unlock \(nothing was changed\)/)
    }
    expect(snapshot(dir)).toEqual(before)

    const none = await runCli(['start', '-d', dir, ...LOOPBACK, ...flags])
    expect(none.code).toBe(2)
    expect(mode === 'json' ? none.events[0] : none.stderr).toEqual(
      mode === 'json'
        ? expect.objectContaining({ code: 'PASSPHRASE_REQUIRED' })
        : expect.stringMatching(/encrypted: give the passphrase/)
    )

    const alice = await startClient({ mode, dataDir: dir, args: ['--passphrase-file', right] })
    expect(peerIdFromPrivateKey((await import('@libp2p/crypto/keys')).privateKeyFromProtobuf(raw)).toString()).toBe(
      alice.peerId
    )
    alice.send('/quit')
    expect((await alice.exited).code).toBe(0)
    // the env var works as well as the file
    const viaEnv = await startClient({
      mode,
      dataDir: dir,
      env: { P2PCHAT_PASSPHRASE: 'correct horse battery staple' }
    })
    expect(viaEnv.peerId).toBe(alice.peerId)
  }, 180_000)

  it('an identity from before accounts keeps working, and gets encrypted in place', async () => {
    const dir = tempDir()
    const key = await generateKeyPair('Ed25519')
    const raw = privateKeyToProtobuf(key)
    writeFileSync(join(dir, 'identity.key'), raw, { mode: 0o600 })
    const peerId = peerIdFromPrivateKey(key).toString()

    const first = await startClient({ name: 'alice', mode, dataDir: dir })
    expect(first.peerId).toBe(peerId)
    first.send('/quit')
    await first.exited
    expect(JSON.parse(readFileSync(join(dir, 'account.json'), 'utf8'))).toMatchObject({ peerId, name: 'alice' })

    const set = await runCli([
      'account',
      'set',
      'passphrase',
      '-d',
      dir,
      '--new-passphrase-file',
      passFile('fresh secret'),
      ...flags
    ])
    expect(set.code).toBe(0)
    expect(mode === 'json' ? set.events[0] : set.stdout).toEqual(
      mode === 'json'
        ? expect.objectContaining({ type: 'account', encrypted: true, peerId })
        : expect.stringMatching(/encrypted with a passphrase/)
    )
    expect(filesContaining(dir, raw)).toEqual([])
    expect(filesContaining(dir, raw.subarray(4, 36))).toEqual([])
    const again = await startClient({ mode, dataDir: dir, env: { P2PCHAT_PASSPHRASE: 'fresh secret' } })
    expect(again.peerId).toBe(peerId)
  }, 180_000)

  it('an encrypted backup restores the identity and settings elsewhere; a wrong passphrase writes nothing', async () => {
    const dir = tempDir()
    const pass = passFile('backup pass')
    await runCli(['account', 'create', '-d', dir, '-n', 'alice', '-r', 'dm=7d', '--passphrase-file', pass])
    const backup = join(tempDir(), 'alice.backup')
    const exported = await runCli(['account', 'export', backup, '-d', dir, '--passphrase-file', pass, ...flags])
    expect(exported.code).toBe(0)
    const raw = await unseal(decodeSealed(readFileSync(join(dir, 'identity.key')), 'key'), 'backup pass')
    expect(filesContaining(join(backup, '..'), raw.subarray(4, 36))).toEqual([])

    const again = await runCli(['account', 'export', backup, '-d', dir, '--passphrase-file', pass, ...flags])
    expect(again.code).toBe(1)
    expect(mode === 'json' ? again.events[0] : again.stderr).toEqual(
      mode === 'json' ? expect.objectContaining({ code: 'FILE_EXISTS' }) : expect.stringMatching(/never overwrites/)
    )

    const target = join(tempDir(), 'restored')
    const wrong = await runCli([
      'account',
      'import',
      backup,
      '-d',
      target,
      '--passphrase-file',
      passFile('nope'),
      ...flags
    ])
    expect(wrong.code).toBe(1)
    expect(mode === 'json' ? wrong.events[0] : wrong.stderr).toEqual(
      mode === 'json'
        ? expect.objectContaining({ code: 'BAD_PASSPHRASE' })
        : expect.stringMatching(/wrong passphrase for this backup/)
    )
    expect(listFiles(target)).toEqual([])

    const restored = await runCli(['account', 'import', backup, '-d', target, '--passphrase-file', pass, '--json'])
    expect(restored.code).toBe(0)
    const original = (await runCli(['account', 'show', '-d', dir, '--json'])).events[0]
    expect(restored.events[0]).toMatchObject({
      type: 'account',
      peerId: original.peerId,
      name: 'alice',
      encrypted: true,
      retention: { dm: '7d' }
    })
    const twice = await runCli(['account', 'import', backup, '-d', target, '--passphrase-file', pass, ...flags])
    expect(twice.code).toBe(1)
    expect(twice.stdout + twice.stderr).toMatch(/ACCOUNT_EXISTS|already holds an account/)
  }, 180_000)
})
