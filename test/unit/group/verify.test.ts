import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidMessageError, MessageTooLargeError } from '../../../protocols/common/errors.ts'
import { encodeAnnouncement, encodeEntryFrame, encodeTopicFrame } from '../../../protocols/group/codec.ts'
import { EntryRejectedError } from '../../../protocols/group/errors.ts'
import { groupTopic } from '../../../protocols/group/runtime.ts'
import { groupIdOfTopic, verifyAnnouncement, verifyTopicFrameStateless } from '../../../protocols/group/verify.ts'
import { newGroup, people } from './fixtures.ts'

describe('stateless checks of group gossip (what the relay runs)', () => {
  it('finds the group id of group topics only', async () => {
    const [owner] = await people('owner')
    const id = (await newGroup(owner, false)).state.groupId
    expect(groupIdOfTopic(groupTopic(id))).toBe(id)
    expect(groupIdOfTopic(`${groupTopic(id)}x`)).toBeUndefined()
    expect(groupIdOfTopic(groupTopic('not-a-group-id'))).toBeUndefined()
    expect(groupIdOfTopic('/p2pchat/groups/1.0.0')).toBeUndefined()
  })

  it('accepts announcements of public groups and refuses private ones', async () => {
    const [owner] = await people('owner')
    const pub = (await newGroup(owner, false)).genesis
    const verified = await verifyAnnouncement(encodeAnnouncement(pub.bytes, pub.bytes, 1))
    expect(verified.genesis.groupId).toBe(pub.groupId)
    const priv = (await newGroup(owner, true)).genesis
    await expect(verifyAnnouncement(encodeAnnouncement(priv.bytes, priv.bytes, 1))).rejects.toThrow(EntryRejectedError)
  })

  it('accepts an entry from its author in its group, a sealed frame as is, and refuses the rest', async () => {
    const [owner, other] = await people('owner', 'other')
    const log = await newGroup(owner, false)
    const id = log.state.groupId
    const plain = encodeTopicFrame({ sealed: false, plain: encodeEntryFrame(log.genesis.bytes) })
    await expect(verifyTopicFrameStateless(id, owner.id, owner.key.publicKey, plain)).resolves.toBeUndefined()
    await expect(verifyTopicFrameStateless(id, other.id, other.key.publicKey, plain)).rejects.toThrow(
      EntryRejectedError
    )
    const elsewhere = (await newGroup(owner, false, 'elsewhere')).state.groupId
    await expect(verifyTopicFrameStateless(elsewhere, owner.id, owner.key.publicKey, plain)).rejects.toThrow(
      EntryRejectedError
    )
    const sealed = encodeTopicFrame({
      sealed: true,
      keyId: new Uint8Array(16),
      nonce: new Uint8Array(24),
      ciphertext: new Uint8Array(48)
    })
    await expect(verifyTopicFrameStateless(id, owner.id, owner.key.publicKey, sealed)).resolves.toBeUndefined()
  })

  it('throws only named errors for random bytes', async () => {
    const [owner] = await people('owner')
    const id = (await newGroup(owner, false)).state.groupId
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
        for (const check of [
          () => verifyAnnouncement(bytes),
          () => verifyTopicFrameStateless(id, owner.id, owner.key.publicKey, bytes)
        ]) {
          try {
            await check()
          } catch (err) {
            const named =
              err instanceof InvalidMessageError ||
              err instanceof MessageTooLargeError ||
              err instanceof EntryRejectedError
            if (!named) {
              throw err
            }
          }
        }
      }),
      { numRuns: 300 }
    )
  })
})
