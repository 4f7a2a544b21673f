import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { ContactRelays, relaysFromAddrs, resolveContact } from '../../../node/direct/contacts.ts'
import { AmbiguousNameError, UnknownUserError } from '../../../node/errors.ts'

const newId = async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()

describe('contacts for DMs while away', () => {
  it('finds the relays in a peer’s circuit addresses, once each', async () => {
    const [relay, other, peer] = await Promise.all([newId(), newId(), newId()])
    const relays = relaysFromAddrs([
      `/ip4/127.0.0.1/tcp/4001/p2p/${peer}`,
      `/ip4/10.0.0.1/tcp/4100/p2p/${relay}/p2p-circuit/p2p/${peer}`,
      `/ip4/10.0.0.1/tcp/4101/ws/p2p/${relay}/p2p-circuit/p2p/${peer}`,
      `/dns4/relay.example/tcp/4100/p2p/${other}/p2p-circuit/p2p/${peer}`,
      'not a multiaddr',
      new Uint8Array([0xff, 0x00])
    ])
    expect(relays).toEqual([`/ip4/10.0.0.1/tcp/4100/p2p/${relay}`, `/dns4/relay.example/tcp/4100/p2p/${other}`])
  })

  it('prefers a relay address other hosts can reach to its loopback one, whatever their order', async () => {
    const [relay, lonely, peer] = await Promise.all([newId(), newId(), newId()])
    const relays = relaysFromAddrs([
      `/ip4/127.0.0.1/tcp/4100/p2p/${relay}/p2p-circuit/p2p/${peer}`,
      `/ip4/127.0.0.1/tcp/4100/p2p/${lonely}/p2p-circuit/p2p/${peer}`,
      `/ip4/198.51.100.1/tcp/4100/p2p/${relay}/p2p-circuit/p2p/${peer}`,
      `/ip4/198.51.100.2/tcp/4100/p2p/${relay}/p2p-circuit/p2p/${peer}`
    ])
    expect(relays).toEqual([`/ip4/198.51.100.1/tcp/4100/p2p/${relay}`, `/ip4/127.0.0.1/tcp/4100/p2p/${lonely}`])
  })

  it('resolves offline contacts with the rules for online users: PeerId, name#suffix, unambiguous name, nobody else', async () => {
    const [me, alice, bob1, bob2, stranger] = await Promise.all([newId(), newId(), newId(), newId(), newId()])
    const contacts = [
      { peerId: me, name: 'me' },
      { peerId: alice, name: 'alice' },
      { peerId: bob1, name: 'bob' },
      { peerId: bob2, name: 'bob' }
    ]
    expect(resolveContact('alice', contacts, me).peerId).toBe(alice)
    expect(resolveContact('ALICE', contacts, me).peerId).toBe(alice)
    expect(() => resolveContact('bob', contacts, me)).toThrow(AmbiguousNameError)
    expect(resolveContact(`bob#${bob2.slice(-6)}`, contacts, me).peerId).toBe(bob2)
    expect(resolveContact(bob1, contacts, me).peerId).toBe(bob1)
    // a PeerId or a name nobody knows is unknown, and so are we
    expect(() => resolveContact(stranger, contacts, me)).toThrow(UnknownUserError)
    expect(() => resolveContact('carol', contacts, me)).toThrow(UnknownUserError)
    expect(() => resolveContact('me', contacts, me)).toThrow(UnknownUserError)
    expect(() => resolveContact(me, contacts, me)).toThrow(UnknownUserError)
  })

  it('remembers relays noted from presence, and reads stored ones back', async () => {
    const [relay, peer, stored] = await Promise.all([newId(), newId(), newId()])
    const addr = `/ip4/10.0.0.1/tcp/4100/p2p/${relay}`
    const book = new ContactRelays(async () => [{ peerId: stored, relays: [addr, 'junk'] }])
    expect(book.note(peer, [addr])).toBe(true)
    expect(book.note(peer, [addr])).toBe(false)
    expect(book.note(peer, [])).toBe(false)
    expect(await book.of(peer)).toEqual([addr])
    expect(await book.of(stored)).toEqual([addr])
    expect(await book.of(relay)).toEqual([])
  })
})
