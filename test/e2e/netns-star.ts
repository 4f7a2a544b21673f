import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'

/** One client namespace on its own link to the relay's namespace. */
export interface Spoke {
  ns: string
  /** the relay's address on this link */
  relayIp: string
  /** the client's address */
  ip: string
}

export interface Star {
  relayNs: string
  spokes: Spoke[]
}

const created = new Set<string>()

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

/** True when this machine lets the test create network namespaces (root, iproute2). */
export function netnsAvailable(): boolean {
  try {
    const probe = `p2pprobe${randomBytes(3).toString('hex')}`
    ip('netns', 'add', probe)
    ip('netns', 'del', probe)
    return true
  } catch {
    return false
  }
}

/**
 * A relay namespace with `count` client namespaces, each on its own veth link (198.18.<i>.0/24, the benchmarking
 * range, so nothing real is ever addressed). Clients have no route but their own link and the relay does not forward,
 * so clients reach the relay and never each other.
 */
export function createStar(count: number): Star {
  const id = randomBytes(3).toString('hex')
  const relayNs = `p2pr${id}`
  ip('netns', 'add', relayNs)
  created.add(relayNs)
  ip('-n', relayNs, 'link', 'set', 'lo', 'up')
  execFileSync('ip', ['netns', 'exec', relayNs, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=0'])
  const spokes: Spoke[] = []
  for (let i = 1; i <= count; i++) {
    const ns = `p2pc${id}${i}`
    ip('netns', 'add', ns)
    created.add(ns)
    ip('-n', ns, 'link', 'set', 'lo', 'up')
    const relayEnd = `v${id}${i}r`
    const clientEnd = `v${id}${i}c`
    ip('link', 'add', relayEnd, 'type', 'veth', 'peer', 'name', clientEnd)
    ip('link', 'set', relayEnd, 'netns', relayNs)
    ip('link', 'set', clientEnd, 'netns', ns)
    const relayIp = `198.18.${i}.1`
    const clientIp = `198.18.${i}.2`
    ip('-n', relayNs, 'addr', 'add', `${relayIp}/24`, 'dev', relayEnd)
    ip('-n', relayNs, 'link', 'set', relayEnd, 'up')
    ip('-n', ns, 'addr', 'add', `${clientIp}/24`, 'dev', clientEnd)
    ip('-n', ns, 'link', 'set', clientEnd, 'up')
    spokes.push({ ns, relayIp, ip: clientIp })
  }
  return { relayNs, spokes }
}

/** Whether `ns` has a route to `address` (the kernel's answer, no packets sent). */
export function canRoute(ns: string, address: string): boolean {
  try {
    ip('-n', ns, 'route', 'get', address)
    return true
  } catch {
    return false
  }
}

/** Deletes every namespace this process created (their veth links go with them). */
export function destroyNamespaces(): void {
  for (const ns of created) {
    try {
      ip('netns', 'del', ns)
    } catch {
      // already gone
    }
  }
  created.clear()
}
