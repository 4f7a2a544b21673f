import type { ChildProcess } from 'node:child_process'
import { setPriority } from 'node:os'
import { canRoute, createStar, ip, type Spoke, type Star } from './netns.ts'
import { type PeerProcess, spawnPeer } from './peers.ts'
import { type JsonEvent, JsonProcess, onlyEvent, runCli, spawnCli, tempDir } from './process.ts'

/** A `p2pchat relay start --json` process. */
export class RelayProcess extends JsonProcess<JsonEvent> {
  peerId = ''
  addrs: string[] = []

  constructor(
    child: ChildProcess,
    readonly dataDir: string
  ) {
    super('relay', child)
  }

  /** The address a client in `netns`-land should dial: the one on `ip`, or loopback. */
  addrOn(ip = '127.0.0.1'): string {
    const addr = this.addrs.find((a) => a.startsWith(`/ip4/${ip}/tcp/`) && !a.includes('/ws'))
    if (addr == null) {
      throw new Error(`relay has no TCP address on ${ip}: ${this.addrs.join(' ')}`)
    }
    return addr
  }
}

const live = new Set<RelayProcess>()

/** Runs a one-shot `--json` command that must succeed and print one object. */
async function jsonCommand(args: string[]): Promise<JsonEvent> {
  const result = await runCli(args)
  if (result.code !== 0) {
    throw new Error(`p2pchat ${args.join(' ')} exited ${result.code}:\n${result.stdout}${result.stderr}`)
  }
  return onlyEvent(result)
}

/** A fresh client data directory and its PeerId (`p2pchat id`), e.g. to make that client an admin. */
export async function newIdentity(): Promise<{ dataDir: string; peerId: string }> {
  const dataDir = tempDir()
  const { peerId } = await jsonCommand(['id', '--json', '--data-dir', dataDir])
  return { dataDir, peerId: String(peerId) }
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
  const { peerId } = await jsonCommand(args)
  return { dataDir, peerId: String(peerId) }
}

/**
 * The relay's scheduling priority (nice value) in tests. A relay is a server with a CPU of its own; here it shares two
 * cores with every client of the test. At an equal share, 50 busy clients left it about 4% of a core while it needed
 * about a quarter of one after a restart (measured: 1.1-1.4 s of CPU per 5 s); its answers to pings came later than
 * the clients wait, they dropped it, and reconnecting loaded it more: 134-2,908 lobby lines lost per run, or no heal.
 * At -10 it gets what it needs and the same scenario lost none in 4 runs of 5 (2 lines in the other).
 */
export const RELAY_NICE = -10

/** Gives a relay process RELAY_NICE; a test run without the right to (not root) keeps the usual priority. */
function favourRelay(child: ChildProcess): void {
  if (child.pid == null) {
    return
  }
  try {
    setPriority(child.pid, RELAY_NICE)
  } catch {
    // EACCES without CAP_SYS_NICE: the relay still runs, at an equal share
  }
}

/** Starts `p2pchat relay start --json` and waits for `ready` (or returns early with `waitReady: false`). */
export async function startRelay(init: {
  dataDir: string
  netns?: string
  listen?: string[]
  waitReady?: boolean
  /** more arguments for `relay start` */
  extraArgs?: string[]
}): Promise<RelayProcess> {
  const args = ['relay', 'start', '--json', '--data-dir', init.dataDir, ...(init.extraArgs ?? [])]
  for (const addr of init.listen ?? []) {
    args.push('--listen', addr)
  }
  const child = spawnCli(args, {
    netns: init.netns,
    stdin: 'ignore',
    env: { DEBUG: process.env.P2PCHAT_RELAY_DEBUG ?? '' }
  })
  favourRelay(child)
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

/**
 * A client in its own namespace (a spoke of createStar) that knows only the relay, through its link; resolves
 * once its relay reservation holds.
 */
export async function spawnRelayClient(
  name: string,
  spoke: Spoke,
  relay: RelayProcess,
  dataDir?: string
): Promise<PeerProcess> {
  const peer = await spawnPeer({
    name,
    netns: spoke.ns,
    dataDir,
    network: ['--no-mdns', '--listen', '/ip4/0.0.0.0/tcp/0'],
    extraArgs: ['--relay', relay.addrOn(spoke.relayIp)],
    // like P2PCHAT_RELAY_DEBUG for the relay: debug logging of every star client, to diagnose a scenario
    env: process.env.P2PCHAT_CLIENT_DEBUG ? { DEBUG: process.env.P2PCHAT_CLIENT_DEBUG } : undefined
  })
  await peer.waitFor('relay', (e) => e.state === 'reserved', { timeoutMs: RESERVATION_WAIT_MS })
  return peer
}

/**
 * How long a star client may take to hold its slot: a first attempt can time out in the Noise handshake while
 * dozens of clients start at once on two cores, and the client's own retry comes after its backoff (seconds).
 */
const RESERVATION_WAIT_MS = 60_000

/** Clients relayStar starts at once. */
const STAR_SPAWN_BATCH = 6

/** What relayStar built: the namespaces, the relay in the middle, and one online client per spoke. */
export interface RelayStar {
  star: Star
  relay: RelayProcess
  clients: PeerProcess[]
}

/**
 * A relay in its own namespace and one client per name in `names`, each in a namespace of its own that routes to
 * the relay and to no other client (checked), all online and seeing each other through the relay.
 */
export async function relayStar(
  names: string[],
  init: {
    listen?: string[]
    admins?: string[]
    dataDirs?: Record<string, string>
    /** more addresses for the relay, on its loopback interface (a relay on many networks) */
    extraRelayAddrs?: number
  } = {}
): Promise<RelayStar> {
  const star = await createStar(names.length)
  for (let i = 1; i <= (init.extraRelayAddrs ?? 0); i++) {
    await ip('-n', star.relayNs, 'addr', 'add', `10.250.${Math.floor(i / 250)}.${(i % 250) + 1}/32`, 'dev', 'lo')
  }
  for (const spoke of star.spokes) {
    const others = star.spokes.filter((s) => s !== spoke)
    const reaches = await Promise.all([spoke.relayIp, ...others.map((o) => o.ip)].map((ip) => canRoute(spoke.ns, ip)))
    if (reaches.join() !== [true, ...others.map(() => false)].join()) {
      throw new Error(`the star is not a star: from ${spoke.ns}, relay and clients route ${reaches.join(', ')}`)
    }
  }
  const { dataDir } = await initRelay({ admins: init.admins ?? [(await newIdentity()).peerId] })
  const relay = await startRelay({ dataDir, netns: star.relayNs, listen: init.listen ?? ['/ip4/0.0.0.0/tcp/0'] })
  // a few at a time: thirty Node processes starting at once on two cores miss their 30 s ready timeout
  const clients: PeerProcess[] = []
  for (let from = 0; from < names.length; from += STAR_SPAWN_BATCH) {
    const batch = names.slice(from, from + STAR_SPAWN_BATCH)
    clients.push(
      ...(await Promise.all(
        batch.map((name, j) => spawnRelayClient(name, star.spokes[from + j], relay, init.dataDirs?.[name]))
      ))
    )
  }
  await Promise.all(clients.map((p) => p.waitForUsers((users) => users.length === names.length)))
  return { star, relay, clients }
}

/** Runs `p2pchat relay admin ... --json` (in `netns` if given) and returns its exit code and JSON answer. */
export async function localAdmin(
  dataDir: string,
  words: string[],
  netns?: string
): Promise<{ code: number; event: JsonEvent }> {
  const result = await runCli(['relay', 'admin', '--json', '--data-dir', dataDir, ...words], { netns })
  return { code: result.code ?? -1, event: result.events[0] ?? { type: 'none' } }
}

/** Kills every relay still running (cleanup() does too); for afterEach/afterAll. */
export async function killRelays(): Promise<void> {
  const relays = [...live]
  for (const r of relays) {
    r.kill('SIGKILL')
  }
  await Promise.all(relays.map((r) => r.exited))
}
