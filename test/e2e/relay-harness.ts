import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { tempDir } from './harness.ts'

const BIN = new URL('../../bin/p2pchat.js', import.meta.url).pathname
const run = promisify(execFile)

export type JsonEvent = { type: string } & Record<string, unknown>

function command(args: string[], netns?: string): [string, string[]] {
  return netns ? ['ip', ['netns', 'exec', netns, process.execPath, BIN, ...args]] : [process.execPath, [BIN, ...args]]
}

/** A `p2pchat relay start --json` process. */
export class RelayProcess {
  readonly events: JsonEvent[] = []
  readonly stderr: string[] = []
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  peerId = ''
  addrs: string[] = []
  private readonly waiters = new Set<() => void>()

  constructor(
    readonly child: ChildProcess,
    readonly dataDir: string
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as JsonEvent)
      } catch {
        this.stderr.push(`(stdout, not JSON) ${line}`)
      }
      for (const wake of this.waiters) {
        wake()
      }
    })
    createInterface({ input: child.stderr! }).on('line', (line) => this.stderr.push(line))
  }

  /** First event of `type` matching `pred`, from index `from` on; rejects after `timeoutMs` or if the relay exits. */
  waitFor(
    type: string,
    pred: (e: JsonEvent) => boolean = () => true,
    { timeoutMs = 20_000, from = 0 }: { timeoutMs?: number; from?: number } = {}
  ): Promise<JsonEvent> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = this.events.slice(from).find((e) => e.type === type && pred(e))
        if (hit != null) {
          done()
          resolve(hit)
        }
      }
      const fail = (why: string): void => {
        done()
        reject(
          new Error(
            `relay: ${why} waiting for '${type}'.\nevents: ${JSON.stringify(this.events.slice(-8))}\nstderr: ${this.stderr.slice(-10).join('\n')}`
          )
        )
      }
      const timer = setTimeout(() => fail(`nothing within ${timeoutMs} ms`), timeoutMs)
      void this.exited.then(() => setTimeout(() => fail('exited'), 50))
      const done = (): void => {
        clearTimeout(timer)
        this.waiters.delete(check)
      }
      this.waiters.add(check)
      check()
    })
  }

  /** The address a client in `netns`-land should dial: the one on `ip`, or loopback. */
  addrOn(ip = '127.0.0.1'): string {
    const addr = this.addrs.find((a) => a.startsWith(`/ip4/${ip}/tcp/`) && !a.includes('/ws'))
    if (addr == null) {
      throw new Error(`relay has no TCP address on ${ip}: ${this.addrs.join(' ')}`)
    }
    return addr
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode == null && this.child.signalCode == null) {
      this.child.kill(signal)
    }
  }
}

const live = new Set<RelayProcess>()

/** A fresh client data directory and its PeerId (`p2pchat id`), e.g. to make that client an admin. */
export async function newIdentity(): Promise<{ dataDir: string; peerId: string }> {
  const dataDir = tempDir()
  const { stdout } = await run(process.execPath, [BIN, 'id', '--json', '--data-dir', dataDir])
  return { dataDir, peerId: (JSON.parse(stdout.trim()) as { peerId: string }).peerId }
}

/** `p2pchat relay init`; resolves with the relay's PeerId. */
export async function initRelay(init: {
  dataDir?: string
  admins: string[]
  name?: string
  listen?: string[]
}): Promise<{ dataDir: string; peerId: string }> {
  const dataDir = init.dataDir ?? tempDir('p2pchat-relay-')
  const args = ['relay', 'init', '--json', '--data-dir', dataDir, '--name', init.name ?? 'Test relay']
  for (const admin of init.admins) {
    args.push('--admin', admin)
  }
  for (const addr of init.listen ?? ['/ip4/0.0.0.0/tcp/0']) {
    args.push('--listen', addr)
  }
  const { stdout } = await run(process.execPath, [BIN, ...args])
  const created = JSON.parse(stdout.trim()) as { peerId: string }
  return { dataDir, peerId: created.peerId }
}

/** Starts `p2pchat relay start --json` and waits for `ready` (or returns early with `waitReady: false`). */
export async function startRelay(init: {
  dataDir: string
  netns?: string
  listen?: string[]
  waitReady?: boolean
}): Promise<RelayProcess> {
  const args = ['relay', 'start', '--json', '--data-dir', init.dataDir]
  for (const addr of init.listen ?? []) {
    args.push('--listen', addr)
  }
  const [cmd, argv] = command(args, init.netns)
  const child = spawn(cmd, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DEBUG: process.env.P2PCHAT_RELAY_DEBUG ?? '' }
  })
  const relay = new RelayProcess(child, init.dataDir)
  live.add(relay)
  void relay.exited.then(() => live.delete(relay))
  if (init.waitReady !== false) {
    const ready = await relay.waitFor('ready', () => true, { timeoutMs: 30_000 })
    relay.peerId = String(ready.peerId)
    relay.addrs = ready.addrs as string[]
  }
  return relay
}

/** Runs `p2pchat relay admin ... --json` (in `netns` if given) and returns its exit code and JSON answer. */
export async function localAdmin(
  dataDir: string,
  words: string[],
  netns?: string
): Promise<{ code: number; event: JsonEvent }> {
  const [cmd, argv] = command(['relay', 'admin', '--json', '--data-dir', dataDir, ...words], netns)
  try {
    const { stdout } = await run(cmd, argv)
    return { code: 0, event: JSON.parse(stdout.trim()) as JsonEvent }
  } catch (err) {
    const e = err as { code?: number; stdout?: string }
    return { code: e.code ?? -1, event: JSON.parse((e.stdout ?? '{}').trim() || '{}') as JsonEvent }
  }
}

/** Kills every relay still running; call from afterEach/afterAll next to the harness's cleanup(). */
export async function killRelays(): Promise<void> {
  const relays = [...live]
  for (const r of relays) {
    r.kill('SIGKILL')
  }
  await Promise.all(relays.map((r) => r.exited))
}
