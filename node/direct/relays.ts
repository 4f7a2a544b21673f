/**
 * The relay side of DMs for one account: prekeys published to our relays, bundles fetched from others' relays,
 * sealed mail deposited and fetched. Every call takes an AbortSignal and throws the relay's refusal as is.
 */
import type { AbortOptions, Logger, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { FetchedMail, MailboxClient } from '../../protocols/mailbox/index.ts'
import type { PrekeyService } from '../../protocols/prekeys/index.ts'
import type { PrekeyBundle, PublishedPrekeys } from '../../protocols/session/index.ts'
import { relayPeerIdOf } from './contacts.ts'

/** How long one relay operation (dial included), or fetching a bundle from a peer, may take. */
export const RELAY_OP_TIMEOUT_MS = 10_000

export interface RelayMailComponents {
  mailbox: MailboxClient
  prekeys: PrekeyService
  /** connects to a relay by multiaddr (ending in /p2p/<relay>) */
  dial: (addr: string, options: AbortOptions) => Promise<void>
  log: Logger
}

/**
 * The slice of our one-time prekeys that goes to relay `index` of `relayCount` (index -1: the slice we hand out
 * ourselves): by id, so that no two relays, and not we, ever hand out the same one-time prekey.
 */
export function prekeySlice(published: PublishedPrekeys, index: number, relayCount: number): PublishedPrekeys {
  const parts = relayCount + 1
  const mine = (id: number): boolean => id % parts === index + 1
  return {
    ...published,
    oneTimePrekeys: published.oneTimePrekeys.filter((k) => mine(k.id)),
    oneTimeKemPrekeys: published.oneTimeKemPrekeys.filter((k) => mine(k.id))
  }
}

export class RelayMail {
  constructor(private readonly c: RelayMailComponents) {}

  private async reach(addr: string, signal: AbortSignal): Promise<PeerId> {
    const id = relayPeerIdOf(addr)
    if (id == null) {
      throw new TypeError(`relay address ${addr} does not end in /p2p/<relay PeerId>`)
    }
    await this.c.dial(addr, { signal })
    return peerIdFromString(id)
  }

  /** Hands our prekeys to a relay we use. */
  async publish(addr: string, published: PublishedPrekeys): Promise<void> {
    const signal = AbortSignal.timeout(RELAY_OP_TIMEOUT_MS)
    await this.c.prekeys.publish(await this.reach(addr, signal), published, { signal })
  }

  /** A verified bundle of `peer` from the first of `relays` that has one. */
  async bundleVia(relays: string[], peer: PeerId): Promise<PrekeyBundle | undefined> {
    for (const addr of relays) {
      try {
        const signal = AbortSignal.timeout(RELAY_OP_TIMEOUT_MS)
        return await this.c.prekeys.fetchBundle(await this.reach(addr, signal), peer, { signal })
      } catch (err) {
        this.c.log('no prekey bundle of %p at %s - %e', peer, addr, err)
      }
    }
    return undefined
  }

  /** Deposits one sealed envelope at one relay; throws its refusal (MailboxRefusedError) or a network error. */
  async deposit(addr: string, recipient: PeerId, mailId: Uint8Array, sealed: Uint8Array): Promise<string> {
    const signal = AbortSignal.timeout(RELAY_OP_TIMEOUT_MS)
    const relay = await this.reach(addr, signal)
    await this.c.mailbox.deposit(relay, recipient, new Uint8Array(mailId), new Uint8Array(sealed), { signal })
    return relay.toString()
  }

  async fetch(relay: PeerId): Promise<{ mail: FetchedMail[]; remaining: number }> {
    return this.c.mailbox.fetch(relay, { signal: AbortSignal.timeout(RELAY_OP_TIMEOUT_MS) })
  }

  async delete(relay: PeerId, ids: Uint8Array[]): Promise<void> {
    if (ids.length > 0) {
      await this.c.mailbox.delete(
        relay,
        ids.map((id) => new Uint8Array(id)),
        { signal: AbortSignal.timeout(RELAY_OP_TIMEOUT_MS) }
      )
    }
  }
}
