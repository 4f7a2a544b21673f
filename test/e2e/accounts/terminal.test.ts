import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cleanupAccounts, LOOPBACK, tempDir } from './helpers.ts'

const BIN = new URL('../../../bin/p2pchat.js', import.meta.url).pathname
const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0

/** One p2pchat command in a terminal of a private tmux server (its own socket; no other session is touched). */
class Terminal {
  private readonly socket: string
  private readonly exitFile: string

  constructor(args: string[]) {
    const dir = tempDir('p2pchat-tty-')
    this.socket = join(dir, 'tmux.sock')
    this.exitFile = join(dir, 'exit-code')
    const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`
    const command = [process.execPath, BIN, ...args].map(quote).join(' ')
    const env = 'DEBUG= P2PCHAT_PASSPHRASE= P2PCHAT_NEW_PASSPHRASE='
    // `cat` keeps the pane (and what the command printed) until kill(), after the command has exited
    const script = `${env} ${command}; echo $? > ${quote(this.exitFile)}; cat`
    this.tmux('new-session', '-d', '-x', '140', '-y', '30', script)
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-u', '-S', this.socket, ...args], { encoding: 'utf8' })
  }

  screen(): string {
    return this.tmux('capture-pane', '-p')
  }

  type(text: string): void {
    this.tmux('send-keys', '-l', text)
    this.tmux('send-keys', 'Enter')
  }

  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!pattern.test(this.screen())) {
      if (Date.now() > deadline) {
        throw new Error(`screen never showed ${pattern}; it shows:\n${this.screen()}`)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  async exitCode(timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs
    while (!existsSync(this.exitFile) || readFileSync(this.exitFile, 'utf8').trim() === '') {
      if (Date.now() > deadline) {
        throw new Error(`command did not exit; screen:\n${this.screen()}`)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    return Number(readFileSync(this.exitFile, 'utf8').trim())
  }

  kill(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server'])
    rmSync(this.exitFile, { force: true })
  }
}

describe.skipIf(!HAS_TMUX)('passphrase and confirmation prompts in a terminal', () => {
  const terminals: Terminal[] = []
  const open = (args: string[]): Terminal => {
    const t = new Terminal(args)
    terminals.push(t)
    return t
  }

  afterEach(async () => {
    for (const t of terminals.splice(0)) {
      t.kill()
    }
    await cleanupAccounts()
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
