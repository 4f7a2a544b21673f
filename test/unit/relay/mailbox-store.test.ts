import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MAILBOX_DEFAULTS, MailboxServer } from '../../../protocols/mailbox/index.ts'
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
