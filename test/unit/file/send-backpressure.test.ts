import { afterEach, describe, expect, it } from 'vitest'
import { READ_BLOCK_BYTES } from '../../../protocols/file/constants.ts'
import { StreamReader, send } from '../../../protocols/file/stream-io.ts'
import { streamNodes } from '../../support/stream-nodes.ts'

const PROTOCOL = '/test/slow-reader/1.0.0'
const MB = 1024 * 1024
const { node, stopAll } = streamNodes()

afterEach(stopAll)

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
