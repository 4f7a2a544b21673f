import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { requestOn } from '../../protocols/catchup/client.ts'
import {
  decodeRequest,
  decodeResponseFrame,
  encodeResponseFrame,
  encodeSignedGossip
} from '../../protocols/catchup/codec.ts'
import { CATCH_UP_PROTOCOL, MAX_RESPONSE_FRAME_BYTES } from '../../protocols/catchup/constants.ts'
import { signGossip } from '../../protocols/catchup/envelope.ts'
import { CatchUpRateLimitedError, CatchUpRefusedError } from '../../protocols/catchup/errors.ts'
import { frameStream } from '../../protocols/common/frames.ts'
import { encodeLobbyPost, LOBBY_TOPIC } from '../../protocols/lobby/index.ts'
import { groupTopic, rawNode, stopInProcess } from './group-helpers.ts'
import { cleanup, type PeerProcess, spawnPeer } from './harness.ts'

async function privateGroup(owner: PeerProcess, member: PeerProcess): Promise<{ id: string }> {
  owner.send('/group create vault --private')
  const { group } = await owner.waitFor('group-joined', (e) => e.group.name === 'vault')
  owner.send(`/invite vault ${member.name}`)
  const invite = await member.waitFor('invite', (i) => i.group.id === group.id)
  member.send(`/accept ${invite.id}`)
  await owner.waitFor('member-added', (e) => e.member.peerId === member.peerId)
  return group
}

describe('catch-up against hostile peers', () => {
  afterEach(async () => {
    await stopInProcess()
    await cleanup()
  })

  it('a non-member gets no group posts, garbage gets INVALID, a flood RATE_LIMITED, and the peer carries on', async () => {
    const alice = await spawnPeer({ name: 'alice' })
    const bob = await spawnPeer({ name: 'bob', bootstrap: [alice.addrs[0]] })
    await alice.waitForUsers((u) => u.length === 2)
    const group = await privateGroup(alice, bob)
    alice.send('/g vault secret plans')
    await bob.waitFor('message', (m) => m.text === 'secret plans')
    alice.send('public hello')
    await bob.waitFor('message', (m) => m.text === 'public hello')

    const mallory = await rawNode()
    const aliceId = peerIdFromString(alice.peerId)
    await mallory.dial(multiaddr(alice.addrs[0]))
    const ask = async (topic: string) =>
      requestOn(
        await mallory.dialProtocol(aliceId, CATCH_UP_PROTOCOL),
        aliceId,
        { topic, since: 0, limit: 1000 },
        { signal: AbortSignal.timeout(10_000) }
      )
    await expect(ask(groupTopic(group.id))).rejects.toThrow(CatchUpRefusedError)
    // the lobby is anyone's, as its gossip is: alice's own post comes back signed by her
    const lobby = await ask(LOBBY_TOPIC)
    expect(lobby.messages.map((m) => m.from.toString())).toContain(alice.peerId)
    expect(lobby.forged).toEqual([])

    const frames = frameStream(await mallory.dialProtocol(aliceId, CATCH_UP_PROTOCOL), MAX_RESPONSE_FRAME_BYTES)
    await frames.write(new Uint8Array(3000).fill(0xee))
    const invalid = decodeResponseFrame(await frames.read({ signal: AbortSignal.timeout(10_000) }))
    expect(invalid.status).toBe('invalid')
    expect(invalid.reason).toMatch(/limit/)

    // one after another (a connection takes only two catch-up streams at once): the burst runs out
    const flood: unknown[] = []
    for (let i = 0; i < 8; i++) {
      flood.push(await ask(LOBBY_TOPIC).catch((err: unknown) => err))
    }
    expect(flood.filter((r) => r instanceof CatchUpRateLimitedError).length).toBeGreaterThan(0)
    expect(flood.every((r) => r instanceof CatchUpRateLimitedError || !(r instanceof Error))).toBe(true)

    alice.send('still here')
    await bob.waitFor('message', (m) => m.text === 'still here')
  })

  it('drops forged and altered messages from a catch-up answer with FORGED_MESSAGE, and shows the genuine ones', async () => {
    const alice = await spawnPeer({ name: 'alice' })
    const bob = await spawnPeer({ name: 'bob', bootstrap: [alice.addrs[0]] })
    await alice.waitForUsers((u) => u.length === 2)
    const key = await generateKeyPair('Ed25519')
    const mallory = await rawNode(key)
    const malloryId = peerIdFromPrivateKey(key)
    const bobId = peerIdFromString(bob.peerId)
    const post = (text: string) =>
      encodeLobbyPost({ id: `id-${text.length}-${text[0]}`, ts: Date.now(), senderName: 'x', text })
    await mallory.handle(
      CATCH_UP_PROTOCOL,
      async (stream) => {
        const frames = frameStream(stream, MAX_RESPONSE_FRAME_BYTES)
        decodeRequest(await frames.read())
        const genuine = await signGossip(key, malloryId, LOBBY_TOPIC, post('genuine from mallory'))
        // claims to be bob's, signed by mallory
        const impersonated = {
          ...(await signGossip(key, malloryId, LOBBY_TOPIC, post('bob never said this'))),
          from: bobId.toMultihash().bytes
        }
        const altered = {
          ...(await signGossip(key, malloryId, LOBBY_TOPIC, post('what mallory signed'))),
          data: Uint8Array.from(post('altered after signing'))
        }
        await frames.write(
          encodeResponseFrame(
            { status: 'ok', reason: '', last: true, truncated: false },
            [genuine, impersonated, altered].map((g) => encodeSignedGossip(g))
          )
        )
        await stream.close()
      },
      { runOnLimitedConnection: true }
    )
    mallory.services.pubsub.subscribe(LOBBY_TOPIC)
    // alice sees mallory on the lobby topic and asks it what she missed
    await mallory.dial(multiaddr(alice.addrs[0]))
    const error = await alice.waitFor('error', (e) => e.code === 'FORGED_MESSAGE')
    expect(error.message).toMatch(/2 caught-up message/)
    const shown = await alice.waitFor('message', (m) => m.text === 'genuine from mallory')
    expect(shown).toMatchObject({ catchUp: true, from: { peerId: malloryId.toString() } })
    bob.send('marker')
    await alice.waitFor('message', (m) => m.text === 'marker')
    const texts = alice.all('message').map((m) => m.text)
    expect(texts).not.toContain('bob never said this')
    expect(texts).not.toContain('altered after signing')
    expect(texts).not.toContain('what mallory signed')
  })
})
