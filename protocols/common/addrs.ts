import type { Multiaddr } from '@multiformats/multiaddr'

/** The IP address in a multiaddr (`/ip4/...` or `/ip6/...`), or undefined for other addresses: what per-IP budgets count. */
export function ipOf(addr: Multiaddr): string | undefined {
  return addr.getComponents().find((c) => c.name === 'ip4' || c.name === 'ip6')?.value
}

/** What a per-IP budget counts a connection under: its IP address, or its whole address when it has none. */
export function sourceOf(addr: Multiaddr): string {
  return ipOf(addr) ?? addr.toString()
}

/** The text of a circuit address split at its first hop: the relay's own address (with its PeerId), and the rest. */
export function splitCircuit(text: string): { relayAddr: string; rest: string } | undefined {
  const at = text.indexOf('/p2p-circuit')
  return at <= 0 ? undefined : { relayAddr: text.slice(0, at), rest: text.slice(at) }
}

/** The text of an address that ends in `/p2p/<id>` split into the transport part before it and the id. */
export function splitPeer(text: string): { transport: string; peer: string } | undefined {
  const at = text.lastIndexOf('/p2p/')
  if (at < 0 || text.slice(at + 5).includes('/')) {
    return undefined
  }
  return { transport: text.slice(0, at), peer: text.slice(at + 5) }
}
