import { describe, expect, it } from 'vitest'
import { presencePeers } from './presence-peers.ts'

const peer = presencePeers()

describe("a relay's word that a peer departed", () => {
  it('drops the peer, unless the peer announced itself after the departure (the notice came late)', {
    timeout: 20_000
  }, async () => {
    const alice = await peer('alice')
    const bob = await peer('bob')
    await bob.dial(alice.getMultiaddrs()[0])
    const aliceId = alice.peerId.toString()
    const listed = (): boolean => bob.services.presence.directory.has(aliceId)
    const deadline = Date.now() + 15_000
    while (!listed() && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const announcedAt = bob.services.presence.directory.get(aliceId)?.ts ?? 0
    expect(announcedAt).toBeGreaterThan(0)

    // she went from the relay, then came back and announced herself: the notice reached bob after that
    bob.services.presence.forget(aliceId, announcedAt - 1)
    expect(listed()).toBe(true)
    bob.services.presence.forget(aliceId, announcedAt)
    expect(listed()).toBe(false)
  })
})
