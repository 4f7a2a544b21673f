import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { OutputEvent } from '../../cli/output.ts'

const BIN = new URL('../../bin/p2pchat.js', import.meta.url).pathname

export type EventOf<T extends OutputEvent['type']> = Extract<OutputEvent, { type: T }>

export interface SpawnInit {
  name: string
  bootstrap?: string[]
  /** run inside this network namespace (mDNS tests) */
  netns?: string
  /** replaces the loopback-only, no-mDNS defaults */
  network?: string[]
  dataDir?: string
  extraArgs?: string[]
}

/** A p2pchat process in --json mode, driven line by line. */
export class PeerProcess {
  readonly events: OutputEvent[] = []
  readonly stderr: string[] = []
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  peerId = ''
  addrs: string[] = []
  private readonly waiters = new Set<() => void>()

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly dataDir: string
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as OutputEvent)
      } catch {
        this.stderr.push(`(stdout, not JSON) ${line}`)
      }
      for (const wake of this.waiters) {
        wake()
      }
    })
    createInterface({ input: child.stderr! }).on('line', (line) => this.stderr.push(line))
  }

  /** Types one line into the client. */
  send(line: string): void {
    this.child.stdin!.write(`${line}\n`)
  }

  /** Resolves with the first event (from index `from` on) of `type` matching `pred`; rejects after `timeoutMs`. */
  waitFor<T extends OutputEvent['type']>(
    type: T,
    pred: (e: EventOf<T>) => boolean = () => true,
    { timeoutMs = 20_000, from = 0 }: { timeoutMs?: number; from?: number } = {}
  ): Promise<EventOf<T>> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.events.slice(from).find((e): e is EventOf<T> => e.type === type && pred(e as EventOf<T>))
        if (hit != null) {
          cleanup()
          resolve(hit)
          return true
        }
        return false
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(
          new Error(
            `${this.name}: no '${type}' event within ${timeoutMs} ms.\nlast events: ${JSON.stringify(this.events.slice(-8))}\nstderr: ${this.stderr.slice(-10).join('\n')}`
          )
        )
      }, timeoutMs)
      const cleanup = (): void => {
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

  /** Events of one type seen so far. */
  all<T extends OutputEvent['type']>(type: T): Array<EventOf<T>> {
    return this.events.filter((e): e is EventOf<T> => e.type === type)
  }

  /** Sends /users and returns the answer. */
  async users(): Promise<EventOf<'users'>['users']> {
    const from = this.events.length
    this.send('/users')
    return (await this.waitFor('users', () => true, { from })).users
  }

  /** Polls /users until `pred` holds (presence converges over gossip). */
  async waitForUsers(
    pred: (users: EventOf<'users'>['users']) => boolean,
    timeoutMs = 20_000
  ): Promise<EventOf<'users'>['users']> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const users = await this.users()
      if (pred(users)) {
        return users
      }
      if (Date.now() > deadline) {
        throw new Error(`${this.name}: users never matched; last: ${JSON.stringify(users)}`)
      }
      await new Promise((r) => setTimeout(r, 200))
    }
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode == null && this.child.signalCode == null) {
      this.child.kill(signal)
    }
  }
}

const live = new Set<PeerProcess>()
const dirs = new Set<string>()

/** A fresh temporary data directory, removed by cleanup(). */
export function tempDir(prefix = 'p2pchat-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  dirs.add(dir)
  return dir
}

/** Starts a peer and waits for its `ready` event. Loopback only and no mDNS unless `network` says otherwise. */
export async function spawnPeer(init: SpawnInit): Promise<PeerProcess> {
  const dataDir = init.dataDir ?? tempDir()
  const network = init.network ?? ['--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0']
  const args = [BIN, 'start', '--json', '--name', init.name, '--data-dir', dataDir, ...network]
  for (const b of init.bootstrap ?? []) {
    args.push('--bootstrap', b)
  }
  args.push(...(init.extraArgs ?? []))
  const [cmd, argv] = init.netns
    ? ['ip', ['netns', 'exec', init.netns, process.execPath, ...args]]
    : [process.execPath, args]
  const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, DEBUG: '' } })
  const peer = new PeerProcess(init.name, child, dataDir)
  live.add(peer)
  void peer.exited.then(() => live.delete(peer))
  const ready = await peer.waitFor('ready', () => true, { timeoutMs: 30_000 })
  peer.peerId = ready.peerId
  peer.addrs = ready.addrs
  return peer
}

/** What a one-shot p2pchat invocation printed, and how it ended. */
export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

const oneShots = new Set<ChildProcess>()

/**
 * Runs `p2pchat <args>` to completion with stdin closed (so a `start` that should have failed still ends).
 * `node` picks the Node binary, e.g. an old one; killed after `timeoutMs`, which shows as signal SIGKILL.
 */
export function runCli(
  args: string[],
  { node = process.execPath, timeoutMs = 20_000 }: { node?: string; timeoutMs?: number } = {}
): Promise<CliResult> {
  const child = spawn(node, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, DEBUG: '' } })
  oneShots.add(child)
  child.stdin!.end()
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
      oneShots.delete(child)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

/** Kills every peer still running and removes temp dirs; call from afterEach so failures clean up too. */
export async function cleanup(): Promise<void> {
  const peers = [...live]
  for (const p of peers) {
    p.kill('SIGKILL')
  }
  for (const child of oneShots) {
    child.kill('SIGKILL')
  }
  await Promise.all(peers.map((p) => p.exited))
  for (const dir of dirs) {
    rmSync(dir, { recursive: true, force: true })
  }
  dirs.clear()
}
