/** What we know of peers for DMs while they are away: the relays they are reachable through. Pure. */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { splitCircuit } from '../../protocols/common/index.ts'
import { UnknownUserError } from '../errors.ts'
import { resolveUser, type User, withDisplayNames } from '../users.ts'

/** Relays remembered per contact: a peer rarely uses more than a couple. */
export const MAX_RELAYS_PER_CONTACT = 4

/** True for the text of an Ed25519 PeerId, the only kind sessions can encrypt to. */
export function isValidPeerIdText(text: string): boolean {
  try {
    return peerIdFromString(text).type === 'Ed25519'
  } catch {
    return false
  }
}

/**
 * The relays in a peer's addresses: each `<relay addr>/p2p/<relay>/p2p-circuit/...` gives `<relay addr>/p2p/<relay>`.
 * Addresses that do not parse are skipped; at most MAX_RELAYS_PER_CONTACT, one per relay PeerId. A relay's loopback
 * address (a relay on 0.0.0.0 lists it among its own) is kept only when it has no other: from another host it leads
 * nowhere, and the contact's mail would never reach that relay.
 */
export function relaysFromAddrs(addrs: Array<Uint8Array | string>): string[] {
  const byRelay = new Map<string, string>()
  for (const raw of addrs) {
    let text: string
    try {
      text = multiaddr(raw).toString()
    } catch {
      continue
    }
    const relayAddr = splitCircuit(text)?.relayAddr
    if (relayAddr == null) continue
    const id = relayPeerIdOf(relayAddr)
    if (id == null) continue
    const held = byRelay.get(id)
    if (held == null ? byRelay.size < MAX_RELAYS_PER_CONTACT : isLoopback(held) && !isLoopback(relayAddr)) {
      byRelay.set(id, relayAddr)
    }
  }
  return [...byRelay.values()]
}

function isLoopback(addr: string): boolean {
  return addr.startsWith('/ip4/127.') || addr.startsWith('/ip6/::1/')
}

/** The PeerId a relay multiaddr ends in, if it ends in one. */
export function relayPeerIdOf(addr: string): string | undefined {
  try {
    const id = multiaddr(addr)
      .getComponents()
      .findLast((c) => c.name === 'p2p')?.value
    return id != null && isValidPeerIdText(id) ? id : undefined
  } catch {
    return undefined
  }
}

/**
 * The one contact meant by `query` among those we know (online or not), with the same rules as for online users:
 * full PeerId, name#suffix, or a name only one contact has. A PeerId never seen is unknown: we would have no relay
 * to leave the DM at, and a typo must not queue a DM for a week.
 */
export function resolveContact(query: string, contacts: Array<{ peerId: string; name: string }>, self: string): User {
  try {
    return resolveUser(query, withDisplayNames(contacts.filter((c) => c.peerId !== self)))
  } catch (err) {
    throw err instanceof UnknownUserError
      ? new UnknownUserError(`nobody called '${query}' is online or among your contacts (try /users)`)
      : err
  }
}

/** Contacts whose relays are kept in memory; the least recently noted go first (the store keeps them all). */
export const MAX_CONTACT_RELAYS = 10_000

/** The relays each contact was last seen using: noted from presence, read back from the contact store. */
export class ContactRelays {
  private readonly known = new Map<string, string[]>()
  private loading?: Promise<void>

  constructor(private readonly stored: () => Promise<Array<{ peerId: string; relays?: string[] }>>) {}

  /** Notes a contact's relays; true when they changed (and are worth storing). */
  note(peerId: string, relays: string[]): boolean {
    if (relays.length === 0) return false
    const before = this.known.get(peerId)
    this.known.delete(peerId)
    this.known.set(peerId, relays)
    for (const oldest of this.known.keys()) {
      if (this.known.size <= MAX_CONTACT_RELAYS) break
      this.known.delete(oldest)
    }
    return before?.join(' ') !== relays.join(' ')
  }

  /** The relays noted in memory, without reading the store. */
  peek(peerId: string): string[] | undefined {
    return this.known.get(peerId)
  }

  async of(peerId: string): Promise<string[]> {
    const noted = this.known.get(peerId)
    if (noted != null) return noted
    this.loading ??= this.stored().then((contacts) => {
      for (const c of contacts) {
        if (!this.known.has(c.peerId) && Array.isArray(c.relays)) this.note(c.peerId, c.relays.filter(isRelayAddr))
      }
    })
    await this.loading.catch(() => {})
    return this.known.get(peerId) ?? []
  }
}

function isRelayAddr(addr: unknown): addr is string {
  return typeof addr === 'string' && relayPeerIdOf(addr) != null
}
