import { once } from 'node:events'
import { type StreamState, YamuxStream } from '@chainsafe/libp2p-yamux/stream'
import type { Stream } from '@libp2p/interface'
import fc from 'fast-check'
import { concat } from 'uint8arrays/concat'
import { afterEach, describe, expect, it } from 'vitest'
import { sendWindowUpdatesAtHalfWindow, windowUpdateCanWait } from '../../../node/yamux-window.ts'
import { streamNodes } from '../../support/stream-nodes.ts'

const PROTOCOL = '/p2pchat-test/sink/1.0.0'
const { node, stopAll } = streamNodes()

afterEach(stopAll)

/** Window updates (frames with no flag) handled by any yamux stream in this process, while `run` runs. */
async function windowUpdatesDuring(run: () => Promise<void>): Promise<number> {
  const prototype = YamuxStream.prototype
  const handle = prototype.handleWindowUpdate
  let count = 0
  prototype.handleWindowUpdate = function (this: YamuxStream, frame) {
    if (frame.header.flag === 0) {
      count++
    }
    handle.call(this, frame)
  }
  try {
    await run()
  } finally {
    prototype.handleWindowUpdate = handle
  }
  return count
}

/**
 * Sends `chunks` over a new stream to a peer that reads them slowly, every `pauseEvery`th one after a pause; with
 * `apart`, each in a frame of its own (as a relay forwards posts, one at a time), not coalesced with the next.
 */
async function transfer(chunks: Uint8Array[], pauseEvery = 0, apart = false): Promise<Uint8Array> {
  const [sender, receiver] = await Promise.all([node(), node()])
  const total = chunks.reduce((sum, c) => sum + c.byteLength, 0)
  const received = new Uint8Array(total)
  const done = new Promise<void>((resolve, reject) => {
    void receiver.handle(PROTOCOL, async (stream: Stream) => {
      let at = 0
      let reads = 0
      try {
        for await (const chunk of stream) {
          received.set(chunk.subarray(), at)
          at += chunk.byteLength
          if (pauseEvery > 0 && ++reads % pauseEvery === 0) {
            await new Promise((r) => setTimeout(r, 5))
          }
        }
        resolve()
      } catch (err) {
        reject(err)
      }
    })
  })
  const stream = await sender.dialProtocol(receiver.getMultiaddrs()[0], PROTOCOL)
  for (const chunk of chunks) {
    if (!stream.send(chunk)) {
      await once(stream, 'drain')
    }
    if (apart) {
      await new Promise((r) => setTimeout(r, 1))
    }
  }
  await stream.close()
  await done
  return received
}

describe('yamux window updates at half the window', { timeout: 60_000 }, () => {
  const small = Array.from({ length: 200 }, (_, i) => new Uint8Array(100).fill(i))

  // yamux as shipped, first: the cost this removes, and proof the next test can fail
  it('as shipped, a receiver answers every frame with a window update', async () => {
    const updates = await windowUpdatesDuring(async () => {
      expect(await transfer(small, 0, true)).toEqual(concat(small))
    })
    expect(updates).toBeGreaterThan(100)
  })

  it('installed, 200 small messages bring back no window update, and all arrive', async () => {
    sendWindowUpdatesAtHalfWindow()
    const updates = await windowUpdatesDuring(async () => {
      expect(await transfer(small, 0, true)).toEqual(concat(small))
    })
    expect(updates).toBe(0)
  })

  it('installed, megabytes read slowly arrive whole and in order, with an update per half window', async () => {
    sendWindowUpdatesAtHalfWindow()
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 96 * 1024 }), { minLength: 20, maxLength: 60 }),
        fc.integer({ min: 0, max: 8 }),
        async (sizes, pauseEvery) => {
          const chunks = sizes.map((size, i) => Uint8Array.from({ length: size }, (_, j) => (i * 31 + j) & 0xff))
          let received: Uint8Array = new Uint8Array()
          const updates = await windowUpdatesDuring(async () => {
            received = await transfer(chunks, pauseEvery)
          })
          expect(received).toEqual(concat(chunks))
          // the initial window is 256 KiB: one update per 128 KiB read at most
          expect(updates).toBeLessThanOrEqual(Math.ceil(received.byteLength / (128 * 1024)) + 1)
          await stopAll()
        }
      ),
      { numRuns: 6 }
    )
  })

  it('leaves an update out only on an established stream with more than half its window free', () => {
    const established = 3 as StreamState
    expect(windowUpdateCanWait({ state: established, recvWindow: 100, recvWindowCapacity: 51 })).toBe(true)
    expect(windowUpdateCanWait({ state: established, recvWindow: 100, recvWindowCapacity: 50 })).toBe(false)
    // one that opens or accepts a stream carries a flag, and a paused one is yamux's own business
    for (const state of [0, 1, 2, 4, 5] as StreamState[]) {
      expect(windowUpdateCanWait({ state, recvWindow: 100, recvWindowCapacity: 99 })).toBe(false)
    }
  })
})
