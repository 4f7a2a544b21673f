import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { until } from './feed.ts'
import { BIN, tempDir } from './process.ts'

export interface TerminalInit {
  /** @default 120 */
  cols?: number
  /** @default 35 */
  rows?: number
}

const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`

/**
 * One `p2pchat <args>` in a terminal of a private tmux server (its own socket, so no other tmux session is
 * touched). After the command ends, `cat` keeps the pane, and what it printed, until kill().
 */
export class Terminal {
  private readonly socket: string
  private readonly exitFile: string

  constructor(args: string[], { cols = 120, rows = 35 }: TerminalInit = {}) {
    const dir = tempDir('p2pchat-tty-')
    this.socket = join(dir, 'tmux.sock')
    this.exitFile = join(dir, 'exit-code')
    const command = [process.execPath, BIN, ...args].map(quote).join(' ')
    const env = 'DEBUG= P2PCHAT_PASSPHRASE= P2PCHAT_NEW_PASSPHRASE='
    const script = `${env} ${command}; echo $? > ${quote(this.exitFile)}; cat`
    this.tmux('new-session', '-d', '-x', String(cols), '-y', String(rows), script)
  }

  private tmux(...args: string[]): string {
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

  /** Presses keys by tmux name (C-c, C-u, Enter). */
  keys(...keys: string[]): void {
    this.tmux('send-keys', ...keys)
  }

  /** Waits until the screen shows `pattern` (a terminal reports no events, so this polls); returns the match. */
  waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    return until(
      `the screen to show ${pattern}`,
      () => pattern.exec(this.screen()) ?? undefined,
      timeoutMs,
      () => this.screen()
    )
  }

  /** Waits for the command to end; returns its exit code. */
  async exitCode(timeoutMs = 30_000): Promise<number> {
    const written = (): string | undefined => {
      const text = existsSync(this.exitFile) ? readFileSync(this.exitFile, 'utf8').trim() : ''
      return text === '' ? undefined : text
    }
    return Number(await until('the command to exit', written, timeoutMs, () => this.screen()))
  }

  kill(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server'])
  }
}
