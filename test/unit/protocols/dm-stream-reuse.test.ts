import type { Connection, PeerId, Stream, StreamHandler } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { LengthPrefixedDecoder, lpStream } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { InvalidMessageError } from '../../../protocols/common/errors.ts'
import { MAX_TEXT_BYTES } from '../../../protocols/common/limits.ts'
import { type Dm, decodeAck, encodeAck, encodeDm } from '../../../protocols/dm/codec.ts'
import { MAX_UNACKED_BYTES } from '../../../protocols/dm/constants.ts'
import { DirectMessages, type DirectMessagesComponents, type DirectMessagesInit } from '../../../protocols/dm/dm.ts'
import { DeliveryFailedError } from '../../../protocols/dm/errors.ts'
import { streamPairs, twoPeerIds } from './stream-pairs.ts'

let alicePeer: PeerId
let bobPeer: PeerId
const pair = streamPairs()

beforeAll(async () => {
  ;[alicePeer, bobPeer] = await twoPeerIds()
})

function service(openStream: () => Promise<Stream>, init: DirectMessagesInit = {}) {
  let handler: StreamHandler | undefined
  const components = {
    registrar: {
      handle: async (_protocol: string, h: StreamHandler) => {
        handler = h
      },
      unhandle: async () => {}
    },
    connectionManager: { openStream },
    logger: defaultLogger()
  } as unknown as DirectMessagesComponents
  const dm = new DirectMessages(components, init)
  const messages: Dm[] = []
  const protocolErrors: Error[] = []
  dm.addEventListener('message', (evt) => messages.push(evt.detail.dm))
  dm.addEventListener('protocol-error', (evt) => protocolErrors.push(evt.detail.error))
  const serve = (stream: Stream, from: PeerId): Promise<void> => {
    if (handler == null) {
      throw new Error('not started')
    }
    return Promise.resolve(handler(stream, { remotePeer: from } as unknown as Connection))
  }
  return { dm, messages, protocolErrors, serve }
}

/** alice sends to bob over in-memory streams; counts the streams alice opens. */
async function connected(aliceInit: DirectMessagesInit = {}, bobInit: DirectMessagesInit = {}) {
  const served: Array<Promise<void>> = []
  const bob = service(() => Promise.reject(new Error('bob does not dial')), bobInit)
  const alice = service(async () => {
    const [outbound, inbound] = await pair()
    served.push(bob.serve(inbound, alicePeer))
    return outbound
  }, aliceInit)
  await Promise.all([alice.dm.start(), bob.dm.start()])
  return { alice, bob, served }
}

function dm(i: number, text = `hello ${i}`): Dm {
  return { id: `m${i}`, ts: Date.now(), senderName: 'alice', text }
}

describe('DM stream reuse', () => {
  it('DMs to one peer share one stream, pipelined, each acknowledged and delivered once, in order', async () => {
    const { alice, bob, served } = await connected()
    await alice.dm.send(bobPeer, dm(0))
    await Promise.all(Array.from({ length: 20 }, (_, i) => alice.dm.send(bobPeer, dm(i + 1))))
    await alice.dm.send(bobPeer, dm(21))
    expect(served).toHaveLength(1)
    expect(bob.messages.map((m) => m.id)).toEqual(Array.from({ length: 22 }, (_, i) => `m${i}`))
    await alice.dm.stop()
    await Promise.all(served)
    expect(bob.protocolErrors).toEqual([])
  })

  it("more than the receiver's one-frame buffer in flight: the sender waits for acks, nothing overflows", async () => {
    const { alice, bob, served } = await connected()
    const big = 'x'.repeat(MAX_TEXT_BYTES)
    const count = Math.ceil((3 * MAX_UNACKED_BYTES) / MAX_TEXT_BYTES)
    await Promise.all(Array.from({ length: count }, (_, i) => alice.dm.send(bobPeer, dm(i, big))))
    expect(bob.messages).toHaveLength(count)
    expect(served).toHaveLength(1)
    await alice.dm.stop()
    await Promise.all(served)
    expect(bob.protocolErrors).toEqual([])
  })

  it('an idle stream is closed by the sender, cleanly; the next DM opens a new one', async () => {
    const { alice, bob, served } = await connected({ idleCloseMs: 20 })
    await alice.dm.send(bobPeer, dm(1))
    await served[0]
    await alice.dm.send(bobPeer, dm(2))
    expect(served).toHaveLength(2)
    expect(bob.messages.map((m) => m.id)).toEqual(['m1', 'm2'])
    expect(bob.protocolErrors).toEqual([])
  })

  it('a stream that dies fails the DMs waiting on it; the next DM opens a new stream', async () => {
    const opened: Stream[] = []
    const alice = service(async () => {
      const [outbound, inbound] = await pair()
      opened.push(outbound)
      // a receiver that reads the first frame and then drops the stream without an ack
      void (async () => {
        await lpStream(inbound).read()
        inbound.abort(new Error('gone'))
      })()
      return outbound
    })
    await alice.dm.start()
    await expect(alice.dm.send(bobPeer, dm(1))).rejects.toThrow(DeliveryFailedError)
    await expect(alice.dm.send(bobPeer, dm(2))).rejects.toThrow(DeliveryFailedError)
    expect(opened).toHaveLength(2)
  })

  it('a timed-out DM resets the stalled stream rather than queueing behind it', async () => {
    const opened: Stream[] = []
    const alice = service(
      async () => {
        const [outbound] = await pair()
        opened.push(outbound)
        return outbound
      },
      { timeoutMs: 100 }
    )
    await alice.dm.start()
    await expect(alice.dm.send(bobPeer, dm(1))).rejects.toThrow(DeliveryFailedError)
    expect(opened[0].status).not.toBe('open')
    await expect(alice.dm.send(bobPeer, dm(2))).rejects.toThrow(DeliveryFailedError)
    expect(opened).toHaveLength(2)
  })

  it('a caller giving up on one DM leaves the stream, and the DMs sharing it, alone', async () => {
    const { alice, bob, served } = await connected()
    await alice.dm.send(bobPeer, dm(1))
    const controller = new AbortController()
    const given = alice.dm.send(bobPeer, dm(2), { signal: controller.signal })
    const kept = alice.dm.send(bobPeer, dm(3))
    controller.abort()
    await expect(given).rejects.toThrow(DeliveryFailedError)
    await expect(kept).resolves.toBeUndefined()
    await alice.dm.send(bobPeer, dm(4))
    expect(served).toHaveLength(1)
    expect(bob.messages.map((m) => m.id)).toContain('m4')
    expect(bob.protocolErrors).toEqual([])
  })

  it('acks are matched by id: an ack for a DM not in flight is ignored', async () => {
    const alice = service(async () => {
      const [outbound, inbound] = await pair()
      void (async () => {
        const lp = lpStream(inbound)
        await lp.read()
        await lp.write(encodeAck({ id: 'not-sent', status: 'ok', reason: '' }))
        await lp.write(encodeAck({ id: 'm1', status: 'ok', reason: '' }))
      })()
      return outbound
    })
    await alice.dm.start()
    await expect(alice.dm.send(bobPeer, dm(1))).resolves.toBeUndefined()
  })
})

describe('DM receiver on a long-lived stream', () => {
  /** Runs bob's handler on a stream alice writes with `write`; returns bob and the acks that came back. */
  async function exchange(bobInit: DirectMessagesInit, write: (out: Stream) => Promise<void>) {
    const bob = service(() => Promise.reject(new Error('unused')), bobInit)
    await bob.dm.start()
    const [outbound, inbound] = await pair()
    const received = new Uint8ArrayList()
    const reading = (async () => {
      for await (const chunk of outbound) {
        received.append(chunk)
      }
    })().catch(() => {})
    const served = bob.serve(inbound, alicePeer)
    await write(outbound)
    await served
    await reading
    const acks = [...new LengthPrefixedDecoder().decode(received)].map((f) => decodeAck(f))
    return { bob, acks, inbound }
  }

  it('acks every frame in order and ends cleanly when the sender closes between frames', async () => {
    const { bob, acks } = await exchange({}, async (out) => {
      const lp = lpStream(out)
      for (let i = 0; i < 3; i++) {
        await lp.write(encodeDm(dm(i)))
      }
      await out.close()
    })
    expect(acks.map((a) => [a.id, a.status])).toEqual([
      ['m0', 'ok'],
      ['m1', 'ok'],
      ['m2', 'ok']
    ])
    expect(bob.messages).toHaveLength(3)
    expect(bob.protocolErrors).toEqual([])
  })

  it('a stream cut inside its second frame is a protocol error; the first DM still counts', async () => {
    const { bob, inbound } = await exchange({}, async (out) => {
      await lpStream(out).write(encodeDm(dm(1)))
      const second = encodeDm(dm(2))
      out.send(Uint8Array.of(second.byteLength))
      out.send(second.subarray(0, 5))
      await out.close()
    })
    expect(bob.messages.map((m) => m.id)).toEqual(['m1'])
    expect(bob.protocolErrors).toHaveLength(1)
    expect(bob.protocolErrors[0]).toBeInstanceOf(InvalidMessageError)
    expect(inbound.status).toBe('aborted')
  })

  it('a sender idle past the receiver timeout after a DM is let go quietly', async () => {
    const { bob, inbound } = await exchange({ idleTimeoutMs: 50 }, async (out) => {
      await lpStream(out).write(encodeDm(dm(1)))
    })
    expect(bob.messages).toHaveLength(1)
    expect(bob.protocolErrors).toEqual([])
    expect(inbound.writeStatus).toBe('closed')
  })
})

describe('DM receiver answering a burst', () => {
  it('opens the DMs of a burst together, so their session writes are shared, and acks each', async () => {
    const opening: Array<() => void> = []
    const { alice } = await connected(
      {},
      {
        openSealed: () =>
          new Promise((resolve) => {
            opening.push(() => resolve({ status: 'ok', reason: '' }))
          })
      }
    )
    const sends = Array.from({ length: 4 }, (_, i) => alice.dm.sendSealed(bobPeer, `s${i}`, new Uint8Array(100)))
    // one at a time, the second would not be opened before the first is answered
    await vi.waitFor(() => expect(opening).toHaveLength(4), { timeout: 10_000 })
    for (const open of opening.reverse()) open()
    await Promise.all(sends)
  })
})
