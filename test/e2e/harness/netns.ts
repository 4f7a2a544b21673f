import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** Every namespace name we create starts with this, so a leftover is easy to recognise. */
export const NETNS_PREFIX = 'p2pchat-'

/**
 * Addresses exist only inside the namespaces the test creates, never on the host: a fixed private /24 is fine,
 * even when two runs overlap, because each run has its own bridge in its own namespace.
 */
const SUBNET = '10.213.7'

/** Namespaces created by this process and not yet removed, so a failed setup or test still cleans up. */
const created = new Set<string>()
/** Every namespace this process ever created, to check afterwards that none is left on the machine. */
const everCreated = new Set<string>()

/** Runs `ip` with these arguments; rejects with its stderr. */
export async function ip(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('ip', args, { timeout: 10_000 })
    return stdout
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim()
    throw new Error(`ip ${args.join(' ')} failed: ${stderr || (err instanceof Error ? err.message : String(err))}`)
  }
}

/** A short random id that names one topology's namespaces. */
export function newId(): string {
  return randomBytes(3).toString('hex')
}

/** Why namespace tests cannot run here (not root, no iproute2), or undefined when they can. */
export async function netnsUnsupported(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) {
    return 'network namespaces need root'
  }
  const probe = `${NETNS_PREFIX}probe-${newId()}`
  try {
    await run('ip', ['netns', 'add', probe], { timeout: 10_000 })
    await run('ip', ['netns', 'del', probe], { timeout: 10_000 })
  } catch (err) {
    return `'ip netns add' does not work here (${err instanceof Error ? err.message : String(err)})`
  }
  return undefined
}

/** Names of all network namespaces on the machine. */
export async function listNetns(): Promise<string[]> {
  const out = await ip('netns', 'list')
  return out
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter((name) => name.length > 0)
}

/** Creates a namespace (removed by destroyAllNetns) with its loopback up. */
export async function addNetns(name: string): Promise<void> {
  await ip('netns', 'add', name)
  created.add(name)
  everCreated.add(name)
  await ip('-n', name, 'link', 'set', 'lo', 'up')
}

async function destroyNetns(names: Iterable<string>): Promise<void> {
  const errors: string[] = []
  for (const name of new Set(names)) {
    if (!created.has(name)) {
      continue
    }
    try {
      // deleting a namespace destroys its veth ends, and with them their peers in the other namespace
      await ip('netns', 'del', name)
      created.delete(name)
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err))
    }
  }
  if (errors.length > 0) {
    throw new Error(`could not remove network namespaces:\n${errors.join('\n')}`)
  }
}

/** Removes every namespace this process created whose name contains `id` (one topology). */
export async function destroyTopology(id: string): Promise<void> {
  await destroyNetns([...created].filter((n) => n.includes(id)))
}

/** A namespace on the virtual LAN, with one veth interface plugged into the bridge. */
export interface NetnsHost {
  ns: string
  ip: string
  iface: string
}

/** A private LAN: a bridge in a "switch" namespace and one namespace per host, each wired to it by a veth pair. */
export interface Lan {
  id: string
  switchNs: string
  bridge: string
  hosts: NetnsHost[]
}

/**
 * Builds a LAN of `hostCount` namespaces (addresses 10.213.7.11, .12, ...) around a bridge that lives in its own
 * namespace, so nothing touches the host's interfaces. Each host gets a multicast route, which mDNS needs.
 */
export async function createLan(hostCount: number): Promise<Lan> {
  const id = newId()
  const switchNs = `${NETNS_PREFIX}sw-${id}`
  // interface names are limited to 15 characters; inside its own namespace this one cannot clash anyway
  const bridge = `br-${id}`
  const lan: Lan = { id, switchNs, bridge, hosts: [] }
  try {
    await addNetns(switchNs)
    // No IGMP querier on this LAN: without snooping the bridge simply floods multicast to every port.
    await ip('-n', switchNs, 'link', 'add', bridge, 'type', 'bridge', 'mcast_snooping', '0')
    await ip('-n', switchNs, 'link', 'set', bridge, 'up')
    for (let i = 0; i < hostCount; i++) {
      const ns = `${NETNS_PREFIX}h${i}-${id}`
      const port = `port${i}`
      const iface = 'eth0'
      const addr = `${SUBNET}.${11 + i}`
      await addNetns(ns)
      // created inside the switch namespace with its peer end directly in the host namespace
      await ip('-n', switchNs, 'link', 'add', port, 'type', 'veth', 'peer', 'name', iface, 'netns', ns)
      await ip('-n', switchNs, 'link', 'set', port, 'master', bridge)
      await ip('-n', switchNs, 'link', 'set', port, 'up')
      await ip('-n', ns, 'addr', 'add', `${addr}/24`, 'dev', iface)
      await ip('-n', ns, 'link', 'set', iface, 'up')
      await ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', iface)
      lan.hosts.push({ ns, ip: addr, iface })
    }
  } catch (err) {
    await destroyTopology(id)
    throw err
  }
  return lan
}

/** Takes a LAN host's link down (cut off from the others, as a pulled cable) or brings it up again. */
export async function setLink(host: NetnsHost, state: 'up' | 'down'): Promise<void> {
  if (!created.has(host.ns)) {
    throw new Error(`${host.ns} is not a namespace of this test`)
  }
  await ip('-n', host.ns, 'link', 'set', host.iface, state)
  if (state === 'up') {
    // taking a link down drops the routes through it; the kernel restores only the subnet's, not mDNS's multicast one
    await ip('-n', host.ns, 'route', 'replace', '224.0.0.0/4', 'dev', host.iface)
  }
}

/** Removes the LAN's namespaces. Kill the processes running in them first (harness cleanup()). */
export async function destroyLan(lan: Lan): Promise<void> {
  await destroyTopology(lan.id)
}

/** One client namespace on its own link to the relay's namespace. */
export interface Spoke {
  ns: string
  /** the relay's address on this link */
  relayIp: string
  /** the client's address */
  ip: string
  /** the client's end of the link, in `ns` (to cut it) */
  iface: string
}

export interface Star {
  id: string
  relayNs: string
  spokes: Spoke[]
}

/**
 * A relay namespace with `count` client namespaces, each on its own veth link (198.18.<i>.0/24, the benchmarking
 * range, so nothing real is ever addressed). Clients have no route but their own link and the relay does not forward,
 * so clients reach the relay and never each other.
 */
export async function createStar(count: number): Promise<Star> {
  const id = newId()
  const relayNs = `${NETNS_PREFIX}r-${id}`
  const star: Star = { id, relayNs, spokes: [] }
  try {
    await addNetns(relayNs)
    await run('ip', ['netns', 'exec', relayNs, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=0'])
    for (let i = 1; i <= count; i++) {
      const ns = `${NETNS_PREFIX}c${i}-${id}`
      await addNetns(ns)
      const relayEnd = `v${id}${i}r`
      const clientEnd = `v${id}${i}c`
      // created inside the relay namespace with its peer end directly in the client's: the host sees neither
      await ip('-n', relayNs, 'link', 'add', relayEnd, 'type', 'veth', 'peer', 'name', clientEnd, 'netns', ns)
      const relayIp = `198.18.${i}.1`
      const clientIp = `198.18.${i}.2`
      await ip('-n', relayNs, 'addr', 'add', `${relayIp}/24`, 'dev', relayEnd)
      await ip('-n', relayNs, 'link', 'set', relayEnd, 'up')
      await ip('-n', ns, 'addr', 'add', `${clientIp}/24`, 'dev', clientEnd)
      await ip('-n', ns, 'link', 'set', clientEnd, 'up')
      star.spokes.push({ ns, relayIp, ip: clientIp, iface: clientEnd })
    }
  } catch (err) {
    await destroyTopology(id)
    throw err
  }
  return star
}

/** Whether `ns` has a route to `address` (the kernel's answer, no packets sent). */
export async function canRoute(ns: string, address: string): Promise<boolean> {
  try {
    await ip('-n', ns, 'route', 'get', address)
    return true
  } catch {
    return false
  }
}

/** Removes every namespace this process created and still holds; for afterEach/afterAll, also after a failed setup. */
export async function destroyAllNetns(): Promise<void> {
  await destroyNetns(created)
}

/** Namespaces this process ever created that still exist on the machine (none, after cleanup). */
export async function leftoverNetns(): Promise<string[]> {
  return (await listNetns()).filter((name) => everCreated.has(name))
}

/** How many namespaces this process has created so far. */
export function createdNetnsCount(): number {
  return everCreated.size
}
