import type { Multiaddr } from '@multiformats/multiaddr'
import { BoundedMap } from '../protocols/common/index.ts'

/** First wait before a target address that failed (or was just tried for someone else) is dialed again. */
export const TARGET_RETRY_MS = 30_000

/** Longest wait between two dials of one target address. */
export const MAX_TARGET_RETRY_MS = 10 * 60_000

/** Target addresses remembered at most; the least recently tried are forgotten first. */
export const MAX_DIAL_TARGETS = 4096

/** Addresses of one discovered peer we dial at most; real peers list a handful. */
export const MAX_DIAL_ADDRS_PER_PEER = 4

interface Target {
  /** the PeerId this target was last dialed for */
  peer: string
  /** no new dial before this (our clock) */
  notBefore: number
  failures: number
  /** a dial for `peer` succeeded: the address is theirs */
  confirmed: boolean
}

/**
 * Which discovered addresses we may dial now. Anyone can announce any address for a made-up PeerId, so without
 * this 300 forged announcements made every peer open thousands of connections to a third party's listener: each
 * target (host and port) is dialed at most once per back-off window, whatever PeerIds claim it, and an address
 * confirmed by a connection to one peer is not dialed for another. Pure: the caller passes the clock.
 */
export class DialTargets {
  private readonly targets = new BoundedMap<string, Target>(MAX_DIAL_TARGETS)

  /** The addresses of `addrs` to dial for `peer` now; they are marked as tried. */
  claim(peer: string, addrs: Multiaddr[], now: number): Multiaddr[] {
    const chosen: Multiaddr[] = []
    for (const addr of addrs) {
      const key = targetKey(addr)
      const target = this.targets.get(key)
      if (chosen.length >= MAX_DIAL_ADDRS_PER_PEER || (target != null && !this.mayDial(target, peer, now))) {
        continue
      }
      if (chosen.some((a) => targetKey(a) === key)) {
        continue
      }
      const failures = target?.peer === peer ? target.failures : 0
      this.targets.set(key, { peer, notBefore: now + retryDelay(failures), failures, confirmed: false })
      chosen.push(addr)
    }
    return chosen
  }

  /** The dial for `peer` over `addrs` succeeded or failed. */
  settle(peer: string, addrs: Multiaddr[], ok: boolean, now: number): void {
    for (const addr of addrs) {
      const target = this.targets.get(targetKey(addr))
      if (target?.peer !== peer) {
        continue
      }
      if (ok) {
        target.confirmed = true
        target.failures = 0
      } else {
        target.failures++
        target.notBefore = Math.max(target.notBefore, now + retryDelay(target.failures))
      }
    }
  }

  get size(): number {
    return this.targets.size
  }

  private mayDial(target: Target, peer: string, now: number): boolean {
    if (target.confirmed && target.peer !== peer) {
      return false
    }
    return now >= target.notBefore
  }
}

function retryDelay(failures: number): number {
  return Math.min(TARGET_RETRY_MS * 2 ** failures, MAX_TARGET_RETRY_MS)
}

/** Host and port of an address: what a dial actually reaches, whatever the rest of the multiaddr says. */
export function targetKey(addr: Multiaddr): string {
  const parts = addr.getComponents()
  const host = parts.find((c) => ['ip4', 'ip6', 'dns', 'dns4', 'dns6'].includes(c.name))?.value ?? addr.toString()
  const port = parts.find((c) => c.name === 'tcp' || c.name === 'udp')?.value ?? ''
  return `${host}:${port}`
}
