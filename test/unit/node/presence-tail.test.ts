import { describe, expect, it } from 'vitest'
import type { SenderSeq } from '../../../protocols/common/index.ts'
import { presencePeers } from './presence-peers.ts'

const peer = presencePeers()

describe("presence carries where a peer's lobby posts stand", () => {
  it("a peer's heartbeats say how far its lobby posts go, and the other side hears it", {
    timeout: 20_000
  }, async () => {
    const alice = await peer('alice')
    const bob = await peer('bob')
    const tails: SenderSeq[] = []
    bob.services.presence.addEventListener('tail', (evt) => {
      if (evt.detail.peerId.equals(alice.peerId)) {
        tails.push(evt.detail.lobby)
      }
    })
    await bob.dial(alice.getMultiaddrs()[0])
    const post = (text: string) => ({ id: text, ts: Date.now(), senderName: 'alice', text })
    await alice.services.lobby.publish(post('one'))
    await alice.services.lobby.publish(post('two'))
    const until = Date.now() + 15_000
    while (!tails.some((t) => t.seq === 2) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(tails.at(-1)?.seq).toBe(2)
    expect(alice.services.lobby.lastPosted()).toEqual(tails.at(-1))
    // nothing is announced for a peer that never posted
    expect(bob.services.lobby.lastPosted()).toBeUndefined()
  })
})
