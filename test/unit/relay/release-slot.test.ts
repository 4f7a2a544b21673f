import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { type RelaySlots, releaseSlot } from '../../../relay/relay-node.ts'

class Slots implements RelaySlots {
  readonly held = new Map<string, { signal: { clear: () => void } }>()
  cleared = 0
  reserve(peer: PeerId): void {
    this.held.set(peer.toString(), { signal: { clear: () => this.cleared++ } })
  }
  get(peer: PeerId): { signal: { clear: () => void } } | undefined {
    return this.held.get(peer.toString())
  }
  delete(peer: PeerId): boolean {
    return this.held.delete(peer.toString())
  }
}

describe('releaseSlot', () => {
  it('frees the slot of a client that disconnected, and its expiry timer, leaving the others', async () => {
    const [gone, staying] = await Promise.all(
      [1, 2].map(async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')))
    )
    const slots = new Slots()
    slots.reserve(gone)
    slots.reserve(staying)
    releaseSlot(slots, gone)
    expect(slots.get(gone)).toBeUndefined()
    expect(slots.get(staying)).toBeDefined()
    expect(slots.cleared).toBe(1)
    // a peer without a slot: nothing happens
    releaseSlot(slots, gone)
    expect(slots.held.size).toBe(1)
  })
})
