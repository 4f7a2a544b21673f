import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { watchResources } from './faults.ts'
import { until } from './feed.ts'
import {
  type CheckedEvent,
  type CheckInit,
  type CheckResult,
  checkGuarantees,
  type PeerLog,
  type ProcessExit,
  type ResourceSample,
  type Tally
} from './guarantees.ts'
import type { PeerProcess } from './peers.ts'
import type { JsonEvent, JsonProcess } from './process.ts'

/**
 * How big a chaos scenario runs: `short` in `npm test` (seconds, few processes), `long` in `npm run chaos`.
 * P2PCHAT_CHAOS_PEERS and P2PCHAT_CHAOS_ROUNDS scale the long runs up on a machine that has room.
 */
export interface ChaosSize {
  long: boolean
  peers: number
  rounds: number
}

/** The size this run asks for: P2PCHAT_CHAOS=long (npm run chaos) or the short default. */
export function chaosSize(
  short: { peers: number; rounds: number },
  long: { peers: number; rounds: number }
): ChaosSize {
  const isLong = process.env.P2PCHAT_CHAOS === 'long'
  const base = isLong ? long : short
  const override = (name: string, fallback: number): number => {
    const v = Number(process.env[name])
    return isLong && Number.isInteger(v) && v > 0 ? v : fallback
  }
  return {
    long: isLong,
    peers: override('P2PCHAT_CHAOS_PEERS', base.peers),
    rounds: override('P2PCHAT_CHAOS_ROUNDS', base.rounds)
  }
}

interface Run {
  proc: JsonProcess<JsonEvent> | PeerProcess
  expectedExit: boolean
  exit?: ProcessExit
}

/**
 * The processes of one scenario by name, across restarts: each run's events, how it ended, and its /proc samples,
 * ready for the guarantee checker.
 */
export class Fleet {
  private readonly runs = new Map<string, Run[]>()
  private readonly samples = new Map<string, ResourceSample[]>()
  private readonly ids = new Map<string, string>()

  constructor() {
    liveFleets.add(this)
  }

  /** Writes each process's events and stderr to `dir`, one file per run (`alice.log`, `relay-2.log`, ...). */
  saveLogs(dir: string): void {
    mkdirSync(dir, { recursive: true })
    for (const [name, runs] of this.runs) {
      runs.forEach((run, i) => {
        const events = run.proc.events.map((e) => JSON.stringify(e)).join('\n')
        const file = join(dir, `${name}${i === 0 ? '' : `-${i + 1}`}.log`)
        writeFileSync(file, `${events}\n---STDERR---\n${run.proc.stderr.join('\n')}\n`)
      })
    }
  }

  /** Follows a new process (or a restarted one) under `name`. */
  track<P extends JsonProcess<JsonEvent> | PeerProcess>(name: string, proc: P, peerId = peerIdOf(proc)): P {
    const run: Run = { proc, expectedExit: false }
    const runs = this.runs.get(name) ?? []
    runs.push(run)
    this.runs.set(name, runs)
    if (peerId !== '') {
      this.ids.set(name, peerId)
    }
    void proc.exited.then((e) => {
      run.exit = { code: e.code, signal: e.signal, expected: run.expectedExit }
    })
    const samples = this.samples.get(name) ?? []
    this.samples.set(name, samples)
    if (proc.child.pid != null) {
      watchResources(proc.child.pid, samples)
    }
    return proc
  }

  /** Kills `name`'s current process with `signal`, as the scenario means to, and waits until it is gone. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const run = this.current(name)
    run.expectedExit = true
    run.proc.kill(signal)
    await run.proc.exited
  }

  current(name: string): Run {
    const run = this.runs.get(name)?.at(-1)
    if (run == null) {
      throw new Error(`no process named ${name}`)
    }
    return run
  }

  /** Every peer's log for the checker (processes still running have no exit yet). */
  logs(): PeerLog[] {
    return [...this.runs].map(([name, runs]) => ({
      name,
      peerId: this.ids.get(name) ?? '',
      events: runs.flatMap((r): CheckedEvent[] => [...r.proc.events]),
      exits: runs.flatMap((r) => (r.exit == null ? [] : [r.exit])),
      samples: this.samples.get(name) ?? []
    }))
  }

  check(init: Omit<CheckInit, 'peers'> = {}): CheckResult {
    return checkGuarantees({ ...init, peers: this.logs() })
  }

  /**
   * Waits until nothing owed is missing any more (the network healed and caught up), for at most `timeoutMs`;
   * resolves with how long that took. Violations of other rules are left to the final check.
   */
  async settle(init: Omit<CheckInit, 'peers'>, timeoutMs: number): Promise<number> {
    const start = Date.now()
    await until(
      'every owed message to be shown',
      () => this.check(init).tally.lost === 0,
      timeoutMs,
      () => JSON.stringify(this.check(init).violations.slice(0, 10))
    ).catch(() => {})
    return Date.now() - start
  }
}

/** The PeerId a client or relay process reported when it became ready. */
function peerIdOf(proc: object): string {
  const id: unknown = Reflect.get(proc, 'peerId')
  return typeof id === 'string' ? id : ''
}

/** One line of the chaos table. */
export interface ChaosRow extends Tally {
  scenario: string
  /** from the end of the fault until every owed message was shown, ms */
  healMs: number
  violations: number
  /** what the heal time means where it is not the time to heal */
  note?: string
}

/** Appends a scenario's figures to P2PCHAT_CHAOS_RESULTS (a JSON-lines file), where `npm run chaos` reads them. */
export function recordRow(scenario: string, result: CheckResult, healMs: number, note?: string): ChaosRow {
  const row: ChaosRow = {
    scenario,
    ...result.tally,
    healMs,
    violations: result.violations.length,
    ...(note ? { note } : {})
  }
  const out = process.env.P2PCHAT_CHAOS_RESULTS
  if (out != null && out !== '') {
    appendFileSync(out, `${JSON.stringify(row)}\n`)
  }
  console.log(`chaos: ${JSON.stringify(row)}`)
  return row
}

/** Sends `line` and waits for the `sent` event of `text`; resolves with its id. */
export async function sendAndWait(peer: PeerProcess, line: string, text: string, timeoutMs = 30_000): Promise<string> {
  const from = peer.events.length
  peer.send(line)
  const sent = await peer.waitFor('sent', (s) => s.text === text, { from, timeoutMs })
  return sent.id
}

/**
 * Sends a DM line and waits for its `sent`, or for the error that refused it before it left (the recipient is not
 * online for us: UNKNOWN_USER), which is an outcome the sender is told of; resolves with the id, if it left.
 */
export async function sendDm(
  peer: PeerProcess,
  to: string,
  text: string,
  timeoutMs = 30_000
): Promise<string | undefined> {
  const from = peer.events.length
  peer.send(`/msg ${to} ${text}`)
  const outcome = await Promise.race([
    peer.waitFor('sent', (s) => s.text === text, { from, timeoutMs }),
    peer.waitFor('error', (e) => DM_FAILURES.has(e.code), { from, timeoutMs })
  ])
  return outcome.type === 'sent' ? outcome.id : undefined
}

/**
 * Waits until the lobby works again between every two of `clients`: each sends probe lines (a few seconds apart)
 * until every other one showed one of them. The probes' ids go to `into`, if given (a scenario that owes nothing
 * sent during the fault). Resolves with how long that took.
 */
export async function lobbyHealed(clients: PeerProcess[], into?: Set<string>, timeoutMs = 120_000): Promise<number> {
  const start = Date.now()
  await Promise.all(
    clients.map(async (c) => {
      const prefix = `probe ${c.name} `
      const heard = (): boolean =>
        clients.every((o) => o === c || o.all('message').some((m) => m.text.startsWith(prefix)))
      for (let k = 0; !heard(); k++) {
        if (Date.now() - start > timeoutMs) {
          throw new Error(`${c.name}'s lobby lines did not reach everyone within ${timeoutMs} ms`)
        }
        const id = await sendAndWait(c, `${prefix}${k}`, `${prefix}${k}`)
        into?.add(id)
        await until(`${c.name}'s probe to be heard`, heard, PROBE_INTERVAL_MS).catch(() => {})
      }
    })
  )
  return Date.now() - start
}

/**
 * Asks every one of `members` for the state of group `groupId` (`/members`) until all agree (the checker's
 * `group-converged` rule holds), for at most `timeoutMs`; resolves with how long that took.
 */
export async function groupConverged(
  fleet: Fleet,
  members: PeerProcess[],
  groupId: string,
  timeoutMs = 90_000
): Promise<number> {
  const start = Date.now()
  const init = { converged: { [groupId]: members.map((m) => m.name) } }
  const disagreements = () => fleet.check(init).violations.filter((v) => v.rule === 'group-converged')
  await until(
    `the members of group ${groupId} to agree on its state`,
    async () => {
      await Promise.all(members.map((m) => m.members(groupId)))
      return disagreements().length === 0
    },
    timeoutMs,
    () => JSON.stringify(disagreements())
  )
  return Date.now() - start
}

/** How long a probe line is given to reach everyone before the next one is sent. */
const PROBE_INTERVAL_MS = 3000

/** Error codes that end a DM without an acknowledgement. */
const DM_FAILURES = new Set(['DELIVERY_FAILED', 'DELIVERY_REFUSED', 'UNKNOWN_USER', 'NO_PREKEYS', 'TIMEOUT', 'ABORTED'])

/**
 * Waits until every DM `peer` sent has an outcome: `delivered`, or an error that ends it. DM errors carry no
 * message id, so outcomes are counted, which suffices because each DM gets exactly one.
 */
export async function dmOutcomes(peer: PeerProcess, timeoutMs = 60_000): Promise<void> {
  const count = (): { sent: number; ended: number } => ({
    sent: peer.all('sent').filter((s) => s.scope === 'dm').length,
    ended: peer.all('delivered').length + peer.all('error').filter((e) => DM_FAILURES.has(e.code)).length
  })
  await until(
    `${peer.name}'s DMs to be delivered or fail`,
    () => count().ended >= count().sent,
    timeoutMs,
    () => JSON.stringify(count())
  )
}

/** The fleets of the scenario under way, so that a failed one can leave its logs behind (see saveFailedLogs). */
const liveFleets = new Set<Fleet>()

/**
 * After a scenario: with P2PCHAT_CHAOS_LOGS set and the scenario failed, every process's events and stderr go to
 * `$P2PCHAT_CHAOS_LOGS/<scenario>/` (with P2PCHAT_CLIENT_DEBUG, the relay harness's clients log libp2p's debug
 * lines there too). A 50-client failure takes 13 minutes to reproduce: this keeps what it showed.
 */
export function saveFailedLogs(scenario: string, failed: boolean): string | undefined {
  const root = process.env.P2PCHAT_CHAOS_LOGS
  const fleets = [...liveFleets]
  liveFleets.clear()
  if (!failed || root == null || root === '') {
    return undefined
  }
  const dir = join(root, scenario.replace(/[^a-zA-Z0-9]+/g, '-').slice(0, 60))
  for (const fleet of fleets) {
    fleet.saveLogs(dir)
  }
  return dir
}
