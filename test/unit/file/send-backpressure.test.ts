import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { afterEach, describe, expect, it } from 'vitest'
import { MAX_STREAM_WINDOW_BYTES } from '../../../node/constants.ts'
import { READ_BLOCK_BYTES } from '../../../protocols/file/constants.ts'
import { StreamReader, send } from '../../../protocols/file/stream-io.ts'

const PROTOCOL = '/test/slow-reader/1.0.0'
const MB = 1024 * 1024
const nodes: Libp2p[] = []

afterEach(async () => {
  await Promise.allSettled(nodes.splice(0).map((n) => n.stop()))
})

/** A node as p2pchat builds one for streams: TCP, Noise, yamux with its capped stream window. */
async function node(): Promise<Libp2p> {
  const n = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux({ streamOptions: { maxStreamWindowSize: MAX_STREAM_WINDOW_BYTES } })]
  })
  nodes.push(n)
  return n
}

describe('send() against a slow reader', { timeout: 60_000 }, () => {
  // A receiver writing to a slow disk reads slower than the sender reads its file. Every window update the receiver
  // grants fires `drain` while the sender's buffer still holds most of the last block: a sender that hands on a new
  // block on every drain piles the file up in its own memory (and counts it as sent, so a resume re-sends it all).
  it('holds at most about two blocks unsent, however slowly the other side reads', async () => {
    const sender = await node()
    const receiver = await node()
    let received = 0
    let readAll: () => void = () => {}
    const allRead = new Promise<void>((resolve) => {
      readAll = resolve
    })
    await receiver.handle(PROTOCOL, async (stream) => {
      const reader = new StreamReader(stream)
      for await (const piece of reader.rest()) {
        received += piece.byteLength
        // about 6 MB/s: a disk busy with other work
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      readAll()
    })
    const stream = await sender.dialProtocol(receiver.getMultiaddrs()[0], PROTOCOL)
    const block = new Uint8Array(READ_BLOCK_BYTES)
    let mostUnsent = 0
    for (let i = 0; i < 16; i++) {
      await send(stream, block)
      mostUnsent = Math.max(mostUnsent, stream.writeBufferLength)
    }
    expect(mostUnsent).toBeLessThan(2 * READ_BLOCK_BYTES)
    await stream.close()
    await allRead
    expect(received).toBe(16 * MB)
  })
})
