import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, LOOPBACK, requireTool, Terminal, tempDir } from '../harness.ts'

describe('passphrase and confirmation prompts in a terminal', () => {
  requireTool('tmux')
  const terminals: Terminal[] = []
  const open = (args: string[]): Terminal => {
    const t = new Terminal(args, { cols: 140, rows: 30 })
    terminals.push(t)
    return t
  }

  afterEach(async () => {
    for (const t of terminals.splice(0)) {
      t.kill()
    }
    await cleanup()
  })

  it('create asks twice without echoing, start asks once and refuses a wrong one, destroy asks to confirm', async () => {
    const dir = join(tempDir(), 'acct')
    const secret = 'tty-secret-passphrase'
    const create = open(['account', 'create', '--data-dir', dir, '--name', 'alice'])
    await create.waitFor(/New passphrase for your key \(empty for none\):/)
    create.type(secret)
    await create.waitFor(/Repeat it:/)
    create.type('something else')
    await create.waitFor(/they differ, once more/)
    create.type(secret)
    create.type(secret)
    await create.waitFor(/key\s+encrypted with a passphrase/)
    expect(await create.exitCode()).toBe(0)
    expect(create.screen()).not.toContain(secret)

    const wrong = open(['start', '--data-dir', dir, ...LOOPBACK])
    await wrong.waitFor(/^Passphrase:/m)
    wrong.type('not it')
    await wrong.waitFor(/wrong passphrase: the identity key did not unlock \(nothing was changed\)/)
    expect(await wrong.exitCode()).toBe(1)

    const right = open(['start', '--data-dir', dir, ...LOOPBACK])
    await right.waitFor(/^Passphrase:/m)
    right.type(secret)
    // the full-screen client, under the saved profile name, without asking for it
    await right.waitFor(/you are alice/)
    right.type('/quit')
    expect(await right.exitCode()).toBe(0)

    const destroy = open(['account', 'destroy', '--data-dir', dir, '--no-mdns', '--wait', '0', ...LOOPBACK.slice(1)])
    await destroy.waitFor(/Type 'destroy' to go ahead:/)
    destroy.type('destroy')
    await destroy.waitFor(/^Passphrase:/m)
    destroy.type(secret)
    await destroy.waitFor(/destroyed: no peer was online to be told, every file of it is gone/)
    expect(await destroy.exitCode()).toBe(0)
    expect(existsSync(dir)).toBe(false)
  })
})
