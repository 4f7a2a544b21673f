import type { TypedEventTarget } from '@libp2p/interface'
import type { ChatEvents } from '../events.ts'
import type { RelayClient } from '../relay-client.ts'
import type { Direct } from './assemble.ts'

/** Starts relay mail and queued DMs on the node's events: a relay taking us, a contact coming online. */
export function wireDirect(
  direct: Direct,
  c: { relayClient: Pick<RelayClient, 'addEventListener'>; node: TypedEventTarget<ChatEvents> }
): void {
  c.relayClient.addEventListener('status', (evt) => {
    if (evt.detail.state === 'reserved') {
      void direct.courier.relayReady(evt.detail.relay)
    }
  })
  c.node.addEventListener('join', (evt) => {
    direct.courier.peerOnline(evt.detail.peerId)
  })
}
