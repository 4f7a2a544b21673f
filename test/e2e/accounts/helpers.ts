import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { OutputEvent } from '../../../cli/output.ts'
import { type EventOf, PeerProcess } from '../harness.ts'

const BIN = new URL('../../../bin/p2pchat.js', import.meta.url).pathname

/** Loopback only, no mDNS: what every test peer uses. */
export const LOOPBACK = ['--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0']

export type Mode = 'json' | 'line'
export const MODES: Mode[] = ['json', 'line']

const live = new Set<ChildProcess>()
const dirs = new Set<string>()

/** A fresh temporary directory, removed by cleanupAccounts(). */
export function tempDir(prefix = 'p2pchat-acct-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  dirs.add(dir)
  return dir
}

/** Kills what the tests here started and removes their directories; call in afterEach. */
export async function cleanupAccounts(): Promise<void> {
  const children = [...live]
  for (const child of children) {
    if (child.exitCode == null && child.signalCode == null) {
      child.kill('SIGKILL')
    }
  }
  await Promise.all(
    children.map((c) =>
      c.exitCode == null && c.signalCode == null ? new Promise((resolve) => c.once('exit', resolve)) : undefined
    )
  )
  live.clear()
  for (const dir of dirs) {
    rmSync(dir, { recursive: true, force: true })
  }
  dirs.clear()
}

function spawnBin(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): ChildProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, DEBUG: '', P2PCHAT_PASSPHRASE: '', P2PCHAT_NEW_PASSPHRASE: '', ...env },
    cwd
  })
  live.add(child)
  child.once('exit', () => live.delete(child))
  return child
}

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
  /** stdout parsed as JSON lines (for --json runs) */
  events: OutputEvent[]
}

/** Runs a one-shot command (`account ...`, `id`) to completion. */
export async function runCli(
  args: string[],
  init: { env?: NodeJS.ProcessEnv; input?: string } = {}
): Promise<RunResult> {
  const child = spawnBin(args, init.env)
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  child.stdin?.end(init.input ?? '')
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)))
  const events = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as OutputEvent)
  return { code, stdout, stderr, events }
}

export interface ClientInit {
  name?: string
  mode: Mode
  dataDir?: string
  bootstrap?: string[]
  args?: string[]
  env?: NodeJS.ProcessEnv
  cwd?: string
}

/**
 * A running client in JSON or line mode. JSON clients are the harness' PeerProcess; line clients keep their
 * output lines. `expect` waits for the JSON event or the text line, whichever the mode shows.
 */
export class Client {
  peerId = ''
  addrs: string[] = []
  readonly lines: string[] = []
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  private readonly waiters = new Set<() => void>()

  constructor(
    readonly mode: Mode,
    readonly child: ChildProcess,
    readonly dataDir: string | undefined,
    readonly json: PeerProcess | undefined
  ) {
    this.exited =
      json?.exited ?? new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
    if (json == null) {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        this.lines.push(line)
        for (const wake of this.waiters) {
          wake()
        }
      })
    }
  }

  send(line: string): void {
    this.child.stdin!.write(`${line}\n`)
  }

  /** How much output there is so far, to wait only for what comes after it. */
  mark(): number {
    return this.json == null ? this.lines.length : this.json.events.length
  }

  /** Waits for a JSON event of `type` matching `pred`, or in line mode for a line matching `re`. */
  async expect<T extends OutputEvent['type']>(
    type: T,
    pred: (e: EventOf<T>) => boolean,
    re: RegExp,
    from = 0,
    timeoutMs = 20_000
  ): Promise<EventOf<T> | string> {
    if (this.json != null) {
      return this.json.waitFor(type, pred, { from, timeoutMs })
    }
    return this.waitForLine(re, from, timeoutMs)
  }

  waitForLine(re: RegExp, from = 0, timeoutMs = 20_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.lines.slice(from).find((l) => re.test(l))
        if (hit != null) {
          done()
          resolve(hit)
          return true
        }
        return false
      }
      const timer = setTimeout(() => {
        done()
        reject(
          new Error(`no line matching ${re} within ${timeoutMs} ms; last lines:\n${this.lines.slice(-12).join('\n')}`)
        )
      }, timeoutMs)
      const done = (): void => {
        clearTimeout(timer)
        this.waiters.delete(wake)
      }
      const wake = (): void => {
        check()
      }
      if (!check()) {
        this.waiters.add(wake)
      }
    })
  }

  /** Everything shown so far, as one string (JSON events or lines). */
  output(): string {
    return this.json == null ? this.lines.join('\n') : JSON.stringify(this.json.events)
  }

  /** Names in /users, in either mode. */
  async userNames(): Promise<string[]> {
    if (this.json != null) {
      return (await this.json.users()).map((u) => u.name).sort()
    }
    const from = this.mark()
    this.send('/users')
    const line = await this.waitForLine(/^\* online \(\d+\): /, from)
    return line
      .replace(/^\* online \(\d+\): /, '')
      .split(', ')
      .map((n) => n.replace(/ \(you\)$/, '').replace(/#\w+$/, ''))
      .sort()
  }

  /** Polls /users until `pred` holds. */
  async waitForUserNames(pred: (names: string[]) => boolean, timeoutMs = 20_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const names = await this.userNames()
      if (pred(names)) {
        return names
      }
      if (Date.now() > deadline) {
        throw new Error(`users never matched; last: ${names.join(', ')}`)
      }
      await new Promise((r) => setTimeout(r, 200))
    }
  }
}

/** Starts `p2pchat start` in the given mode and waits until it is online. */
export async function startClient(init: ClientInit): Promise<Client> {
  const dataArgs = init.dataDir == null ? [] : ['--data-dir', init.dataDir]
  const args = [
    'start',
    ...(init.mode === 'json' ? ['--json'] : []),
    ...(init.name == null ? [] : ['--name', init.name]),
    ...dataArgs,
    ...LOOPBACK,
    ...(init.bootstrap ?? []).flatMap((b) => ['--bootstrap', b]),
    ...(init.args ?? [])
  ]
  const child = spawnBin(args, init.env, init.cwd)
  const json = init.mode === 'json' ? new PeerProcess(init.name ?? 'peer', child, init.dataDir ?? '') : undefined
  const client = new Client(init.mode, child, init.dataDir, json)
  if (json != null) {
    const ready = await json.waitFor('ready', () => true, { timeoutMs: 30_000 })
    client.peerId = ready.peerId
    client.addrs = ready.addrs
  } else {
    const you = await client.waitForLine(/^\* you are \S+ \((\w+)\)$/, 0, 30_000)
    client.peerId = /\((\w+)\)$/.exec(you)?.[1] ?? ''
    const listening = await client.waitForLine(/^\* listening on /, 0, 30_000)
    client.addrs = listening.replace('* listening on ', '').split(' ')
  }
  return client
}

/** Files under `dir` (recursively) whose raw bytes contain `needle`. */
export function filesContaining(dir: string, needle: string | Uint8Array): string[] {
  if (!existsSync(dir)) {
    return []
  }
  const bytes = typeof needle === 'string' ? Buffer.from(needle, 'utf8') : Buffer.from(needle)
  const hits: string[] = []
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name)
      if (statSync(path).isDirectory()) {
        walk(path)
      } else if (readFileSync(path).includes(bytes)) {
        hits.push(path)
      }
    }
  }
  walk(dir)
  return hits
}

/** Every file under `dir`, relative paths. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) {
    return []
  }
  return (readdirSync(dir, { recursive: true }) as string[]).sort()
}

/** A random marker to put in messages, so scans cannot match anything else. */
export function marker(what: string): string {
  return `${what}-${Math.random().toString(36).slice(2, 10)}`
}

/** Waits (polling the clock, not sleeping blindly) until `ts` is more than `ms` in the past. */
export async function untilOlderThan(ts: number, ms: number): Promise<void> {
  while (Date.now() - ts <= ms) {
    await new Promise((r) => setTimeout(r, 50))
  }
}
