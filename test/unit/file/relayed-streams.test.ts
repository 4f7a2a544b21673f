import type { AbortOptions, Connection, PeerId, Stream } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { beforeAll, describe, expect, it } from 'vitest'
import { chooseChunkSize } from '../../../protocols/file/chunks.ts'
import type { Offer } from '../../../protocols/file/codec.ts'
import { FileTransfer, type FileTransferComponents, type FileTransferInit } from '../../../protocols/file/file.ts'
import { streamPairs, twoPeerIds } from '../protocols/stream-pairs.ts'

let alicePeer: PeerId
let bobPeer: PeerId
const pair = streamPairs()

beforeAll(async () => {
  ;[alicePeer, bobPeer] = await twoPeerIds()
})

const offer: Offer = {
  id: '0123456789abcdef0123456789abcdef',
  name: 'notes.txt',
  size: 5,
  sha256: new Uint8Array(32).fill(7),
  chunkSize: chooseChunkSize(5),
  senderName: 'alice',
  ttlMs: 60_000
}

/**
 * Two file services joined only by a relayed (limited) connection. A dial of libp2p's own (openStream) never settles
 * but by its signal: it stands for a dial that joins a WebRTC upgrade waiting for ICE while UDP is blocked.
 */
async function relayedOnly(init: FileTransferInit = {}) {
  const dials: PeerId[] = []
  const offers: Offer[] = []
  const handlers = new Map<string, (stream: Stream, connection: Connection) => Promise<void>>()
  const service = (self: PeerId, other: PeerId): FileTransfer => {
    const relayed = {
      status: 'open',
      direct: false,
      limits: { bytes: 1n << 30n, seconds: 3600 },
      remotePeer: other,
      newStream: async () => {
        const [outbound, inbound] = await pair()
        void handlers.get(other.toString())?.(inbound, { ...relayed, remotePeer: self } as unknown as Connection)
        return outbound
      }
    }
    const components = {
      registrar: {
        handle: async (_protocol: string, h: (stream: Stream, connection: Connection) => Promise<void>) => {
          handlers.set(self.toString(), h)
        },
        unhandle: async () => {}
      },
      connectionManager: {
        getConnections: () => [relayed],
        openStream: (peer: PeerId, _protocol: string, options: AbortOptions = {}) => {
          dials.push(peer)
          return new Promise<Stream>((_resolve, reject) => {
            options.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true })
          })
        }
      },
      logger: defaultLogger()
    } as unknown as FileTransferComponents
    return new FileTransfer(components, init)
  }
  const alice = service(alicePeer, bobPeer)
  const bob = service(bobPeer, alicePeer)
  alice.setHandler({
    offer: async () => ({ status: 'refused' }),
    fetch: async () => ({
      status: 'ok',
      source: (async function* () {
        yield new TextEncoder().encode('hello')
      })(),
      signal: new AbortController().signal
    }),
    decline: async () => ({ status: 'ok' }),
    cancel: async () => ({ status: 'ok' }),
    complete: async () => ({ status: 'ok' })
  })
  bob.setHandler({
    offer: async (_peer, o) => {
      offers.push(o)
      return { status: 'ok' }
    },
    fetch: async () => ({ status: 'refused' }),
    decline: async () => ({ status: 'ok' }),
    cancel: async () => ({ status: 'ok' }),
    complete: async () => ({ status: 'ok' })
  })
  await Promise.all([alice.start(), bob.start()])
  return { alice, bob, dials, offers }
}

describe('file transfer over a relayed connection only', () => {
  // without reuse the offer waits on the dial until the request times out
  const init = { requestTimeoutMs: 5_000 }

  it('an offer goes over the open relayed connection at once, without dialing', async () => {
    const { alice, dials, offers } = await relayedOnly(init)
    const response = await alice.request(bobPeer, { kind: 'offer', offer })
    expect(response.status).toBe('ok')
    expect(offers.map((o) => o.id)).toEqual([offer.id])
    expect(dials).toEqual([])
  })

  it('the recipient fetches the bytes over it too', async () => {
    const { bob, dials } = await relayedOnly(init)
    const download = await bob.fetch(alicePeer, { id: offer.id, offset: 0, wantHashes: false })
    expect(download.response.status).toBe('ok')
    const chunks: Uint8Array[] = []
    for await (const chunk of download.data) {
      chunks.push(chunk.subarray())
    }
    expect(new TextDecoder().decode(Buffer.concat(chunks))).toBe('hello')
    expect(dials).toEqual([])
  })

  it('a service that may not run on limited connections still dials', async () => {
    const { alice, dials } = await relayedOnly({ requestTimeoutMs: 200, runOnLimitedConnection: false })
    await expect(alice.request(bobPeer, { kind: 'offer', offer })).rejects.toThrow(/could not reach/)
    expect(dials.map(String)).toEqual([bobPeer.toString()])
  })
})
