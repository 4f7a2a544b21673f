import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, spawnPeer, tempDir } from './harness.ts'

const BIN = new URL('../../bin/p2pchat.js', import.meta.url).pathname
const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0
const POLL_MS = 100

/** A full-screen client in a private tmux server (its own socket, so no other tmux session is touched). */
class TmuxClient {
  readonly socket: string
  readonly exitFile: string

  constructor(args: string[]) {
    const dir = tempDir('p2pchat-tui-')
    this.socket = join(dir, 'tmux.sock')
    this.exitFile = join(dir, 'exit-code')
    const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`
    const command = [process.execPath, BIN, 'start', '--data-dir', join(dir, 'data'), ...args].map(quote).join(' ')
    this.tmux('new-session', '-d', '-x', '120', '-y', '35', `DEBUG= ${command}; echo $? > ${quote(this.exitFile)}`)
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-u', '-S', this.socket, ...args], { encoding: 'utf8' })
  }

  screen(): string {
    return this.tmux('capture-pane', '-p')
  }

  /** Types text literally, then presses Enter. */
  type(text: string): void {
    this.tmux('send-keys', '-l', text)
    this.tmux('send-keys', 'Enter')
  }

  keys(...keys: string[]): void {
    this.tmux('send-keys', ...keys)
  }

  /** Waits until the screen shows `pattern`; returns the match. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const screen = this.screen()
      const match = pattern.exec(screen)
      if (match != null) {
        return match
      }
      if (Date.now() > deadline) {
        throw new Error(`screen never showed ${pattern}; it shows:\n${screen}`)
      }
      await new Promise((r) => setTimeout(r, POLL_MS))
    }
  }

  /** Waits for the client process to end; returns its exit code. */
  async exitCode(timeoutMs = 20_000): Promise<number> {
    const deadline = Date.now() + timeoutMs
    while (!existsSync(this.exitFile) || readFileSync(this.exitFile, 'utf8').trim() === '') {
      if (Date.now() > deadline) {
        throw new Error(`client did not exit; screen:\n${this.screen()}`)
      }
      await new Promise((r) => setTimeout(r, POLL_MS))
    }
    return Number(readFileSync(this.exitFile, 'utf8').trim())
  }

  kill(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server'])
  }
}

describe.skipIf(!HAS_TMUX)('full-screen client in a terminal', () => {
  let client: TmuxClient | undefined

  afterEach(async () => {
    client?.kill()
    client = undefined
    await cleanup()
  })

  it('asks for a name, chats both ways with a line-mode peer, and leaves gracefully on Ctrl-C', async () => {
    client = new TmuxClient(['--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'])
    const tui = client
    await tui.waitFor(/Your name for this session/)
    tui.type('bad name')
    await tui.waitFor(/! name must not contain spaces/)
    tui.keys('C-u')
    tui.type('alice')
    const [addr] = await tui.waitFor(/\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/\w+/)

    const bob = await spawnPeer({ name: 'bob', bootstrap: [addr] })
    const join = await bob.waitFor('join', (e) => e.name === 'alice')
    await tui.waitFor(/\* bob joined/)
    await tui.waitFor(/Online \(2\)/)

    tui.type('hello from the screen')
    await bob.waitFor('message', (m) => m.text === 'hello from the screen' && m.from.peerId === join.peerId)
    await tui.waitFor(/you: hello from the screen/)

    bob.send('hi alice')
    await tui.waitFor(/bob: hi alice/)
    bob.send('/msg alice \u001b[2Jjust for you')
    await tui.waitFor(/\[dm\] bob: \uFFFD\[2Jjust for you/)

    tui.type('/msg bob psst')
    await bob.waitFor('message', (m) => m.scope === 'dm' && m.text === 'psst')
    await tui.waitFor(/\[dm -> bob\] psst ✓/)

    tui.type('/users')
    await tui.waitFor(/online \(2\): alice \(you\), bob/)
    tui.type('/nope')
    await tui.waitFor(/! unknown command \/nope/)

    tui.keys('C-c')
    expect(await tui.exitCode()).toBe(0)
    await bob.waitFor('leave', (e) => e.peerId === join.peerId && e.reason === 'left')
  })
})
