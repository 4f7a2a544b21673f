import { generateKeyPair } from '@libp2p/crypto/keys'
import { type Message, TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { encodeAnnouncement, PRESENCE_TOPIC } from '../../../protocols/presence/index.ts'
import { directOnly } from '../../../relay/online-users.ts'

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
