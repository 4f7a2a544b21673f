import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { MAILBOX_DEFAULTS, MailboxServer } from '../../../protocols/mailbox/index.ts'
import { PrekeyService } from '../../../protocols/prekeys/index.ts'
import {
  createPrekeyStore,
  encodePublished,
  identityFromSeed,
  publishedPrekeys
} from '../../../protocols/session/index.ts'
import { MailboxStore } from '../../../relay/mailbox-store.ts'
import { tempDirs } from '../../support/temp-dirs.ts'

const tempDir = tempDirs('mailbox')

const mail = (recipient: string, n: number, depositedAt: number) => ({
  recipient,
  id: Uint8Array.from({ length: 16 }, (_, i) => (i === 0 ? n : 0)),
  envelope: new Uint8Array([n, n, n]),
  depositedAt
})

describe('relay mailbox store', () => {
  it('keeps the newest prekey set of each client across a reopen, and hands it back to the prekey service', async () => {
    const dir = tempDir()
    const store = await MailboxStore.open(dir)
    const bob = identityFromSeed(new Uint8Array(32).fill(9))
    const published = publishedPrekeys(bob, createPrekeyStore(bob, Date.now()))
    await store.putPrekeys('0a0b', '10.0.0.1', new Uint8Array([1, 2, 3]))
    await store.putPrekeys('0a0b', '10.0.0.2', encodePublished(published))
    await store.putPrekeys('0c0d', '10.0.0.3', new Uint8Array([9]))
    await store.close()
    const again = await MailboxStore.open(dir)
    const stored = await again.loadPrekeys()
    expect(stored.map((s) => [s.owner, s.ip])).toEqual([
      ['0a0b', '10.0.0.2'],
      ['0c0d', '10.0.0.3']
    ])
    const service = new PrekeyService(
      {
        peerId: peerIdFromPrivateKey(await generateKeyPair('Ed25519')),
        registrar: { handle: async () => {}, unhandle: async () => {} },
        connectionManager: { openStream: async () => Promise.reject(new Error('no network')) },
        logger: defaultLogger()
      },
      { hold: true, stored }
    )
    // the good set is held again, the garbage one skipped
    expect(service.holder?.get('0a0b')).toEqual(published)
    expect(service.holder?.size).toBe(1)
    await again.close()
  })

  it('loads what was put, each recipient in deposit order, and forgets what was deleted', async () => {
    const dir = tempDir()
    const store = await MailboxStore.open(dir)
    const [a1, a2, b1] = [mail('aa', 1, 10), mail('aa', 2, 20), mail('bb', 3, 5)]
    await store.put(a2)
    await store.put(a1)
    await store.put(b1)
    await store.delete([b1])
    await store.close()
    const again = await MailboxStore.open(dir)
    expect(await again.load()).toEqual([a1, a2])
    await again.close()
  })

  it('keeps every acknowledged deposit when the relay process is killed with SIGKILL right after', async () => {
    const dir = tempDir()
    // A separate process stores 50 mails (each put resolves after its sync write), says so, and is killed at once.
    const script = `
      const { MailboxStore } = await import(${JSON.stringify(resolve('dist/relay/mailbox-store.js'))})
      const store = await MailboxStore.open(${JSON.stringify(dir)})
      for (let n = 0; n < 50; n++) {
        await store.put({ recipient: 'cc', id: Uint8Array.from({ length: 16 }, (_, i) => (i === 0 ? n : 0)), envelope: new Uint8Array([n]), depositedAt: 1000 + n })
      }
      process.stdout.write('stored\\n')
      setInterval(() => {}, 1000)
    `
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit']
    })
    await new Promise<void>((ok, fail) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('stored') && ok())
      child.on('exit', (code) => fail(new Error(`writer exited with ${code}`)))
    })
    child.kill('SIGKILL')
    await new Promise((ok) => child.once('exit', ok))
    const store = await MailboxStore.open(dir)
    const loaded = await store.load()
    expect(loaded.map((m) => m.envelope[0])).toEqual(Array.from({ length: 50 }, (_, n) => n))
    // the server takes them back into its quotas
    const server = new MailboxServer(
      {
        registrar: { handle: async () => {}, unhandle: async () => {} },
        logger: (await import('@libp2p/logger')).defaultLogger()
      },
      { stored: loaded, persistence: store, settings: { ...MAILBOX_DEFAULTS, maxMailsPerRecipient: 10 } }
    )
    // quotas lowered since the mail was stored drop none of it
    expect(server.book.count('cc')).toBe(50)
    await store.close()
  })
})
