import { randomUUID } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Message } from '@libp2p/gossipsub'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeAck, encodeSealedDm } from '../../protocols/dm/codec.ts'
import { DM_PROTOCOL, MAX_INBOUND_STREAMS } from '../../protocols/dm/constants.ts'
import { DirectMessage } from '../../protocols/dm/pb/dm.ts'
import { encodeLobbyPost } from '../../protocols/lobby/codec.ts'
import { LOBBY_TOPIC } from '../../protocols/lobby/constants.ts'
import { LobbyMessage } from '../../protocols/lobby/pb/lobby.ts'
import { encodeAnnouncement } from '../../protocols/presence/codec.ts'
import { PRESENCE_TOPIC } from '../../protocols/presence/constants.ts'
import { Presence } from '../../protocols/presence/pb/presence.ts'
import { cleanup, type PeerProcess, spawnPeer, until } from './harness.ts'
import { connectTo, exchange, frame, meshPeers, type RawNode, rawNode, stopRawNodes, varint } from './raw-node.ts'
import { sealerFor } from './sealed-dm.ts'

/** The victim, and a friend bootstrapped to it, both seeing each other. */
async function victimAndFriend(): Promise<[PeerProcess, PeerProcess]> {
  const victim = await spawnPeer({ name: 'victim' })
  const friend = await spawnPeer({ name: 'friend', bootstrap: [victim.addrs[0]] })
  await Promise.all([victim, friend].map((p) => p.waitForUsers((users) => users.length === 2)))
  return [victim, friend]
}

/** The victim is alive and still chats with a legitimate peer: broadcast and DM, both directions. */
async function stillWorks(victim: PeerProcess, friend: PeerProcess, tag: string): Promise<void> {
  expect(victim.child.exitCode).toBeNull()
  expect(victim.child.signalCode).toBeNull()
  friend.send(`lobby after ${tag}`)
  await victim.waitFor('message', (m) => m.scope === 'lobby' && m.text === `lobby after ${tag}`)
  victim.send(`lobby back after ${tag}`)
  await friend.waitFor('message', (m) => m.scope === 'lobby' && m.text === `lobby back after ${tag}`)
  victim.send(`/msg friend dm after ${tag}`)
  const sent = await victim.waitFor('sent', (s) => s.text === `dm after ${tag}`)
  await victim.waitFor('delivered', (d) => d.id === sent.id)
  await friend.waitFor('message', (m) => m.scope === 'dm' && m.text === `dm after ${tag}`)
  friend.send(`/msg victim dm back after ${tag}`)
  await victim.waitFor('message', (m) => m.scope === 'dm' && m.text === `dm back after ${tag}`)
}

function dmBytes(text: string, fields: Partial<{ id: string; senderName: string; ts: number }> = {}): Uint8Array {
  return DirectMessage.encode({
    id: fields.id ?? randomUUID(),
    timestamp: BigInt(fields.ts ?? Date.now()),
    senderName: fields.senderName ?? 'mallory',
    text
  })
}

/** A raw node connected to the victim, able to seal DMs for it as a p2pchat peer would. */
async function sealingMallory(victim: PeerProcess) {
  const key = await generateKeyPair('Ed25519')
  const mallory = await rawNode({ privateKey: key })
  await connectTo(mallory, victim.addrs)
  const { seal } = await sealerFor(mallory, key, victim)
  return { mallory, seal }
}

/** Opens a DM stream from the raw node, sends `chunks` verbatim and returns the victim's answer. */
async function rawDm(node: RawNode, victim: PeerProcess, chunks: Uint8Array[]): ReturnType<typeof exchange> {
  const stream = await node.dialProtocol(multiaddr(victim.addrs[0]), DM_PROTOCOL, {
    signal: AbortSignal.timeout(10_000)
  })
  return exchange(stream, chunks)
}

describe('hostile bytes on the DM protocol', () => {
  afterEach(async () => {
    await stopRawNodes()
    await cleanup()
  })

  it('garbage and broken frames: an error each, the stream is closed, the peer keeps working', async () => {
    const [victim, friend] = await victimAndFriend()
    const { mallory, seal } = await sealingMallory(victim)

    // control: the raw node can deliver a well-formed DM, so the refusals below are about the bytes
    const good = await rawDm(mallory, victim, [seal('hi, I am mallory')])
    expect(good.error).toBeUndefined()
    expect(decodeAck(good.frames[0]).status).toBe('ok')
    await victim.waitFor('message', (m) => m.scope === 'dm' && m.text === 'hi, I am mallory')

    const cases: Array<[string, Uint8Array[], string]> = [
      ['nothing at all', [], 'PROTOCOL_ERROR'],
      ['not protobuf', [frame(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]))], 'PROTOCOL_ERROR'],
      [
        'protobuf, but wrong fields',
        [frame(Presence.encode({ kind: Presence.Kind.LEAVE, name: 'x', timestamp: 1n, addrs: [] }))],
        'PROTOCOL_ERROR'
      ],
      ['bad sender name', [frame(dmBytes('marker bad sender', { senderName: 'mal lory\u0007' }))], 'PROTOCOL_ERROR'],
      ['timestamp in the future', [frame(dmBytes('marker future', { ts: Date.now() + 3_600_000 }))], 'PROTOCOL_ERROR'],
      // peers with sessions take sealed DMs only
      ['a well-formed DM in the clear', [frame(dmBytes('marker in the clear'))], 'PROTOCOL_ERROR'],
      [
        'sealed, bad sender name inside',
        [seal('marker sealed bad sender', { senderName: 'mal lory\u0007' })],
        'PROTOCOL_ERROR'
      ],
      [
        'sealed, timestamp in the future inside',
        [seal('marker sealed future', { ts: Date.now() + 3_600_000 })],
        'PROTOCOL_ERROR'
      ],
      ['sealed garbage', [frame(encodeSealedDm(randomUUID(), new Uint8Array(300).fill(7)))], 'DECRYPT_FAILED'],
      ['frame cut short', [varint(100), new Uint8Array(10).fill(0x41)], 'PROTOCOL_ERROR'],
      // continuation bytes only: a length beyond any limit, refused after a few bytes rather than at the timeout
      ['length prefix that never ends', [new Uint8Array(4096).fill(0xff)], 'MESSAGE_TOO_LARGE']
    ]
    for (const [what, chunks, code] of cases) {
      const from = victim.events.length
      const reply = await rawDm(mallory, victim, chunks)
      const error = await victim.waitFor('error', () => true, { from })
      expect({ what, code: error.code }).toEqual({ what, code })
      expect(error.message).toContain(mallory.peerId.toString())
      // whatever came back, it is never an acknowledgement of delivery
      expect(reply.frames.map((f) => decodeAck(f).status).filter((s) => s === 'ok')).toEqual([])
    }
    expect(JSON.stringify(victim.all('message'))).not.toContain('marker')

    await stillWorks(victim, friend, 'garbage')
  })

  it('a 10 MB length prefix: MESSAGE_TOO_LARGE at once, the peer keeps working', async () => {
    const [victim, friend] = await victimAndFriend()
    const mallory = await rawNode()
    await connectTo(mallory, victim.addrs)
    const from = victim.events.length
    const reply = await rawDm(mallory, victim, [varint(10 * 1024 * 1024), new Uint8Array(64 * 1024).fill(0x41)])
    const error = await victim.waitFor('error', () => true, { from })
    expect(error.code).toBe('MESSAGE_TOO_LARGE')
    expect(reply.frames.map((f) => decodeAck(f).status)).not.toContain('ok')
    await stillWorks(victim, friend, 'huge prefix')
  })

  it('a well-formed DM with 5000 bytes of text: MESSAGE_TOO_LARGE, never shown, the peer keeps working', async () => {
    const [victim, friend] = await victimAndFriend()
    const mallory = await rawNode()
    await connectTo(mallory, victim.addrs)
    const from = victim.events.length
    const text = `marker${'x'.repeat(4994)}`
    const reply = await rawDm(mallory, victim, [frame(dmBytes(text))])
    const error = await victim.waitFor('error', () => true, { from })
    expect(error.code).toBe('MESSAGE_TOO_LARGE')
    // the sender is told why, rather than left to time out
    expect(reply.frames.map((f) => decodeAck(f).status)).toEqual(['invalid'])
    expect(JSON.stringify(victim.all('message'))).not.toContain('marker')
    await stillWorks(victim, friend, 'long text')
  })

  it(`more than ${MAX_INBOUND_STREAMS} concurrent DM streams: the extra ones are refused, the rest deliver`, async () => {
    const [victim, friend] = await victimAndFriend()
    const { mallory, seal } = await sealingMallory(victim)
    const addr = multiaddr(victim.addrs[0])
    const open = () =>
      mallory.dialProtocol(addr, DM_PROTOCOL, { signal: AbortSignal.timeout(10_000), maxOutboundStreams: 128 })

    // hold the allowed number open, sending nothing yet
    const held = await Promise.all(Array.from({ length: MAX_INBOUND_STREAMS }, open))
    const extra = await Promise.allSettled(Array.from({ length: 8 }, open))
    const extraReplies = await Promise.all(
      extra.map((r, i) =>
        r.status === 'fulfilled'
          ? exchange(r.value, [seal(`extra ${i}`)])
          : Promise.resolve({ frames: [], error: r.reason as Error })
      )
    )
    for (const reply of extraReplies) {
      expect(reply.error).toBeDefined()
      expect(reply.frames).toEqual([])
    }

    // the held streams were never the problem: each still delivers
    const heldReplies = await Promise.all(held.map((s, i) => exchange(s, [seal(`held ${i}`)])))
    expect(heldReplies.map((r) => (r.frames[0] ? decodeAck(r.frames[0]).status : r.error?.message))).toEqual(
      held.map(() => 'ok')
    )
    for (const [i] of held.entries()) {
      await victim.waitFor('message', (m) => m.text === `held ${i}`)
    }
    const texts = victim
      .all('message')
      .map((m) => m.text)
      .filter((t) => t.startsWith('held ') || t.startsWith('extra '))
    expect(texts.sort()).toEqual(held.map((_, i) => `held ${i}`).sort())

    // a limit on concurrency, not a ban: a new stream is welcome once the others are done
    const later = await rawDm(mallory, victim, [seal('one more')])
    expect(decodeAck(later.frames[0]).status).toBe('ok')
    await stillWorks(victim, friend, 'stream flood')
  })
})

describe('hostile messages on gossipsub', () => {
  afterEach(async () => {
    await stopRawNodes()
    await cleanup()
  })

  it('oversized and malformed lobby posts and announcements: never shown, never forwarded', async () => {
    const [victim, friend] = await victimAndFriend()
    // mallory and the observer each know only the victim; anything the observer gets from mallory came through it
    const mallory = await rawNode()
    const observer = await rawNode()
    observer.services.pubsub.subscribe(LOBBY_TOPIC)
    observer.services.pubsub.subscribe(PRESENCE_TOPIC)
    await connectTo(mallory, victim.addrs)
    await connectTo(observer, victim.addrs)
    const victimId = victim.peerId
    await until('mallory sees the victim in the lobby', () =>
      mallory.services.pubsub.getSubscribers(LOBBY_TOPIC).some((p) => p.toString() === victimId)
    )
    await until('mallory sees the victim on the presence topic', () =>
      mallory.services.pubsub.getSubscribers(PRESENCE_TOPIC).some((p) => p.toString() === victimId)
    )
    // a mesh link exists once the victim accepted the observer's GRAFT (a refusal would PRUNE it again)
    await until('the observer has the victim in both meshes', () =>
      [LOBBY_TOPIC, PRESENCE_TOPIC].every((t) => meshPeers(observer, t).includes(victimId))
    )
    friend.send('warm-up')
    await until('the victim forwards lobby posts to the observer', () =>
      observer.received.some((m) => new TextDecoder().decode(m.data).includes('warm-up'))
    )

    const now = Date.now()
    const post = (text: string, over: Partial<{ id: string; senderName: string; ts: number }> = {}) =>
      LobbyMessage.encode({
        id: over.id ?? randomUUID(),
        timestamp: BigInt(over.ts ?? now),
        senderName: over.senderName ?? 'mallory',
        text
      })
    const badPosts = [
      post(`marker-oversized ${'x'.repeat(5000)}`),
      Uint8Array.from([0xff, 0xff, 0xff, 0x07, 0x6d, 0x61, 0x72, 0x6b, 0x65, 0x72]),
      post('marker-bad-name', { senderName: 'mal\u0000lory' }),
      post('marker-no-id', { id: '' }),
      post('marker-future', { ts: now + 3_600_000 }),
      post('   ')
    ]
    const badAnnouncements = [
      Uint8Array.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
      Presence.encode({ kind: Presence.Kind.JOIN, name: 'marker name', timestamp: BigInt(now), addrs: [] }),
      Presence.encode({ kind: Presence.Kind.JOIN, name: `marker${'y'.repeat(30)}`, timestamp: BigInt(now), addrs: [] }),
      // kind 9 does not exist; protons refuses to encode it, so by hand: field 1 = 9, field 2 = name
      Uint8Array.from([0x08, 0x09, 0x12, 0x0a, ...new TextEncoder().encode('markerkind')])
    ]
    for (const data of badPosts) {
      await mallory.services.pubsub.publish(LOBBY_TOPIC, data)
    }
    for (const data of badAnnouncements) {
      await mallory.services.pubsub.publish(PRESENCE_TOPIC, data)
    }
    // controls, sent last: well-formed messages from mallory do pass the victim and reach the observer
    await mallory.services.pubsub.publish(
      PRESENCE_TOPIC,
      encodeAnnouncement({ kind: 'join', name: 'mallory', ts: Date.now(), addrs: [] })
    )
    await mallory.services.pubsub.publish(
      LOBBY_TOPIC,
      encodeLobbyPost({ id: randomUUID(), ts: Date.now(), senderName: 'mallory', text: 'control from mallory' })
    )
    await victim.waitFor('message', (m) => m.text === 'control from mallory')
    await victim.waitFor('join', (j) => j.name === 'mallory')
    const fromMallory = (m: Message) => m.type === 'signed' && m.from.equals(mallory.peerId)
    await until(
      'the observer gets the controls through the victim',
      () => observer.received.filter(fromMallory).length >= 2
    )
    // and a later message from the friend, so anything the victim forwarded earlier has arrived by now
    friend.send('barrier')
    await until('the observer gets the barrier', () =>
      observer.received.some((m) => new TextDecoder().decode(m.data).includes('barrier'))
    )

    expect(
      observer.received
        .filter(fromMallory)
        .map((m) => m.topic)
        .sort()
    ).toEqual([LOBBY_TOPIC, PRESENCE_TOPIC])
    expect(observer.getConnections(mallory.peerId)).toEqual([])
    for (const p of [victim, friend]) {
      expect(JSON.stringify(p.events)).not.toContain('marker')
      expect(
        p
          .all('message')
          .filter((m) => m.from.peerId === mallory.peerId.toString())
          .map((m) => m.text)
      ).toEqual(['control from mallory'])
    }
    expect((await victim.users()).map((u) => u.name).sort()).toEqual(['friend', 'mallory', 'victim'])

    // beyond gossipsub's own 64 KiB frame limit: the RPC is dropped before any validator sees it
    await mallory.services.pubsub.publish(LOBBY_TOPIC, post(`marker-huge ${'z'.repeat(100_000)}`))
    friend.send('barrier 2')
    await until('the observer gets the second barrier', () =>
      observer.received.some((m) => new TextDecoder().decode(m.data).includes('barrier 2'))
    )
    expect(observer.received.some((m) => new TextDecoder().decode(m.data).includes('marker'))).toBe(false)
    await stillWorks(victim, friend, 'lobby junk')
    expect(JSON.stringify(victim.events)).not.toContain('marker')
  })
})
