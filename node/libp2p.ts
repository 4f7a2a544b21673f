import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { type GossipSub, gossipsub } from '@libp2p/gossipsub'
import type { Identify } from '@libp2p/identify'
import { identify } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import { mdns } from '@libp2p/mdns'
import type { Ping } from '@libp2p/ping'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { MAX_FRAME_BYTES } from '../protocols/common/limits.ts'
import { type DirectMessages, directMessages } from '../protocols/dm/index.ts'
import { type GroupService, type GroupServiceInit, groups } from '../protocols/group/index.ts'
import { type LobbyService, lobby } from '../protocols/lobby/index.ts'
import { type PresenceInit, type PresenceService, presence } from '../protocols/presence/index.ts'

export type ChatServices = {
  identify: Identify
  ping: Ping
  pubsub: GossipSub
  lobby: LobbyService
  presence: PresenceService
  dm: DirectMessages
  groups: GroupService
}

export type ChatLibp2p = Libp2p<ChatServices>

export interface AssembleInit {
  privateKey: PrivateKey
  listen: string[]
  mdns: boolean
  presence: PresenceInit
  groups: GroupServiceInit
}

/** TCP + Noise + yamux, gossipsub for broadcast and presence, mDNS for the LAN. Created stopped. */
export async function assembleLibp2p(init: AssembleInit): Promise<ChatLibp2p> {
  return createLibp2p({
    start: false,
    privateKey: init.privateKey,
    addresses: { listen: init.listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: init.mdns ? [mdns({ interval: 10_000 })] : [],
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({
        globalSignaturePolicy: 'StrictSign',
        // We announce presence right at start, before any peer may be connected.
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
        fallbackToFloodsub: false,
        maxInboundDataLength: MAX_FRAME_BYTES,
        // Peers behind one NAT, on one host or reaching us through a relay share an IP address: gossipsub's
        // default penalty for more than ten peers per IP would graylist them all, silencing presence and chat.
        scoreParams: { IPColocationFactorWeight: 0 }
      }),
      // after pubsub: they find it among their components
      lobby: lobby(),
      presence: presence(init.presence),
      dm: directMessages(),
      groups: groups(init.groups)
    }
  })
}
