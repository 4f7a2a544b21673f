import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Connection, PeerId } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import fc from 'fast-check'
import { createLibp2p, type Libp2p } from 'libp2p'
import { afterEach, describe, expect, it } from 'vitest'
import { chatGossipsub } from '../../../node/libp2p.ts'
import { ConcurrentStreamOpener, gossipStreamOpener, type StreamRequest } from '../../../relay/gossip-stream-opener.ts'

/** A request for peer `p` on connection `c` (only their identities matter to the opener). */
function request(p: number, c: number): StreamRequest {
  return { peerId: { toString: () => `peer${p}` } as PeerId, connection: { id: `conn${c}` } as unknown as Connection }
}

/** Lets every promise callback queued so far run. */
async function flush(): Promise<void> {
  await new Promise((r) => setImmediate(r))
}

type Step = { op: 'push'; peer: number } | { op: 'finish'; which: number; fail: boolean }

describe('ConcurrentStreamOpener', () => {
  it('opens at most `concurrency` at once, one per peer at a time, and every peer after its last request', async () => {
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ op: fc.constant('push' as const), peer: fc.nat(5) }),
      fc.record({ op: fc.constant('finish' as const), which: fc.nat(10), fail: fc.boolean() })
    )
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(step, { maxLength: 80 }),
        async (concurrency, steps) => {
          const open: Array<{ peer: string; connection: string; settle: (fail: boolean) => void }> = []
          /** per peer: the connection of its latest request, and whether an open began after that request */
          const latest = new Map<string, { connection: string; served: boolean }>()
          const opener = new ConcurrentStreamOpener(async (r) => {
            const peer = r.peerId.toString()
            expect(open.some((o) => o.peer === peer)).toBe(false)
            const want = latest.get(peer)
            if (want?.connection === (r.connection as unknown as { id: string }).id) {
              want.served = true
            }
            return new Promise<void>((resolve, reject) => {
              open.push({
                peer,
                connection: (r.connection as unknown as { id: string }).id,
                settle: (fail) => (fail ? reject(new Error('no stream')) : resolve())
              })
            })
          }, concurrency)
          let connections = 0
          const settleAll = async (): Promise<void> => {
            // each settled open lets the opener start the next, a microtask or two later
            for (let rounds = 0; rounds < 200 && open.length > 0; rounds++) {
              open.splice(0, 1)[0].settle(false)
              await flush()
            }
          }
          for (const s of steps) {
            if (s.op === 'push') {
              const r = request(s.peer, connections++)
              latest.set(`peer${s.peer}`, { connection: `conn${connections - 1}`, served: false })
              opener.push(r)
            } else if (open.length > 0) {
              open.splice(s.which % open.length, 1)[0].settle(s.fail)
              await flush()
            }
            expect(open.length).toBeLessThanOrEqual(concurrency)
          }
          await settleAll()
          expect(open).toEqual([])
          for (const [, want] of latest) {
            expect(want.served).toBe(true)
          }
        }
      ),
      { numRuns: 300 }
    )
  })

  it('opens nothing once ended', async () => {
    let opened = 0
    const opener = new ConcurrentStreamOpener(async () => {
      opened++
    }, 2)
    opener.end()
    opener.push(request(1, 1))
    await Promise.resolve()
    expect(opened).toBe(0)
  })
})

describe('GossipStreamOpener', { timeout: 30_000 }, () => {
  const nodes: Libp2p[] = []
  afterEach(async () => {
    await Promise.allSettled(nodes.splice(0).map((n) => n.stop()))
  })

  async function gossipNode(withOpener: boolean): Promise<Libp2p<{ pubsub: GossipSub }>> {
    const node = await createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: {
        identify: identify(),
        pubsub: chatGossipsub(),
        ...(withOpener ? { opener: gossipStreamOpener() } : {})
      }
    })
    nodes.push(node)
    return node
  }

  it("takes over gossipsub's queue, and gossip still flows both ways", async () => {
    const relay = await gossipNode(true)
    const client = await gossipNode(false)
    const queue = (relay.services.pubsub as unknown as { outboundInflightQueue: unknown }).outboundInflightQueue
    expect(queue).toBeInstanceOf(ConcurrentStreamOpener)
    relay.services.pubsub.subscribe('t')
    client.services.pubsub.subscribe('t')
    const heard: string[] = []
    client.services.pubsub.addEventListener('message', (evt) => heard.push(new TextDecoder().decode(evt.detail.data)))
    await client.dial(relay.getMultiaddrs()[0])
    const deadline = Date.now() + 10_000
    while (
      relay.services.pubsub.getSubscribers('t').length === 0 ||
      client.services.pubsub.getSubscribers('t').length === 0
    ) {
      expect(Date.now()).toBeLessThan(deadline)
      await new Promise((r) => setTimeout(r, 50))
    }
    await relay.services.pubsub.publish('t', new TextEncoder().encode('hello'))
    while (heard.length === 0) {
      expect(Date.now()).toBeLessThan(deadline)
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(heard).toEqual(['hello'])
  })
})
