import { generateKeyPair } from '@libp2p/crypto/keys'
import { afterEach, describe, expect, it } from 'vitest'
import { assembleLibp2p, type ChatLibp2p } from '../../../node/libp2p.ts'
import { DeliveryRefusedError } from '../../../protocols/dm/errors.ts'

const nodes: ChatLibp2p[] = []

async function peer(acceptDm?: (peer: { toString(): string }) => boolean): Promise<ChatLibp2p> {
  const node = await assembleLibp2p({
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    presence: { name: 'test' },
    acceptDm
  })
  nodes.push(node)
  await node.start()
  return node
}

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()))
})

describe('DMs from a blocked peer on a stream opened before the block', () => {
  it('are refused at the protocol level: the sender gets DELIVERY_REFUSED, the receiver sees nothing', async () => {
    let blocked = ''
    const alice = await peer((p) => p.toString() !== blocked)
    const bob = await peer()
    const received: string[] = []
    alice.services.dm.addEventListener('message', (evt) => received.push(evt.detail.dm.text))
    await bob.dial(alice.getMultiaddrs()[0])

    const dm = (text: string) => ({ id: text, ts: Date.now(), senderName: 'bob', text })
    await bob.services.dm.send(alice.peerId, dm('before-block'))
    blocked = bob.peerId.toString()
    await expect(bob.services.dm.send(alice.peerId, dm('after-block'))).rejects.toThrow(DeliveryRefusedError)
    expect(received).toEqual(['before-block'])
  })
})
