import { generateKeyPair } from '@libp2p/crypto/keys'
import { afterEach, describe, expect, it } from 'vitest'
import { assembleLibp2p, type ChatLibp2p } from '../../../node/libp2p.ts'

const nodes: ChatLibp2p[] = []

async function peer(name: string): Promise<ChatLibp2p> {
  const node = await assembleLibp2p({
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    presence: { name, heartbeatIntervalMs: 300 }
  })
  nodes.push(node)
  await node.start()
  return node
}

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()))
})

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
