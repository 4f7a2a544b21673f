import { generateKeyPair } from '@libp2p/crypto/keys'
import { type GossipSub, type Message, TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { encodeAnnouncement, PRESENCE_TOPIC } from '../../../protocols/presence/index.ts'
import { KnownUsers } from '../../../relay/known-users.ts'
import { directOnly, OnlineUsers } from '../../../relay/online-users.ts'

async function signedAnnouncement(): Promise<{ author: PeerId; msg: Message }> {
  const key = await generateKeyPair('Ed25519')
  const author = peerIdFromPrivateKey(key)
  const data = encodeAnnouncement({ kind: 'alive', name: 'someone', ts: Date.now(), addrs: [] })
  const msg: Message = {
    type: 'signed',
    from: author,
    topic: PRESENCE_TOPIC,
    data,
    sequenceNumber: 1n,
    signature: new Uint8Array(64),
    key: key.publicKey
  }
  return { author, msg }
}

const newPeer = async (): Promise<PeerId> => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))

describe('which presence the relay passes on', () => {
  it("takes an author's own copy, a copy of a connected author, and copies from configured peer relays only", async () => {
    const { author, msg } = await signedAnnouncement()
    const [client, peerRelay, stranger] = await Promise.all([newPeer(), newPeer(), newPeer()])
    const nobodyConnected = (): boolean => false
    const isPeerRelay = (p: PeerId): boolean => p.equals(peerRelay)
    expect(directOnly(author, msg, nobodyConnected, isPeerRelay)).toBe(TopicValidatorResult.Accept)
    expect(directOnly(client, msg, (p) => p.equals(author), isPeerRelay)).toBe(TopicValidatorResult.Accept)
    expect(directOnly(peerRelay, msg, nobodyConnected, isPeerRelay)).toBe(TopicValidatorResult.Accept)
    // any other relay or client forwarding an identity it is not: a made-up PeerId it could vouch for
    expect(directOnly(stranger, msg, nobodyConnected, isPeerRelay)).toBe(TopicValidatorResult.Ignore)
    expect(directOnly(client, msg, nobodyConnected, isPeerRelay)).toBe(TopicValidatorResult.Ignore)
  })
})

describe("peer relays' departure notices", () => {
  it("drop a user only when the notice comes from a configured peer relay that the user's announcement names", async () => {
    const [user, peerRelay, otherPeerRelay, stranger] = await Promise.all([newPeer(), newPeer(), newPeer(), newPeer()])
    const peerRelays = [peerRelay, otherPeerRelay]
    const online = new OnlineUsers(
      {} as unknown as GossipSub,
      new KnownUsers([]),
      () => {},
      () => false,
      (p) => peerRelays.some((r) => r.equals(p))
    )
    const circuit = multiaddr(`/ip4/10.0.0.1/tcp/4001/p2p/${peerRelay}/p2p-circuit/p2p/${user}`).bytes
    const ann = { kind: 'alive' as const, name: 'frank', ts: Date.now(), addrs: [circuit], lifetimeMs: 360_000 }
    online.directory.apply(user.toString(), ann, Date.now())
    const departed = { kind: 'departed' as const, ts: Date.now(), peer: user.toString(), text: '' }

    // a peer relay the user does not name, and a relay that is not ours
    online.takeNotice(otherPeerRelay, departed)
    online.takeNotice(stranger, departed)
    // not a departure
    online.takeNotice(peerRelay, { kind: 'announcement', ts: Date.now(), text: 'hello' })
    expect(online.directory.has(user.toString())).toBe(true)

    online.takeNotice(peerRelay, departed)
    expect(online.directory.has(user.toString())).toBe(false)
  })

  it('a stranger named in the announcement is still not a peer relay', async () => {
    const [user, stranger] = await Promise.all([newPeer(), newPeer()])
    const online = new OnlineUsers(
      {} as unknown as GossipSub,
      new KnownUsers([]),
      () => {},
      () => false,
      () => false
    )
    const circuit = multiaddr(`/ip4/10.0.0.1/tcp/4001/p2p/${stranger}/p2p-circuit`).bytes
    online.directory.apply(
      user.toString(),
      { kind: 'alive', name: 'frank', ts: Date.now(), addrs: [circuit] },
      Date.now()
    )
    online.takeNotice(stranger, { kind: 'departed', ts: Date.now(), peer: user.toString(), text: '' })
    expect(online.directory.has(user.toString())).toBe(true)
  })
})
