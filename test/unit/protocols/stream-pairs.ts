import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId, Stream } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { streamPair } from '@libp2p/utils'
import { afterEach } from 'vitest'

/** Two PeerIds for the two ends of a protocol test. */
export async function twoPeerIds(): Promise<[PeerId, PeerId]> {
  const keys = await Promise.all([generateKeyPair('Ed25519'), generateKeyPair('Ed25519')])
  return [peerIdFromPrivateKey(keys[0]), peerIdFromPrivateKey(keys[1])]
}

/**
 * In-memory stream pairs that are aborted after each test, so no test leaves a handler waiting on a stream.
 * Call at the top level of a test file; use the returned function to get an [outbound, inbound] pair.
 */
export function streamPairs(): () => Promise<[Stream, Stream]> {
  const streams: Stream[] = []
  afterEach(() => {
    for (const s of streams.splice(0)) {
      s.abort(new Error('test over'))
    }
  })
  return async () => {
    const [outbound, inbound] = await streamPair()
    streams.push(outbound, inbound)
    return [outbound, inbound]
  }
}
