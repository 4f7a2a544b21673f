import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { encodePostFrame, encodeTopicFrame } from '../../protocols/group/codec.ts'
import { signPostBody } from '../../protocols/group/crypto.ts'
import { signEntry } from '../../protocols/group/entries.ts'
import { Post, SignedEntry } from '../../protocols/group/pb/group.ts'
import { sendInvitation } from '../../protocols/group/streams.ts'
import {
  bringIn,
  bringInProcess,
  chatNode,
  collect,
  connectTo,
  entryFrame,
  forgeEntry,
  groupTopic,
  rawNode,
  runtimeOf,
  seesSubscribed,
  signRaw,
  stopInProcess,
  streamsOf
} from './group-helpers.ts'
import { cleanup, type PeerProcess, spawnPeers, until } from './harness.ts'

/** Waits until each member reports refusing something from `peerId` whose reason matches. */
async function refusedByAll(members: PeerProcess[], marks: number[], reason: RegExp, code = 'GROUP_OP_REJECTED') {
  await Promise.all(
    members.map((p, i) => p.waitFor('error', (e) => e.code === code && reason.test(e.message), { from: marks[i] }))
  )
}

async function members(p: PeerProcess, group: string): Promise<Array<[string, string]>> {
  const from = p.events.length
  p.send(`/members ${group}`)
  const answer = await p.waitFor('members', () => true, { from })
  return answer.members.map((m) => [m.name, m.role])
}

describe('group attacks', () => {
  afterEach(async () => {
    await stopInProcess()
    await cleanup()
  })

  it('every member refuses forged and unauthorized membership operations, and oversized posts', async () => {
    const [alice, bob, carol] = await spawnPeers(['alice', 'bob', 'carol'])
    const { node: mallory, key: malloryKey } = await chatNode('mallory', alice)
    await alice.waitForUsers((u) => u.length === 4)
    alice.send('/group create secret --private')
    const { group } = await alice.waitFor('group-joined')
    await bringIn(alice, group, bob)
    await bringIn(alice, group, carol)
    await bringInProcess(alice, group, mallory)
    alice.send('/promote secret bob')
    for (const p of [alice, bob, carol]) {
      await p.waitFor('member-role', (e) => e.member.peerId === bob.peerId && e.role === 'admin')
    }
    const honest = [alice, bob, carol]
    const before = await members(alice, 'secret')

    const topic = groupTopic(group.id)
    await connectTo(mallory.libp2p, [bob, carol])
    await seesSubscribed(mallory.libp2p.services.pubsub, topic, honest)
    const runtime = runtimeOf(mallory, group.id)
    const groupKey = runtime.keyring.get(runtime.state.keyId)!
    const publish = async (frame: Uint8Array): Promise<number[]> => {
      const marks = honest.map((p) => p.events.length)
      await mallory.libp2p.services.pubsub.publish(topic, frame)
      return marks
    }
    const bobKey = peerIdFromString(bob.peerId).publicKey!.raw
    const aliceKey = peerIdFromString(alice.peerId).publicKey!.raw

    // a member removes an admin
    const kick = await forgeEntry(malloryKey, runtime.log, { kind: 'remove', subject: bobKey }, groupKey, 'owner')
    await refusedByAll(honest, await publish(entryFrame(runtime, kick.bytes)), /only the owner and admins can remove/)

    // a member makes itself admin
    const self = await signRaw(malloryKey, runtime.log, 'promote', malloryKey.publicKey.raw)
    await refusedByAll(
      honest,
      await publish(entryFrame(runtime, self.bytes)),
      /only the owner and admins can make admins/
    )

    // an entry that claims alice as author but carries mallory's signature
    const asAlice = await signEntry(malloryKey, { ...self, author: aliceKey })
    await refusedByAll(honest, await publish(entryFrame(runtime, asAlice.bytes)), /signature does not verify/)

    // a non-member, who got hold of the group key, invites someone; it publishes under its own identity
    const eveKey = await generateKeyPair('Ed25519')
    const eveNode = await rawNode(eveKey)
    await connectTo(eveNode, honest)
    await seesSubscribed(eveNode.services.pubsub, topic, honest)
    const frank = await generateKeyPair('Ed25519')
    const eveInvite = await forgeEntry(
      eveKey,
      runtime.log,
      { kind: 'invite', subject: frank.publicKey.raw, memberName: 'frank' },
      groupKey
    )
    const marks = honest.map((p) => p.events.length)
    await eveNode.services.pubsub.publish(topic, entryFrame(runtime, eveInvite.bytes))
    await refusedByAll(honest, marks, /only the owner and admins can invite/)

    // a post over the size limit, properly sealed and signed by a member
    const body = Post.encode({
      groupId: group.id,
      id: 'big',
      timestamp: BigInt(Date.now()),
      senderName: 'mallory',
      text: 'x'.repeat(5000)
    })
    const oversized = runtime.wrap(encodePostFrame(body, await signPostBody(malloryKey, body)))
    await refusedByAll(honest, await publish(oversized), /limit is 4096/, 'MESSAGE_TOO_LARGE')

    // nothing changed anywhere, and the group still works
    for (const p of honest) {
      expect(await members(p, 'secret')).toEqual(before)
    }
    expect(before).toEqual([
      ['alice', 'owner'],
      ['bob', 'admin'],
      ['carol', 'member'],
      ['mallory', 'member']
    ])
    carol.send('/g secret still fine')
    await alice.waitFor('message', (m) => m.text === 'still fine')
    await bob.waitFor('message', (m) => m.text === 'still fine')
  })

  it('every member refuses a replayed old removal, and an invitee refuses an invitation from a non-member', async () => {
    const [alice, carol, dave] = await spawnPeers(['alice', 'carol', 'dave'])
    const { node: mallory } = await chatNode('mallory', alice)
    await alice.waitForUsers((u) => u.length === 4)
    alice.send('/group create secret --private')
    const { group } = await alice.waitFor('group-joined')
    await bringIn(alice, group, carol)
    await bringInProcess(alice, group, mallory)

    // alice removes carol, then invites her back
    alice.send('/remove secret carol')
    await carol.waitFor('group-left', (e) => e.group.id === group.id && e.reason === 'removed')
    const runtime = runtimeOf(mallory, group.id)
    // carol may hear of her removal before mallory's copy of the log has it
    const removalOf = () => runtime.log.all().findLast((e) => e.kind === 'remove')
    await until("the removal in mallory's log", () => removalOf() != null)
    const removal = removalOf()!
    expect(removal.subjectId).toBe(carol.peerId)
    await bringIn(alice, group, carol)

    // mallory replays the old removal, sealed with the current key
    const topic = groupTopic(group.id)
    await connectTo(mallory.libp2p, [carol])
    await seesSubscribed(mallory.libp2p.services.pubsub, topic, [alice, carol])
    const marks = [alice, carol].map((p) => p.events.length)
    await mallory.libp2p.services.pubsub.publish(topic, entryFrame(runtime, removal.bytes))
    await refusedByAll([alice, carol], marks, /replayed entry \(remove/)
    for (const p of [alice, carol]) {
      expect((await members(p, 'secret')).map(([name]) => name)).toContain('carol')
    }
    expect(carol.all('group-left')).toHaveLength(1)
    carol.send('/g secret still in')
    await alice.waitFor('message', (m) => m.text === 'still in')

    // eve, no member, sends dave an invitation she signed herself, with the group's real log before it
    const eveKey = await generateKeyPair('Ed25519')
    const eve = await rawNode(eveKey)
    await connectTo(eve, [dave])
    const daveKey = peerIdFromString(dave.peerId).publicKey!.raw
    const forged = await forgeEntry(
      eveKey,
      runtime.log,
      { kind: 'invite', subject: daveKey, memberName: 'dave' },
      runtime.keyring.get(runtime.state.keyId)
    )
    const entries = [...runtime.log.all().map((e) => e.bytes), forged.bytes]
    const from = dave.events.length
    await expect(
      sendInvitation(
        streamsOf(eve),
        peerIdFromString(dave.peerId),
        group.id,
        forged.id,
        entries,
        AbortSignal.timeout(10_000)
      )
    ).rejects.toThrow(/invalid/)
    const refused = await dave.waitFor('error', (e) => e.code === 'GROUP_OP_REJECTED', { from })
    expect(refused.message).toMatch(/only the owner and admins can invite/)
    dave.send('/invites')
    expect((await dave.waitFor('invites', () => true, { from })).invites).toEqual([])
    expect(dave.all('invite')).toEqual([])
  })

  it('rejects malformed entries and oversized posts without forwarding them, and keeps running', async () => {
    const [alice, bob] = await spawnPeers(['alice', 'bob'])
    await alice.waitForUsers((u) => u.length === 2)
    alice.send('/group create open')
    const { group } = await alice.waitFor('group-joined')
    await bringIn(alice, group, bob)
    const topic = groupTopic(group.id)

    // a listener and an attacker, each connected to alice only
    const sniffer = await rawNode()
    const frames = collect(sniffer.services.pubsub, topic)
    await connectTo(sniffer, [alice])
    sniffer.services.pubsub.subscribe(topic)
    const attackerKey = await generateKeyPair('Ed25519')
    const attacker = await rawNode(attackerKey)
    await connectTo(attacker, [alice])
    await seesSubscribed(attacker.services.pubsub, topic, [alice])

    const plain = (frame: Uint8Array): Uint8Array => encodeTopicFrame({ sealed: false, plain: frame })
    const junk = Uint8Array.from([0xff, 0x01, 0x02, 0x03, 0x04])
    const badEntry = plain(
      SignedEntry.encode({ entry: Uint8Array.from([8, 99, 18, 3, 97, 98, 99]), signature: new Uint8Array(64) })
    )
    const body = Post.encode({
      groupId: group.id,
      id: 'big',
      timestamp: BigInt(Date.now()),
      senderName: 'x',
      text: 'y'.repeat(5000)
    })
    const bigPost = plain(encodePostFrame(body, await signPostBody(attackerKey, body)))
    const hugeEntry = plain(
      (await import('../../protocols/group/pb/group.ts')).GroupFrame.encode({
        entry: { entry: new Uint8Array(20 * 1024).fill(1), signature: new Uint8Array(64) }
      })
    )
    const hostile = [junk, badEntry, bigPost, hugeEntry]
    const mark = alice.events.length
    for (const data of hostile) {
      await attacker.services.pubsub.publish(topic, data)
    }
    // alice refused each of them...
    const attackerId = attacker.peerId.toString()
    const deadline = Date.now() + 20_000
    while (
      alice.events.slice(mark).filter((e) => e.type === 'error' && e.message.includes(attackerId.slice(-4))).length <
      hostile.length
    ) {
      await alice.waitFor('error', () => true, {
        from: alice.events.length,
        timeoutMs: Math.max(1, deadline - Date.now())
      })
    }
    const errors = alice.events.slice(mark).filter((e) => e.type === 'error')
    expect(errors.map((e) => (e.type === 'error' ? e.code : '')).sort()).toEqual(
      ['MESSAGE_TOO_LARGE', 'MESSAGE_TOO_LARGE', 'PROTOCOL_ERROR', 'PROTOCOL_ERROR'].sort()
    )
    // ...and forwarded none: a post by bob, sent after, reaches the listener through alice, and nothing else does
    bob.send('/g open marker from bob')
    await alice.waitFor('message', (m) => m.text === 'marker from bob')
    const seen = (): boolean => frames.some((f) => Buffer.from(f).includes(Buffer.from('marker from bob')))
    for (let i = 0; !seen(); i++) {
      if (i === 20) {
        throw new Error('the listener never got the marker')
      }
      bob.send(`/g open marker from bob ${i}`)
      await alice.waitFor('message', (m) => m.text === `marker from bob ${i}`)
    }
    for (const data of hostile) {
      expect(frames.some((f) => Buffer.from(f).equals(Buffer.from(data)))).toBe(false)
    }
    expect(bob.all('error')).toEqual([])
    expect(await members(alice, 'open')).toEqual([
      ['alice', 'owner'],
      ['bob', 'member']
    ])
  })
})
