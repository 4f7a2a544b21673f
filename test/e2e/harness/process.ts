import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Feed, type WaitInit } from './feed.ts'

/**
 * The CLI under test; e2e tests run the built `dist/` through it (`npm run build` first). One level further up when
 * this module itself runs from `dist/` (a benchmark using the harness).
 */
const BIN_PLACES = ['../../../bin/p2pchat.js', '../../../../bin/p2pchat.js'].map(
  (path) => new URL(path, import.meta.url).pathname
)
export const BIN = BIN_PLACES.find((path) => existsSync(path)) ?? BIN_PLACES[0]

/** Loopback only, no mDNS: what every test peer outside a namespace uses. */
export const LOOPBACK = ['--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0']

/** The narrowest shape of a JSON output line. */
export type JsonEvent = { type: string } & Record<string, unknown>

/** The member of `E` whose `type` is `T`; all of `E` when `E` does not name its types (relay events). */
export type OfType<E extends { type: string }, T extends string> = [Extract<E, { type: T }>] extends [never]
  ? E
  : Extract<E, { type: T }>

export interface ExitStatus {
  code: number | null
  signal: NodeJS.Signals | null
}

const children = new Set<ChildProcess>()
const dirs = new Set<string>()

/** A fresh temporary directory, removed by cleanup(). */
export function tempDir(prefix = 'p2pchat-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  dirs.add(dir)
  return dir
}

/**
 * Where every child keeps its compiled code: `p2pchat` turns Node's compile cache on itself, except with --ephemeral
 * (which most tests use), and loading compiled code takes a third off each of the suite's many starts.
 */
const COMPILE_CACHE = join(tmpdir(), 'node-compile-cache')

/** The environment of every child: no debug logging, no passphrase inherited from the developer's shell. */
function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DEBUG: '',
    P2PCHAT_PASSPHRASE: '',
    P2PCHAT_NEW_PASSPHRASE: '',
    NODE_COMPILE_CACHE: COMPILE_CACHE,
    ...extra
  }
}

export interface SpawnCliInit {
  /** run inside this network namespace */
  netns?: string
  env?: NodeJS.ProcessEnv
  cwd?: string
  /** the Node binary, e.g. an old one @default process.execPath */
  node?: string
  /** @default 'pipe' */
  stdin?: 'pipe' | 'ignore'
}

/** Spawns `p2pchat <args>`; cleanup() kills it if it is still running. */
export function spawnCli(args: string[], init: SpawnCliInit = {}): ChildProcess {
  const node = init.node ?? process.execPath
  const [cmd, argv] = init.netns ? ['ip', ['netns', 'exec', init.netns, node, BIN, ...args]] : [node, [BIN, ...args]]
  const child = spawn(cmd, argv, {
    stdio: [init.stdin ?? 'pipe', 'pipe', 'pipe'],
    env: childEnv(init.env),
    cwd: init.cwd
  })
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

/** What a one-shot p2pchat invocation printed, and how it ended. */
export interface CliResult extends ExitStatus {
  stdout: string
  stderr: string
  /** stdout's JSON lines, parsed (for --json runs) */
  events: JsonEvent[]
}

/**
 * Runs `p2pchat <args>` to completion with `input` on stdin, then stdin closed (so a `start` that should have
 * failed still ends); killed after `timeoutMs`, which shows as signal SIGKILL.
 */
export function runCli(
  args: string[],
  { input = '', timeoutMs = 30_000, ...init }: SpawnCliInit & { input?: string; timeoutMs?: number } = {}
): Promise<CliResult> {
  const child = spawnCli(args, init)
  child.stdin!.end(input)
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d
  })
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      const events = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as JsonEvent)
      resolve({ code, signal, stdout, stderr, events })
    })
  })
}

/** The one JSON object a one-shot `--json` command printed; throws with its output when there is none. */
export function onlyEvent(result: CliResult): JsonEvent {
  if (result.events.length !== 1) {
    throw new Error(`expected one JSON line, got:\n${result.stdout}\n${result.stderr}`)
  }
  return result.events[0]
}

/** A long-running p2pchat process in --json mode: every stdout line is one event, stderr is kept for errors. */
export class JsonProcess<E extends { type: string }> {
  readonly exited: Promise<ExitStatus>
  readonly stderr: string[] = []
  private readonly feed: Feed<E>

  constructor(
    readonly name: string,
    readonly child: ChildProcess
  ) {
    this.feed = new Feed(name, () =>
      [`last events: ${JSON.stringify(this.events.slice(-8))}`, `stderr: ${this.stderr.slice(-10).join('\n')}`].join(
        '\n'
      )
    )
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
    // 'close' comes after the last stdout line, so nothing still in the pipe is lost to an early rejection
    child.once('close', (code, signal) => this.feed.close(`exited (${signal ?? code})`))
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.feed.push(JSON.parse(line) as E)
      } catch {
        this.stderr.push(`(stdout, not JSON) ${line}`)
      }
    })
    createInterface({ input: child.stderr! }).on('line', (line) => this.stderr.push(line))
  }

  /** Every event so far, in order. */
  get events(): E[] {
    return this.feed.items
  }

  /** Types one line into the process. */
  send(line: string): void {
    this.child.stdin!.write(`${line}\n`)
  }

  /** The first event (from index `from` on) of `type` matching `pred`; rejects after `timeoutMs` or on exit. */
  waitFor<T extends E['type']>(
    type: T,
    pred: (e: OfType<E, T>) => boolean = () => true,
    init: WaitInit = {}
  ): Promise<OfType<E, T>> {
    const match = (e: E): e is OfType<E, T> & E => e.type === type && pred(e as OfType<E, T>)
    return this.feed.waitFor(`'${type}'`, match, init)
  }

  /** Events of one type seen so far. */
  all<T extends E['type']>(type: T): Array<OfType<E, T>> {
    return this.events.filter((e) => e.type === type) as Array<OfType<E, T>>
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode == null && this.child.signalCode == null) {
      this.child.kill(signal)
    }
  }
}

/** A process's output lines (line mode, terminal output), waited on like events. */
export class LineReader {
  private readonly feed: Feed<string>

  constructor(label: string, input: NodeJS.ReadableStream) {
    this.feed = new Feed(label, () => `last lines:\n${this.lines.slice(-12).join('\n')}`)
    createInterface({ input }).on('line', (line) => this.feed.push(line))
  }

  get lines(): string[] {
    return this.feed.items
  }

  /** The first line from `from` on matching `re`. */
  waitForLine(re: RegExp, init: WaitInit = {}): Promise<string> {
    return this.feed.waitFor(`a line matching ${re}`, (line) => re.test(line), init)
  }
}

/** Kills every process the harness started and removes its temp dirs; call from afterEach, so failures clean up too. */
export async function cleanup(): Promise<void> {
  const running = [...children].filter((c) => c.exitCode == null && c.signalCode == null)
  const gone = running.map((c) => new Promise((resolve) => c.once('exit', resolve)))
  for (const child of running) {
    child.kill('SIGKILL')
  }
  await Promise.all(gone)
  children.clear()
  for (const dir of dirs) {
    rmSync(dir, { recursive: true, force: true })
  }
  dirs.clear()
}
