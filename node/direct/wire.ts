import type { TypedEventTarget } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { identityKeyOf } from '../../protocols/prekeys/index.ts'
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
  c.node.addEventListener('leave', (evt) => {
    if (evt.detail.reason === 'deleted') {
      // an account destroyed: its sessions and the DMs waiting for it go, like its messages
      const peerId = evt.detail.peerId
      void direct.courier.forget(peerId).catch(() => {})
      const key = identityKeyOf(peerIdFromString(peerId))
      if (key != null) void direct.e2e.forget(key).catch(() => {})
    }
  })
}
