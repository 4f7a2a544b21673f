import type { Connection, PeerId, Stream, StreamHandler, StreamHandlerOptions } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { lpStream } from '@libp2p/utils'
import { encode } from 'uint8-varint'
import { beforeAll, describe, expect, it } from 'vitest'
import { InvalidMessageError } from '../../../protocols/common/errors.ts'
import { MAX_FRAME_BYTES } from '../../../protocols/common/limits.ts'
import { type Ack, type Dm, decodeAck, encodeAck, encodeDm } from '../../../protocols/dm/codec.ts'
import { DM_PROTOCOL } from '../../../protocols/dm/constants.ts'
import { DirectMessages, type DirectMessagesComponents, type DirectMessagesInit } from '../../../protocols/dm/dm.ts'
import { DeliveryFailedError, DeliveryRefusedError } from '../../../protocols/dm/errors.ts'
import { DirectMessage } from '../../../protocols/dm/pb/dm.ts'
import { streamPairs, twoPeerIds } from './stream-pairs.ts'

type OpenStream = (peer: PeerId, protocol: string) => Promise<Stream>

/** A DirectMessages service wired to fake components: streams come from `openStream`, the handler is kept. */
class Node {
  readonly dm: DirectMessages
  handler?: StreamHandler
  handlerOptions?: StreamHandlerOptions
  readonly messages: Array<{ from: PeerId; dm: Dm }> = []
  readonly protocolErrors: Array<{ peer: PeerId; error: Error }> = []

  constructor(
    readonly peerId: PeerId,
    openStream: OpenStream,
    init: DirectMessagesInit = {}
  ) {
    const components = {
      registrar: {
        handle: async (_protocol: string, handler: StreamHandler, options: StreamHandlerOptions) => {
          this.handler = handler
          this.handlerOptions = options
        },
        unhandle: async () => {
          this.handler = undefined
        }
      },
      connectionManager: { openStream },
      logger: defaultLogger()
    } as unknown as DirectMessagesComponents
    this.dm = new DirectMessages(components, init)
    this.dm.addEventListener('message', (evt) => this.messages.push(evt.detail))
    this.dm.addEventListener('protocol-error', (evt) => this.protocolErrors.push(evt.detail))
  }

  /** Runs this node's handler on `stream` as if `from` had opened it; resolves when the handler is done. */
  serve(stream: Stream, from: PeerId): Promise<void> {
    if (this.handler == null) {
      throw new Error('not started')
    }
    return Promise.resolve(this.handler(stream, { remotePeer: from } as unknown as Connection))
  }
}

let alicePeer: PeerId
let bobPeer: PeerId
const pair = streamPairs()

/** alice sends to bob; bob's handler runs on the far end of each stream alice opens. */
async function connected(
  bobInit: DirectMessagesInit = {},
  aliceInit: DirectMessagesInit = {}
): Promise<{ alice: Node; bob: Node; served: Array<Promise<void>> }> {
  const served: Array<Promise<void>> = []
  const bob: Node = new Node(bobPeer, () => Promise.reject(new Error('bob does not dial')), bobInit)
  const alice = new Node(
    alicePeer,
    async (peer, protocol) => {
      expect(peer.equals(bobPeer)).toBe(true)
      expect(protocol).toBe(DM_PROTOCOL)
      const [outbound, inbound] = await pair()
      served.push(bob.serve(inbound, alicePeer))
      return outbound
    },
    aliceInit
  )
  await Promise.all([alice.dm.start(), bob.dm.start()])
  return { alice, bob, served }
}

const dm: Dm = { id: 'a1b2c3', ts: Date.now(), senderName: 'alice', text: 'hi bob 👋' }

/** Reads the receiver's answer: its ack, or the error that ended the stream instead. */
async function readAnswer(stream: Stream): Promise<Ack | Error> {
  try {
    return decodeAck(
      await lpStream(stream, { maxDataLength: MAX_FRAME_BYTES }).read({ signal: AbortSignal.timeout(5000) })
    )
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err))
  }
}

beforeAll(async () => {
  ;[alicePeer, bobPeer] = await twoPeerIds()
})

describe('DirectMessages service', () => {
  it('registers its protocol with stream limits and for limited connections, and unregisters on stop', async () => {
    const node = new Node(alicePeer, () => Promise.reject(new Error('unused')), { maxInboundStreams: 3 })
    await node.dm.start()
    expect(node.handler).toBeTypeOf('function')
    expect(node.handlerOptions).toMatchObject({
      maxInboundStreams: 3,
      maxOutboundStreams: 64,
      runOnLimitedConnection: true
    })
    await node.dm.stop()
    expect(node.handler).toBeUndefined()
  })

  it('delivers a valid DM: the receiver emits message, the sender gets the ok ack', async () => {
    const { alice, bob, served } = await connected()
    await alice.dm.send(bobPeer, dm)
    // the sender keeps its DM stream open for more; stopping closes it, which ends the receiver's side
    await alice.dm.stop()
    await Promise.all(served)
    expect(bob.messages).toHaveLength(1)
    expect(bob.messages[0].from.equals(alicePeer)).toBe(true)
    expect(bob.messages[0].dm).toEqual(dm)
    expect(bob.protocolErrors).toEqual([])
    expect(alice.protocolErrors).toEqual([])
  })

  it('answers an ok ack carrying the message id', async () => {
    const { bob } = await connected()
    const [outbound, inbound] = await pair()
    const served = bob.serve(inbound, alicePeer)
    await lpStream(outbound).write(encodeDm(dm))
    expect(await readAnswer(outbound)).toEqual({ id: dm.id, status: 'ok', reason: '' })
    await outbound.close()
    await served
    expect(bob.protocolErrors).toEqual([])
  })

  it.each([
    ['garbage bytes', Uint8Array.of(0xff, 0xff, 0xff, 0x01)],
    ['an empty frame', new Uint8Array(0)],
    [
      'a DM with empty text',
      DirectMessage.encode({ id: 'x1', timestamp: BigInt(Date.now()), senderName: 'mallory', text: '' })
    ],
    [
      'a DM with a bad sender name',
      DirectMessage.encode({ id: 'x1', timestamp: BigInt(Date.now()), senderName: 'a b', text: 'hi' })
    ]
  ])(
    '%s: an invalid ack with the reason, then the stream is aborted; protocol-error, no message',
    async (_what, frame) => {
      const { bob } = await connected()
      const [outbound, inbound] = await pair()
      const served = bob.serve(inbound, alicePeer)
      await lpStream(outbound).write(frame)
      // the handler writes the ack before it aborts, so the sender always learns why
      const answer = await readAnswer(outbound)
      expect(answer).toEqual({ id: '', status: 'invalid', reason: expect.stringMatching(/\S/) })
      await expect(served).resolves.toBeUndefined()
      expect(inbound.status).toBe('aborted')
      expect(bob.messages).toEqual([])
      expect(bob.protocolErrors).toHaveLength(1)
      expect(bob.protocolErrors[0].peer.equals(alicePeer)).toBe(true)
      expect(bob.protocolErrors[0].error).toBeInstanceOf(InvalidMessageError)
    }
  )

  it('oversized length prefix: the stream is aborted and protocol-error emitted, nothing is buffered', async () => {
    const { bob } = await connected()
    const [outbound, inbound] = await pair()
    const served = bob.serve(inbound, alicePeer)
    outbound.send(encode(MAX_FRAME_BYTES + 1))
    outbound.send(new Uint8Array(100))
    await expect(served).resolves.toBeUndefined()
    expect(bob.messages).toEqual([])
    expect(bob.protocolErrors).toHaveLength(1)
    expect(bob.protocolErrors[0].peer.equals(alicePeer)).toBe(true)
    expect(inbound.status).toBe('aborted')
    expect(await readAnswer(outbound)).toBeInstanceOf(Error)
  })

  it('a peer that opens a stream and sends nothing is cut off at the timeout', async () => {
    const { bob } = await connected({ timeoutMs: 100 })
    const [, inbound] = await pair()
    await expect(bob.serve(inbound, alicePeer)).resolves.toBeUndefined()
    expect(bob.protocolErrors).toHaveLength(1)
    expect(inbound.status).toBe('aborted')
  })

  it('a refusing accept hook answers refused; the sender gets DeliveryRefusedError', async () => {
    const asked: PeerId[] = []
    const { alice, bob, served } = await connected({
      accept: (peer) => {
        asked.push(peer)
        return false
      }
    })
    const sent = alice.dm.send(bobPeer, dm)
    await expect(sent).rejects.toThrow(DeliveryRefusedError)
    await expect(sent).rejects.toThrow('not accepting messages from you')
    await Promise.all(served)
    expect(asked.map((p) => p.toString())).toEqual([alicePeer.toString()])
    expect(bob.messages).toEqual([])
  })

  it('a peer that never answers: DeliveryFailedError once the timeout passes', async () => {
    const alice = new Node(
      alicePeer,
      async () => {
        // the far end exists but nobody reads from it or writes to it
        const [outbound] = await pair()
        return outbound
      },
      { timeoutMs: 200 }
    )
    await alice.dm.start()
    await expect(alice.dm.send(bobPeer, dm)).rejects.toThrow(DeliveryFailedError)
  })

  it("the caller's AbortSignal also ends a send that gets no answer", async () => {
    const alice = new Node(alicePeer, async () => (await pair())[0])
    await alice.dm.start()
    const controller = new AbortController()
    const sent = alice.dm.send(bobPeer, dm, { signal: controller.signal })
    controller.abort()
    await expect(sent).rejects.toThrow(DeliveryFailedError)
  })

  it('an unreachable peer: DeliveryFailedError naming the peer', async () => {
    const alice = new Node(alicePeer, () => Promise.reject(new Error('no route')))
    await alice.dm.start()
    const sent = alice.dm.send(bobPeer, dm)
    await expect(sent).rejects.toThrow(DeliveryFailedError)
    await expect(sent).rejects.toThrow(`could not reach ${bobPeer.toString()}: no route`)
  })

  it('a garbage ack: DeliveryFailedError, the sender does not throw anything else', async () => {
    const alice = new Node(alicePeer, async () => {
      const [outbound, inbound] = await pair()
      void (async () => {
        const lp = lpStream(inbound)
        await lp.read()
        await lp.write(Uint8Array.of(0x10, 0x09))
      })()
      return outbound
    })
    await alice.dm.start()
    await expect(alice.dm.send(bobPeer, dm)).rejects.toThrow(DeliveryFailedError)
  })

  it('an invalid ack from the receiver is a refusal with its reason', async () => {
    const alice = new Node(alicePeer, async () => {
      const [outbound, inbound] = await pair()
      void (async () => {
        const lp = lpStream(inbound)
        await lp.read()
        await lp.write(encodeAck({ id: '', status: 'invalid', reason: 'clock skew' }))
      })()
      return outbound
    })
    await alice.dm.start()
    await expect(alice.dm.send(bobPeer, dm)).rejects.toThrow(
      new DeliveryRefusedError(`${bobPeer} refused the message: clock skew`)
    )
  })

  it('refuses to send an empty DM before opening a stream', async () => {
    let opened = 0
    const alice = new Node(alicePeer, async () => {
      opened++
      return (await pair())[0]
    })
    await alice.dm.start()
    await expect(alice.dm.send(bobPeer, { ...dm, text: ' ' })).rejects.toThrow('message is empty')
    expect(opened).toBe(0)
  })

  it('keeps working after a bad stream', async () => {
    const { alice, bob, served } = await connected()
    const [outbound, inbound] = await pair()
    const bad = bob.serve(inbound, alicePeer)
    await lpStream(outbound).write(Uint8Array.of(0xff))
    await bad
    await alice.dm.send(bobPeer, dm)
    await alice.dm.stop()
    await Promise.all(served)
    expect(bob.protocolErrors).toHaveLength(1)
    expect(bob.messages.map((m) => m.dm.id)).toEqual([dm.id])
  })
})
