import { generateKeyPair } from '@libp2p/crypto/keys'
import { afterEach } from 'vitest'
import { assembleLibp2p, type ChatLibp2p } from '../../../node/libp2p.ts'

/**
 * Chat nodes on loopback with presence heartbeats every 300 ms, stopped after each test of the file that calls this
 * (at its top level).
 */
export function presencePeers(): (name: string) => Promise<ChatLibp2p> {
  const nodes: ChatLibp2p[] = []
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.stop()))
  })
  return async (name) => {
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
}
