import { describe, expect, it } from 'vitest'
import { encodeEntryBody } from '../../../protocols/group/codec.ts'
import { MAX_MEMBERS } from '../../../protocols/group/constants.ts'
import { deriveGroupId } from '../../../protocols/group/crypto.ts'
import { signEntry, verifyDecodedEntry } from '../../../protocols/group/entries.ts'
import { GroupLog } from '../../../protocols/group/log.ts'
import { authorEntry } from '../../../protocols/group/ops.ts'
import { act, addMembers, newGroup, people, sign, type Who } from './fixtures.ts'

function rejected(log: GroupLog, entry: Parameters<GroupLog['offer']>[0][0]): string {
  const result = log.offer([entry])
  expect(result.type).toBe('rejected')
  return result.type === 'rejected' ? result.error.message : ''
}

describe('group membership state', () => {
  it('founds a group from its CREATE entry, with the creator as owner', async () => {
    const [alice] = await people('alice')
    const log = await newGroup(alice)
    expect(log.state.owner).toBe(alice.id)
    expect(log.state.members.get(alice.id)).toMatchObject({ role: 'owner', name: 'alice' })
    expect(log.state.private).toBe(true)
    expect(log.state.epoch).toBe(1)
    expect(alice.keyring.get(log.state.keyId)).toBeDefined()
    expect(log.genesis.groupId).toBe(deriveGroupId(alice.raw, log.genesis.nonce))
  })

  it('refuses a CREATE whose id does not derive from its signer (no squatting)', async () => {
    const [alice, mallory] = await people('alice', 'mallory')
    const real = (await newGroup(alice, false)).genesis
    const squat = await signEntry(mallory.key, { ...real, author: mallory.raw })
    expect(() => GroupLog.fromEntries([squat])).toThrow(/does not derive/)
  })

  it('lets the owner invite, the invitee join, and seals the current key for the invitee', async () => {
    const [alice, bob] = await people('alice', 'bob')
    const log = await newGroup(alice)
    await act(log, alice, { kind: 'invite', subject: bob.raw, memberName: 'bob' }, [alice, bob])
    expect(log.state.invited.has(bob.id)).toBe(true)
    expect(bob.keyring.get(log.state.keyId)).toEqual(alice.keyring.get(log.state.keyId))
    await act(log, bob, { kind: 'join', memberName: 'bob' }, [alice, bob])
    expect(log.state.members.get(bob.id)?.role).toBe('member')
    expect(log.state.invited.size).toBe(0)
  })

  it('refuses a join to a private group without an invitation', async () => {
    const [alice, eve] = await people('alice', 'eve')
    const log = await newGroup(alice)
    await expect(sign(log, eve, { kind: 'join', memberName: 'eve' })).rejects.toThrow(/invitation only/)
  })

  describe('with owner alice, admin bob, members carol and dave', () => {
    async function setup(): Promise<{ log: GroupLog; all: Who[]; alice: Who; bob: Who; carol: Who; dave: Who }> {
      const all = await people('alice', 'bob', 'carol', 'dave')
      const [alice, bob, carol, dave] = all
      const log = await newGroup(alice)
      await addMembers(log, alice, [bob, carol, dave], all)
      await act(log, alice, { kind: 'promote', subject: bob.raw }, all)
      return { log, all, alice, bob, carol, dave }
    }

    // Entries signed directly (bypassing authorEntry's own check), as a hostile peer would send them.
    async function forge(
      log: GroupLog,
      by: Who,
      kind: 'remove' | 'promote' | 'demote' | 'invite' | 'meta',
      subject: Who
    ) {
      return signEntry(by.key, {
        kind,
        groupId: log.state.groupId,
        seq: log.head.seq + 1,
        prev: log.head.id,
        merges: [],
        author: by.raw,
        ts: Date.now(),
        subject: kind === 'meta' ? new Uint8Array(0) : subject.raw,
        name: kind === 'meta' ? 'pwned' : '',
        description: '',
        memberName: kind === 'invite' ? subject.name : '',
        private: false,
        nonce: new Uint8Array(0)
      })
    }

    it('refuses a member removing an admin', async () => {
      const { log, carol, bob } = await setup()
      expect(rejected(log, await forge(log, carol, 'remove', bob))).toMatch(/only the owner and admins/)
      expect(log.state.members.has(bob.id)).toBe(true)
    })

    it('refuses a member promoting itself', async () => {
      const { log, carol } = await setup()
      expect(rejected(log, await forge(log, carol, 'promote', carol))).toMatch(/only the owner and admins/)
      expect(log.state.members.get(carol.id)?.role).toBe('member')
    })

    it('refuses an admin removing another admin or the owner, and a member demoting an admin', async () => {
      const { log, alice, bob, carol, all } = await setup()
      await act(log, alice, { kind: 'promote', subject: carol.raw }, all)
      expect(rejected(log, await forge(log, bob, 'remove', carol))).toMatch(/only the owner can remove an admin/)
      expect(rejected(log, await forge(log, bob, 'remove', alice))).toMatch(/nobody can remove the owner/)
      expect(rejected(log, await forge(log, bob, 'demote', carol))).toMatch(/only the owner can demote/)
    })

    it('refuses an invitation signed by a non-member, and metadata changed by anyone but the owner', async () => {
      const { log, bob } = await setup()
      const [eve, frank] = await people('eve', 'frank')
      expect(rejected(log, await forge(log, eve, 'invite', frank))).toMatch(/only the owner and admins can invite/)
      expect(rejected(log, await forge(log, bob, 'meta', bob))).toMatch(/only the owner can change/)
    })

    it('refuses a removal whose new key leaves out a remaining member', async () => {
      const { log, alice, bob, carol, dave, all } = await setup()
      const honest = await sign(log, alice, { kind: 'remove', subject: dave.raw })
      // same removal, but the key sealed for alice and bob only: carol would silently lose access
      const partial = await authorEntry(
        alice.key,
        {
          state: { ...log.state, members: new Map([...log.state.members].filter(([id]) => id !== carol.id)) },
          tips: log.tips()
        },
        {
          kind: 'remove',
          subject: dave.raw
        }
      )
      expect(rejected(log, partial)).toMatch(/not sealed for exactly the members/)
      log.offer([honest])
      for (const w of all) {
        w.keyring.learn([honest])
      }
      expect(log.state.members.has(dave.id)).toBe(false)
      expect(alice.keyring.get(log.state.keyId)).toBeDefined()
      expect(bob.keyring.get(log.state.keyId)).toEqual(alice.keyring.get(log.state.keyId))
      expect(carol.keyring.get(log.state.keyId)).toEqual(alice.keyring.get(log.state.keyId))
      expect(dave.keyring.get(log.state.keyId)).toBeUndefined()
    })

    it('ignores a replayed removal and keeps a re-admitted member', async () => {
      const { log, alice, dave, all } = await setup()
      const removal = await act(log, alice, { kind: 'remove', subject: dave.raw }, all)
      await addMembers(log, alice, [dave], all)
      expect(log.offer([removal]).type).toBe('duplicate')
      expect(log.state.members.has(dave.id)).toBe(true)
      // moved to the head of the log, the old signature no longer covers it
      const moved = encodeEntryBody({ ...removal, seq: log.head.seq + 1, prev: log.head.id })
      await expect(
        verifyDecodedEntry({ body: moved, signature: removal.bytes.slice(-64), entry: removal })
      ).rejects.toThrow(/signature does not verify/)
      expect(log.state.members.has(dave.id)).toBe(true)
    })

    it('passes ownership to the longest-standing admin when the owner leaves, and asks for a new key', async () => {
      const { log, alice, bob, all } = await setup()
      await act(log, alice, { kind: 'leave' }, all)
      expect(log.state.owner).toBe(bob.id)
      expect(log.state.members.get(bob.id)?.role).toBe('owner')
      expect(log.state.needsRekey).toBe(true)
      await act(log, bob, { kind: 'rekey' }, all)
      expect(log.state.needsRekey).toBe(false)
      expect(alice.keyring.get(log.state.keyId)).toBeUndefined()
    })

    it('lets an admin step down but not demote others; a member cannot rotate the key', async () => {
      const { log, bob, carol, all } = await setup()
      await expect(sign(log, carol, { kind: 'rekey' })).rejects.toThrow(/only the owner and admins can rotate/)
      await act(log, bob, { kind: 'demote', subject: bob.raw }, all)
      expect(log.state.members.get(bob.id)?.role).toBe('member')
    })
  })

  it('gives a group that everyone left to the invitee who joins next, with a new key to come', async () => {
    const all = await people('alice', 'bob')
    const [alice, bob] = all
    const log = await newGroup(alice)
    await act(log, alice, { kind: 'invite', subject: bob.raw, memberName: 'bob' }, all)
    await act(log, alice, { kind: 'leave' }, all)
    expect(log.state.owner).toBe('')
    expect(log.state.needsRekey).toBe(true)
    await act(log, bob, { kind: 'join', memberName: 'bob' }, all)
    expect(log.state.owner).toBe(bob.id)
    expect(log.state.members.get(bob.id)?.role).toBe('owner')
    await act(log, bob, { kind: 'rekey' }, all)
    expect(alice.keyring.get(log.state.keyId)).toBeUndefined()
  })

  it('bars a removed user from rejoining a public group by itself until invited again', async () => {
    const [alice, bob] = await people('alice', 'bob')
    const log = await newGroup(alice, false)
    await act(log, bob, { kind: 'join', memberName: 'bob' })
    await act(log, alice, { kind: 'remove', subject: bob.raw })
    await expect(sign(log, bob, { kind: 'join', memberName: 'bob' })).rejects.toThrow(/removed from this group/)
    await act(log, alice, { kind: 'invite', subject: bob.raw, memberName: 'bob' })
    await act(log, bob, { kind: 'join', memberName: 'bob' })
    expect(log.state.members.has(bob.id)).toBe(true)
  })

  it(`holds at most ${MAX_MEMBERS} members and invitees`, async () => {
    const [alice] = await people('alice')
    const log = await newGroup(alice, false)
    const joiners = await people(...Array.from({ length: MAX_MEMBERS }, (_, i) => `m${i}`))
    for (const m of joiners.slice(0, MAX_MEMBERS - 1)) {
      await act(log, m, { kind: 'join', memberName: m.name })
    }
    expect(log.state.members.size).toBe(MAX_MEMBERS)
    const last = joiners[MAX_MEMBERS - 1]
    await expect(sign(log, last, { kind: 'join', memberName: last.name })).rejects.toMatchObject({ reason: 'full' })
  })
})
