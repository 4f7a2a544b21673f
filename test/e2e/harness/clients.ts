import type { ChildProcess } from 'node:child_process'
import type { OutputEvent } from '../../../cli/output.ts'
import { filesContaining } from '../../support/scan.ts'
import { until } from './feed.ts'
import { type EventOf, PeerProcess } from './peers.ts'
import { LineReader, LOOPBACK, spawnCli } from './process.ts'

export type Mode = 'json' | 'line'
export const MODES: Mode[] = ['json', 'line']

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
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  private readonly reader: LineReader | undefined

  constructor(
    readonly mode: Mode,
    readonly child: ChildProcess,
    readonly dataDir: string | undefined,
    readonly json: PeerProcess | undefined
  ) {
    this.exited =
      json?.exited ?? new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
    this.reader = json == null ? new LineReader('line client', child.stdout!) : undefined
  }

  /** The output lines of a line-mode client (none in JSON mode). */
  get lines(): string[] {
    return this.reader?.lines ?? []
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
    if (this.reader == null) {
      throw new Error('a JSON client has no text lines; use expect()')
    }
    return this.reader.waitForLine(re, { from, timeoutMs })
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
    return (
      line
        .replace(/^\* online \(\d+\): /, '')
        .split(', ')
        // each name may carry how it is reached, then `(you)`, then a PeerId suffix: the bare name is what counts
        .map((n) =>
          n
            .replace(/ \((direct|via relay)\)$/, '')
            .replace(/ \(you\)$/, '')
            .replace(/#\w+$/, '')
        )
        .sort()
    )
  }

  /** Asks /users until `pred` holds (presence converges over gossip). */
  async waitForUserNames(pred: (names: string[]) => boolean, timeoutMs = 20_000): Promise<string[]> {
    let last: string[] = []
    return until(
      'the users to match',
      async () => {
        last = await this.userNames()
        return pred(last) && last
      },
      timeoutMs,
      () => last.join(', ')
    )
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
  const child = spawnCli(args, { env: init.env, cwd: init.cwd })
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

/** A random marker to put in messages, so scans cannot match anything else. */
export function marker(what: string): string {
  return `${what}-${Math.random().toString(36).slice(2, 10)}`
}

/** Waits until `ts` is more than `ms` in the past (the passing of time is what the test is about). */
export async function untilOlderThan(ts: number, ms: number): Promise<void> {
  await until(`${ms} ms to pass`, () => Date.now() - ts > ms, ms + 20_000)
}

/**
 * Waits until some file under `dir` holds `text`. A received message is shown while it is being saved (the
 * history write is off the delivery path), so a positive control that scans the disk waits for the write.
 */
export async function untilOnDisk(dir: string, text: string): Promise<void> {
  await until(`"${text}" written under ${dir}`, () => filesContaining(dir, text).length > 0)
}
