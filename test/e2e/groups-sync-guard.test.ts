import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeTopicFrame } from '../../protocols/group/codec.ts'
import { GROUP_PROTOCOL } from '../../protocols/group/constants.ts'
import { KEY_ID_BYTES, NONCE_BYTES } from '../../protocols/group/crypto.ts'
import { fetchLog } from '../../protocols/group/streams.ts'
import { connectTo, groupTopic, rawNode, seesSubscribed, stopInProcess, streamsOf } from './group-helpers.ts'
import { cleanup, spawnPeers } from './harness.ts'

describe('group sync guard', () => {
  afterEach(async () => {
    await stopInProcess()
    await cleanup()
  })

  it('a non-member can neither make members fetch a log from it nor fetch a private log', async () => {
    const [alice, bob] = await spawnPeers(['alice', 'bob'])
    await alice.waitForUsers((u) => u.length === 2)
    alice.send('/group create secret --private')
    const { group } = await alice.waitFor('group-joined')
    const invited = bob.events.length
    alice.send(`/invite secret bob`)
    const invite = await bob.waitFor('invite', (i) => i.group.id === group.id, { from: invited })
    bob.send(`/accept ${invite.id}`)
    await alice.waitFor('member-added', (e) => e.member.peerId === bob.peerId)
    const honest = [alice, bob]

    // eve, no member, records every group stream anyone opens to her
    const eve = await rawNode(await generateKeyPair('Ed25519'))
    const asked: string[] = []
    await eve.handle(GROUP_PROTOCOL, (stream, connection) => {
      asked.push(connection.remotePeer.toString())
      stream.abort(new Error('eve serves nothing'))
    })
    const topic = groupTopic(group.id)
    await connectTo(eve, honest)
    eve.services.pubsub.subscribe(topic)
    await seesSubscribed(eve.services.pubsub, topic, honest)

    // frames sealed with key ids nobody holds: each used to make every member fetch the log from its sender
    for (let i = 0; i < 3; i++) {
      const frame = encodeTopicFrame({
        sealed: true,
        keyId: randomBytes(KEY_ID_BYTES),
        nonce: randomBytes(NONCE_BYTES),
        ciphertext: randomBytes(64)
      })
      await eve.services.pubsub.publish(topic, frame)
    }
    // a malformed frame after them: once both members have reported it, they have handled the sealed ones
    const marks = honest.map((p) => p.events.length)
    await eve.services.pubsub.publish(topic, Uint8Array.from([0xff, 0x01, 0x02, 0x03, 0x04]))
    await Promise.all(honest.map((p, i) => p.waitFor('error', (e) => e.code === 'PROTOCOL_ERROR', { from: marks[i] })))
    // eve asking for the log herself is refused by both (two round trips more for a sync to eve to show up)
    for (const p of honest) {
      await expect(
        fetchLog(
          streamsOf(eve),
          peerIdFromString(p.peerId),
          { groupId: group.id, knownSeq: 0, knownId: new Uint8Array(0) },
          AbortSignal.timeout(10_000)
        )
      ).rejects.toThrow(/refused/)
    }
    expect(asked).toEqual([])
  })
})
