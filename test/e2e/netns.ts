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

/** Namespaces created by this process and not yet removed, so a failed setup or test still cleans up. */
const created = new Set<string>()
/** Every namespace this process ever created, to check afterwards that none is left on the machine. */
const everCreated = new Set<string>()

async function ip(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('ip', args, { timeout: 10_000 })
    return stdout
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim()
    throw new Error(`ip ${args.join(' ')} failed: ${stderr || (err instanceof Error ? err.message : String(err))}`)
  }
}

/** Why namespace tests cannot run here (not root, no iproute2), or undefined when they can. */
export async function netnsUnsupported(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) {
    return 'network namespaces need root'
  }
  try {
    await run('ip', ['netns', 'list'], { timeout: 10_000 })
  } catch (err) {
    return `'ip netns' is not available (${err instanceof Error ? err.message : String(err)})`
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

async function addNetns(name: string): Promise<void> {
  await ip('netns', 'add', name)
  created.add(name)
  everCreated.add(name)
  await ip('-n', name, 'link', 'set', 'lo', 'up')
}

/**
 * Builds a LAN of `hostCount` namespaces (addresses 10.213.7.11, .12, ...) around a bridge that lives in its own
 * namespace, so nothing touches the host's interfaces. Each host gets a multicast route, which mDNS needs.
 */
export async function createLan(hostCount: number): Promise<Lan> {
  const id = randomBytes(3).toString('hex')
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
    await destroyNetns([switchNs, ...lan.hosts.map((h) => h.ns), ...created].filter((n) => n.includes(id)))
    throw err
  }
  return lan
}

async function destroyNetns(names: string[]): Promise<void> {
  const errors: string[] = []
  for (const name of new Set(names)) {
    if (!created.has(name)) {
      continue
    }
    try {
      // deleting a namespace destroys its veth ends, and with them their peers in the switch namespace
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

/** Removes the LAN's namespaces. Kill the processes running in them first (harness cleanup()). */
export async function destroyLan(lan: Lan): Promise<void> {
  await destroyNetns([...lan.hosts.map((h) => h.ns), lan.switchNs, ...[...created].filter((n) => n.includes(lan.id))])
}

/** Removes every namespace this process created and still holds; for afterAll, also after a failed setup. */
export async function destroyAllNetns(): Promise<void> {
  await destroyNetns([...created])
}

/** Namespaces this process ever created that still exist on the machine (none, after cleanup). */
export async function leftoverNetns(): Promise<string[]> {
  return (await listNetns()).filter((name) => everCreated.has(name))
}

/** How many namespaces this process has created so far. */
export function createdNetnsCount(): number {
  return everCreated.size
}
