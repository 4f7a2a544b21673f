import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { addNetns, canRoute, destroyTopology, ip, NETNS_PREFIX, newId } from './netns.ts'
import { type PeerProcess, spawnPeer } from './peers.ts'
import { initRelay, newIdentity, type RelayProcess, startRelay } from './relay.ts'

const run = promisify(execFile)

/** Every relay listens on this port in its own namespace, so peer relays know each other's addresses up front. */
const RELAY_PORT = 4100

/** One relay's namespace: its address among relays, and the one every client reaches it on. */
export interface FederationRelayHost {
  ns: string
  /** on the backbone, where the relays meet (198.19.0.0/24: no client routes there) */
  backboneIp: string
  /** where clients reach it (a /32 on its loopback, routed over each client's own link) */
  clientIp: string
}

/** A client namespace with one point-to-point link to every relay and no route to any other client. */
export interface FederationClientHost {
  ns: string
  /** its address on the link to relay `r`, by relay index */
  ips: string[]
}

export interface FederationWorld {
  id: string
  relays: FederationRelayHost[]
  clients: FederationClientHost[]
}

/**
 * Relays on a backbone of their own (a bridge in a switch namespace) and clients that each have a /32 link to every
 * relay, as on the internet where any client can reach any public relay. Relays do not forward, and clients have no
 * route but their links, so no two clients can ever reach each other except through a relay (checked).
 */
export async function createFederationWorld(relayCount: number, clientCount: number): Promise<FederationWorld> {
  const id = newId()
  const world: FederationWorld = { id, relays: [], clients: [] }
  try {
    const switchNs = `${NETNS_PREFIX}fsw-${id}`
    await addNetns(switchNs)
    await ip('-n', switchNs, 'link', 'add', 'bb', 'type', 'bridge')
    await ip('-n', switchNs, 'link', 'set', 'bb', 'up')
    for (let r = 0; r < relayCount; r++) {
      const ns = `${NETNS_PREFIX}fr${r}-${id}`
      await addNetns(ns)
      await run('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=0'])
      await ip('-n', switchNs, 'link', 'add', `p${r}`, 'type', 'veth', 'peer', 'name', 'bb0', 'netns', ns)
      await ip('-n', switchNs, 'link', 'set', `p${r}`, 'master', 'bb')
      await ip('-n', switchNs, 'link', 'set', `p${r}`, 'up')
      const backboneIp = `198.19.0.${r + 1}`
      const clientIp = `198.18.${100 + r}.1`
      await ip('-n', ns, 'addr', 'add', `${backboneIp}/24`, 'dev', 'bb0')
      await ip('-n', ns, 'link', 'set', 'bb0', 'up')
      await ip('-n', ns, 'addr', 'add', `${clientIp}/32`, 'dev', 'lo')
      world.relays.push({ ns, backboneIp, clientIp })
    }
    for (let c = 0; c < clientCount; c++) {
      world.clients.push(await addClient(world, c))
    }
    await checkIsolation(world)
  } catch (err) {
    await destroyTopology(id)
    throw err
  }
  return world
}

async function addClient(world: FederationWorld, c: number): Promise<FederationClientHost> {
  const ns = `${NETNS_PREFIX}fc${c}-${world.id}`
  await addNetns(ns)
  const ips: string[] = []
  for (const [r, relay] of world.relays.entries()) {
    const relayEnd = `c${c}`
    const clientEnd = `r${r}`
    const clientIp = `198.18.${100 + r}.${10 + c}`
    await ip('-n', relay.ns, 'link', 'add', relayEnd, 'type', 'veth', 'peer', 'name', clientEnd, 'netns', ns)
    await ip('-n', relay.ns, 'link', 'set', relayEnd, 'up')
    await ip('-n', relay.ns, 'route', 'add', `${clientIp}/32`, 'dev', relayEnd, 'src', relay.clientIp)
    await ip('-n', ns, 'addr', 'add', `${clientIp}/32`, 'dev', clientEnd)
    await ip('-n', ns, 'link', 'set', clientEnd, 'up')
    await ip('-n', ns, 'route', 'add', `${relay.clientIp}/32`, 'dev', clientEnd, 'src', clientIp)
    ips.push(clientIp)
  }
  return { ns, ips }
}

/** Every client routes to every relay and to no other client, nor to the relays' backbone. */
async function checkIsolation(world: FederationWorld): Promise<void> {
  for (const client of world.clients) {
    const others = world.clients.filter((o) => o !== client).flatMap((o) => o.ips)
    const relays = await Promise.all(world.relays.map((r) => canRoute(client.ns, r.clientIp)))
    const strays = await Promise.all(
      [...others, ...world.relays.map((r) => r.backboneIp)].map((a) => canRoute(client.ns, a))
    )
    if (relays.includes(false) || strays.includes(true)) {
      throw new Error(`client ${client.ns} routes wrongly: relays ${relays.join()}, others ${strays.join()}`)
    }
  }
}

/** The relays of a world, started and peered with each other (each lists all the others as `--peer`). */
export async function startFederation(world: FederationWorld, admins: string[] = []): Promise<RelayProcess[]> {
  const admin = admins.length > 0 ? admins : [(await newIdentity()).peerId]
  const inits = await Promise.all(
    world.relays.map((_, r) =>
      initRelay({ admins: admin, name: `relay-${r}`, listen: [`/ip4/0.0.0.0/tcp/${RELAY_PORT}`] })
    )
  )
  return Promise.all(
    world.relays.map((host, r) => {
      const peers = world.relays.flatMap((other, o) =>
        o === r ? [] : ['--peer', `/ip4/${other.backboneIp}/tcp/${RELAY_PORT}/p2p/${inits[o].peerId}`]
      )
      return startRelay({ dataDir: inits[r].dataDir, netns: host.ns, extraArgs: peers })
    })
  )
}

/** The address a client dials relay `r` on. */
export function relayAddrFor(world: FederationWorld, relays: RelayProcess[], r: number): string {
  return `/ip4/${world.relays[r].clientIp}/tcp/${RELAY_PORT}/p2p/${relays[r].peerId}`
}

/** How to start a federated client: more arguments, a data directory to reuse, which relays to wait for. */
export interface FederatedClientInit {
  args?: string[]
  dataDir?: string
  /** relay indexes whose slot to wait for (default: all of `homes`; fewer when some are down) */
  waitFor?: number[]
}

/** A client in namespace `c` using the relays `homes` (indexes); resolves once those of `waitFor` reserved a slot. */
export async function spawnFederatedClient(
  name: string,
  world: FederationWorld,
  relays: RelayProcess[],
  c: number,
  homes: number[],
  init: FederatedClientInit = {}
): Promise<PeerProcess> {
  const relayArgs = homes.flatMap((r) => ['--relay', relayAddrFor(world, relays, r)])
  const peer = await spawnPeer({
    name,
    netns: world.clients[c].ns,
    dataDir: init.dataDir,
    network: ['--no-mdns', '--listen', '/ip4/0.0.0.0/tcp/0'],
    extraArgs: [...relayArgs, ...(init.args ?? [])]
  })
  const wanted = new Set((init.waitFor ?? homes).map((r) => relays[r].peerId))
  await peer.waitFor('relay', () => {
    const reserved = new Set(peer.all('relay').flatMap((e) => (e.state === 'reserved' ? [e.relay] : [])))
    return [...wanted].every((id) => reserved.has(id))
  })
  return peer
}
