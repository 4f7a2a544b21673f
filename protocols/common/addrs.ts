import type { Multiaddr } from '@multiformats/multiaddr'

/** The IP address in a multiaddr (`/ip4/...` or `/ip6/...`), or undefined for other addresses: what per-IP budgets count. */
export function ipOf(addr: Multiaddr): string | undefined {
  return addr.getComponents().find((c) => c.name === 'ip4' || c.name === 'ip6')?.value
}
