import type { ChildProcess } from 'node:child_process'
import type { OutputEvent } from '../../../cli/output.ts'
import { until } from './feed.ts'
import { JsonProcess, LOOPBACK, type OfType, spawnCli, tempDir } from './process.ts'

export type EventOf<T extends OutputEvent['type']> = OfType<OutputEvent, T>

type Users = EventOf<'users'>['users']
type Listing = EventOf<'groups'>['groups'][number]

/** A p2pchat client in --json mode, driven line by line. */
export class PeerProcess extends JsonProcess<OutputEvent> {
  peerId = ''
  addrs: string[] = []

  constructor(
    name: string,
    child: ChildProcess,
    readonly dataDir: string
  ) {
    super(name, child)
  }

  /** Sends /users and returns the answer. */
  async users(): Promise<Users> {
    const from = this.events.length
    this.send('/users')
    return (await this.waitFor('users', () => true, { from })).users
  }

  /** Sends /members for `group` (a name or id) and returns the answer: members, roles, epoch and key id. */
  async members(group: string): Promise<EventOf<'members'>> {
    const from = this.events.length
    this.send(`/members ${group}`)
    return this.waitFor('members', () => true, { from })
  }

  /** Asks /users until `pred` holds (presence converges over gossip; no single event says it has). */
  async waitForUsers(pred: (users: Users) => boolean, timeoutMs = 20_000): Promise<Users> {
    let last: Users = []
    return until(
      `${this.name}'s users to match`,
      async () => {
        last = await this.users()
        return pred(last) && last
      },
      timeoutMs,
      () => JSON.stringify(last)
    )
  }
}

export interface SpawnInit {
  name: string
  bootstrap?: string[]
  /** run inside this network namespace (mDNS tests) */
  netns?: string
  /** replaces the loopback-only, no-mDNS defaults */
  network?: string[]
  dataDir?: string
  extraArgs?: string[]
  env?: NodeJS.ProcessEnv
  cwd?: string
}

/** Starts `p2pchat start --json` and waits for its `ready` event. Loopback only and no mDNS unless `network` says. */
export async function spawnPeer(init: SpawnInit): Promise<PeerProcess> {
  const dataDir = init.dataDir ?? tempDir()
  const args = ['start', '--json', '--name', init.name, '--data-dir', dataDir, ...(init.network ?? LOOPBACK)]
  for (const b of init.bootstrap ?? []) {
    args.push('--bootstrap', b)
  }
  args.push(...(init.extraArgs ?? []))
  const child = spawnCli(args, { netns: init.netns, env: init.env, cwd: init.cwd })
  return ready(new PeerProcess(init.name, child, dataDir))
}

/**
 * Peers named `names` on loopback, each after the first bootstrapped to it. With `untilAllSeeAll`, resolves once
 * every one of them lists all of them online.
 */
export async function spawnPeers(names: string[], init: { untilAllSeeAll?: boolean } = {}): Promise<PeerProcess[]> {
  const first = await spawnPeer({ name: names[0] })
  const rest = await Promise.all(names.slice(1).map((name) => spawnPeer({ name, bootstrap: [first.addrs[0]] })))
  const all = [first, ...rest]
  if (init.untilAllSeeAll === true) {
    await Promise.all(all.map((p) => p.waitForUsers((users) => users.length === all.length)))
  }
  return all
}

/** Waits for a client's `ready` event and records its PeerId and addresses. */
export async function ready(peer: PeerProcess): Promise<PeerProcess> {
  const event = await peer.waitFor('ready', () => true, { timeoutMs: 30_000 })
  peer.peerId = event.peerId
  peer.addrs = event.addrs
  return peer
}

/** Sends /groups until a listed group matches `pred` (listings spread by gossip; 45 s covers one periodic round). */
export async function waitForListing(
  p: PeerProcess,
  pred: (g: Listing) => boolean,
  timeoutMs = 45_000
): Promise<Listing> {
  let last: Listing[] = []
  return until(
    `${p.name} to list a matching group`,
    async () => {
      const from = p.events.length
      p.send('/groups')
      last = (await p.waitFor('groups', () => true, { from })).groups
      return last.find(pred)
    },
    timeoutMs,
    () => JSON.stringify(last)
  )
}
