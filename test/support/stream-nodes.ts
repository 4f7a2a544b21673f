import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { MAX_STREAM_WINDOW_BYTES } from '../../node/constants.ts'

/**
 * libp2p nodes as p2pchat builds them for streams (TCP on loopback, Noise, yamux with its capped stream window),
 * kept to be stopped together: `node()` makes one, `stopAll()` stops every one made so far (in an afterEach).
 */
export function streamNodes(): { node: () => Promise<Libp2p>; stopAll: () => Promise<void> } {
  const nodes: Libp2p[] = []
  return {
    node: async () => {
      const n = await createLibp2p({
        addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux({ streamOptions: { maxStreamWindowSize: MAX_STREAM_WINDOW_BYTES } })]
      })
      nodes.push(n)
      return n
    },
    stopAll: async () => {
      await Promise.allSettled(nodes.splice(0).map((n) => n.stop()))
    }
  }
}
