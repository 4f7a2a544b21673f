import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import type { TransportManager } from '@libp2p/interface-internal'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { afterEach, describe, expect, it } from 'vitest'
import { chatGossipsub } from '../../../node/libp2p.ts'
import { type RelayClient, type RelayStatus, relayClient } from '../../../node/relay-client.ts'
import { notices } from '../../../protocols/notice/index.ts'
import { presence } from '../../../protocols/presence/index.ts'

const nodes: Libp2p[] = []

afterEach(async () => {
  await Promise.allSettled(nodes.splice(0).map((n) => n.stop()))
})

async function relayNode(): Promise<Libp2p> {
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), relay: circuitRelayServer() }
  })
  nodes.push(node)
  return node
}

/** A client with the services RelayClient needs, and its transport manager to count listeners. */
async function clientNode(relay: string) {
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      pubsub: chatGossipsub(),
      presence: presence({ name: 'client' }),
      notices: notices(),
      relayClient: relayClient({ relays: [relay], maxRetryDelayMs: 200 }),
      transports: (components: { transportManager: TransportManager }) => components.transportManager
    }
  })
  nodes.push(node)
  return node
}

function nextStatus(client: RelayClient, state: RelayStatus['state']): Promise<RelayStatus> {
  return new Promise((resolve) => {
    const onStatus = (evt: CustomEvent<RelayStatus>): void => {
      if (evt.detail.state === state) {
        client.removeEventListener('status', onStatus)
        resolve(evt.detail)
      }
    }
    client.addEventListener('status', onStatus)
  })
}

describe('RelayClient', () => {
  it('keeps one circuit listener and one relay address across relay reconnects', async () => {
    const relay = await relayNode()
    const relayAddr = relay.getMultiaddrs()[0].toString()
    const client = await clientNode(relayAddr)
    const rc = client.services.relayClient
    if (rc.status()[0].state !== 'reserved') {
      await nextStatus(rc, 'reserved')
    }
    const listeners = client.services.transports.getListeners().length
    const circuitAddrs = (): string[] =>
      client
        .getMultiaddrs()
        .map(String)
        .filter((a) => a.includes('/p2p-circuit'))
    expect(circuitAddrs()).toHaveLength(1)

    for (let i = 0; i < 4; i++) {
      const lost = nextStatus(rc, 'lost')
      const reserved = nextStatus(rc, 'reserved')
      await relay.hangUp(client.peerId)
      await lost
      await reserved
      expect(circuitAddrs()).toHaveLength(1)
    }
    // a leaked listener per reconnect would show here, and each would answer every later reservation
    expect(client.services.transports.getListeners().length).toBe(listeners)
  }, 60_000)
})
