import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { addNetns, destroyTopology, ip, NETNS_PREFIX, newId } from './netns.ts'

const run = promisify(execFile)

/** The "internet": a bridge the relay and the routers' WAN ports hang on (TEST-NET-2, never routed for real). */
const PUBLIC = '198.51.100'

/** One home network: a NAT router and the client behind it. */
export interface NatHome {
  /** the router's namespace (nftables masquerade, drops unsolicited inbound traffic) */
  routerNs: string
  /** the router's public address */
  publicIp: string
  /** the client's namespace and private address */
  ns: string
  ip: string
}

/** A relay on a public bridge and clients each behind its own NAT router. */
export interface NatWorld {
  id: string
  relayNs: string
  relayIp: string
  /** the relay's interface on the public bridge, whose byte counters say what it carried */
  relayIface: string
  homes: NatHome[]
}

async function nft(ns: string, ...rule: string[]): Promise<void> {
  try {
    await run('ip', ['netns', 'exec', ns, 'nft', ...rule], { timeout: 10_000 })
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim()
    throw new Error(`nft ${rule.join(' ')} in ${ns} failed: ${stderr || String(err)}`)
  }
}

/** A veth pair from namespace `a` (named `aName`) to `b` (named `bName`), both ends up. */
async function wire(a: string, aName: string, b: string, bName: string): Promise<void> {
  await ip('-n', a, 'link', 'add', aName, 'type', 'veth', 'peer', 'name', bName, 'netns', b)
  await ip('-n', a, 'link', 'set', aName, 'up')
  await ip('-n', b, 'link', 'set', bName, 'up')
}

/**
 * Masquerades the LAN behind `wan` and, like a home router, lets in from the public side only replies to what the LAN
 * sent (forward and input chains). A router that accepted unsolicited UDP would spoil hole punching: the other side's
 * first packet would claim the public port the router's own masquerade later wants.
 */
async function makeNatRouter(ns: string): Promise<void> {
  await run('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1'])
  await nft(ns, 'add', 'table', 'ip', 'nat')
  await nft(ns, 'add', 'chain', 'ip', 'nat', 'post', '{ type nat hook postrouting priority 100; }')
  await nft(ns, 'add', 'rule', 'ip', 'nat', 'post', 'oifname', 'wan', 'masquerade')
  await nft(ns, 'add', 'table', 'inet', 'f')
  await nft(ns, 'add', 'chain', 'inet', 'f', 'forwardf', '{ type filter hook forward priority 0; policy drop; }')
  await nft(ns, 'add', 'rule', 'inet', 'f', 'forwardf', 'iifname', 'lan', 'accept')
  await nft(ns, 'add', 'rule', 'inet', 'f', 'forwardf', 'ct', 'state', 'established,related', 'accept')
  await nft(ns, 'add', 'chain', 'inet', 'f', 'inputf', '{ type filter hook input priority 0; policy drop; }')
  await nft(ns, 'add', 'rule', 'inet', 'f', 'inputf', 'iifname', '{ "lan", "lo" }', 'accept')
  await nft(ns, 'add', 'rule', 'inet', 'f', 'inputf', 'ct', 'state', 'established,related', 'accept')
}

/**
 * A relay namespace on a public bridge (198.51.100.1) and `count` homes: each a NAT router (198.51.100.<10+i>) with
 * one client behind it (10.77.<i>.2). Clients reach the relay through their router and never each other's private
 * address; nothing touches the host's interfaces.
 */
export async function createNatWorld(count: number): Promise<NatWorld> {
  const id = newId()
  const switchNs = `${NETNS_PREFIX}nsw-${id}`
  const relayNs = `${NETNS_PREFIX}nr-${id}`
  const world: NatWorld = { id, relayNs, relayIp: `${PUBLIC}.1`, relayIface: 'eth0', homes: [] }
  try {
    await addNetns(switchNs)
    await ip('-n', switchNs, 'link', 'add', 'br0', 'type', 'bridge')
    await ip('-n', switchNs, 'link', 'set', 'br0', 'up')
    const plug = async (ns: string, port: string, iface: string, addr: string): Promise<void> => {
      await wire(switchNs, port, ns, iface)
      await ip('-n', switchNs, 'link', 'set', port, 'master', 'br0')
      await ip('-n', ns, 'addr', 'add', `${addr}/24`, 'dev', iface)
    }
    await addNetns(relayNs)
    await plug(relayNs, 'prelay', 'eth0', world.relayIp)
    for (let i = 1; i <= count; i++) {
      const routerNs = `${NETNS_PREFIX}nat${i}-${id}`
      const ns = `${NETNS_PREFIX}home${i}-${id}`
      const home: NatHome = { routerNs, publicIp: `${PUBLIC}.${10 + i}`, ns, ip: `10.77.${i}.2` }
      await addNetns(routerNs)
      await addNetns(ns)
      await plug(routerNs, `prouter${i}`, 'wan', home.publicIp)
      await wire(routerNs, 'lan', ns, 'eth0')
      await ip('-n', routerNs, 'addr', 'add', `10.77.${i}.1/24`, 'dev', 'lan')
      await ip('-n', ns, 'addr', 'add', `${home.ip}/24`, 'dev', 'eth0')
      await ip('-n', ns, 'route', 'add', 'default', 'via', `10.77.${i}.1`)
      await makeNatRouter(routerNs)
      world.homes.push(home)
    }
  } catch (err) {
    await destroyTopology(id)
    throw err
  }
  return world
}

/** Makes a home's router drop all UDP from its LAN: WebRTC cannot get through, TCP to the relay still does. */
export async function dropUdp(home: NatHome): Promise<void> {
  await nft(home.routerNs, 'add', 'chain', 'inet', 'f', 'noudp', '{ type filter hook forward priority -10; }')
  await nft(home.routerNs, 'add', 'rule', 'inet', 'f', 'noudp', 'meta', 'l4proto', 'udp', 'drop')
}

/** Bytes an interface inside `ns` has received and sent so far (the kernel's counters). */
export async function interfaceBytes(ns: string, iface: string): Promise<{ rx: number; tx: number }> {
  const read = async (what: string): Promise<number> => {
    const { stdout } = await run('ip', ['netns', 'exec', ns, 'cat', `/sys/class/net/${iface}/statistics/${what}`])
    return Number(stdout.trim())
  }
  return { rx: await read('rx_bytes'), tx: await read('tx_bytes') }
}
