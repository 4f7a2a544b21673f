import { defaultLogger } from '@libp2p/logger'
import { describe, expect, it } from 'vitest'
import type { GroupChange } from '../../../protocols/group/changes.ts'
import { type EngineHooks, GroupEngine, memoryPersistence } from '../../../protocols/group/engine.ts'
import type { VerifiedEntry } from '../../../protocols/group/entries.ts'
import { GroupLog } from '../../../protocols/group/log.ts'
import { createGroupEntry } from '../../../protocols/group/ops.ts'
import { people } from './fixtures.ts'

function recorder(): {
  hooks: EngineHooks
  changes: GroupChange[]
  dropped: string[]
} {
  const changes: GroupChange[] = []
  const dropped: string[] = []
  return {
    changes,
    dropped,
    hooks: {
      adopted: () => {},
      dropped: (r) => dropped.push(r.id),
      changed: (_r, c) => changes.push(...c),
      error: (err) => {
        throw err
      }
    }
  }
}

const log = defaultLogger().forComponent('test')

describe('group engine', () => {
  it('keeps both a JOIN and a concurrent invitation, and the joiner keeps the group and its key', async () => {
    const [alice, bob, carol] = await people('alice', 'bob', 'carol')
    const a = recorder()
    const b = recorder()
    const engineA = new GroupEngine(alice.key, memoryPersistence, a.hooks, log)
    const engineB = new GroupEngine(bob.key, memoryPersistence, b.hooks, log)
    const genesis = await createGroupEntry(alice.key, {
      name: 'team',
      description: '',
      private: true,
      memberName: 'alice'
    })
    const rtA = engineA.adopt(GroupLog.create(genesis))
    const { entry: inviteBob } = await engineA.author(rtA, { kind: 'invite', subject: bob.raw, memberName: 'bob' })

    // bob accepts; before his JOIN reaches alice, she invites carol at the same position
    const rtB = engineB.adopt(GroupLog.fromEntries([genesis, inviteBob]))
    const { entry: join } = await engineB.author(rtB, { kind: 'join', memberName: 'bob' })
    const { entry: inviteCarol } = await engineA.author(rtA, {
      kind: 'invite',
      subject: carol.raw,
      memberName: 'carol'
    })
    expect(join.seq).toBe(inviteCarol.seq)

    expect(await engineA.apply(rtA, [join])).toMatchObject({ type: 'appended', linear: false })
    expect(await engineB.apply(rtB, [inviteCarol])).toMatchObject({ type: 'appended', linear: false })
    expect(engineB.get(rtB.id)).toBe(rtB)
    expect(b.dropped).toEqual([])
    expect(b.changes.filter((c) => c.type === 'left')).toEqual([])
    expect(b.changes).toContainEqual(expect.objectContaining({ type: 'member-invited', member: carol.id }))
    expect(rtA.state.members.has(bob.id)).toBe(true)
    expect(rtA.state.head).toEqual(rtB.state.head)
    expect(rtA.state.needsRekey).toBe(false)
    // and bob still holds the group key
    expect(rtB.keyring.get(rtB.state.keyId)).toEqual(rtA.keyring.get(rtA.state.keyId))
  })

  it('drops a group once we are removed, and says so once', async () => {
    const [alice, bob] = await people('alice', 'bob')
    const a = recorder()
    const b = recorder()
    const engineA = new GroupEngine(alice.key, memoryPersistence, a.hooks, log)
    const engineB = new GroupEngine(bob.key, memoryPersistence, b.hooks, log)
    const genesis = await createGroupEntry(alice.key, {
      name: 'team',
      description: '',
      private: true,
      memberName: 'alice'
    })
    const rtA = engineA.adopt(GroupLog.create(genesis))
    const { entry: invite } = await engineA.author(rtA, { kind: 'invite', subject: bob.raw, memberName: 'bob' })
    const rtB = engineB.adopt(GroupLog.fromEntries([genesis, invite]))
    const { entry: join } = await engineB.author(rtB, { kind: 'join', memberName: 'bob' })
    await engineA.apply(rtA, [join])
    const { entry: removal } = await engineA.author(rtA, { kind: 'remove', subject: bob.raw })
    await engineB.apply(rtB, [removal])
    expect(engineB.get(rtB.id)).toBeUndefined()
    expect(b.dropped).toEqual([rtB.id])
    expect(b.changes.filter((c) => c.type === 'left')).toEqual([
      { type: 'left', groupId: rtB.id, reason: 'removed', by: alice.id }
    ])
    expect((await engineB.apply(rtB, [removal])).type).toBe('rejected')
  })

  it('keeps two concurrent LEAVEs: both members are gone', async () => {
    const [alice, bob, carol] = await people('alice', 'bob', 'carol')
    const a = recorder()
    const engineA = new GroupEngine(alice.key, memoryPersistence, a.hooks, log)
    const genesis = await createGroupEntry(alice.key, {
      name: 'team',
      description: '',
      private: false,
      memberName: 'alice'
    })
    const rtA = engineA.adopt(GroupLog.create(genesis))
    const peers = []
    for (const who of [bob, carol]) {
      const engine = new GroupEngine(who.key, memoryPersistence, recorder().hooks, log)
      const rt = engine.adopt(GroupLog.fromEntries([...rtA.log.all()]))
      const { entry } = await engine.author(rt, { kind: 'join', memberName: who.name })
      await engineA.apply(rtA, [entry])
      peers.push({ engine, rt })
    }
    const base = [...rtA.log.all()]
    const leaves: VerifiedEntry[] = []
    for (const { engine } of peers) {
      const rt = engine.adopt(GroupLog.fromEntries(base))
      leaves.push((await engine.author(rt, { kind: 'leave' })).entry)
    }
    await engineA.apply(rtA, [leaves[0]])
    await engineA.apply(rtA, [leaves[1]])
    expect([...rtA.state.members.keys()]).toEqual([alice.id])
    expect(
      a.changes.filter((c) => c.type === 'member-removed').map((c) => c.type === 'member-removed' && c.member)
    ).toEqual(expect.arrayContaining([bob.id, carol.id]))
  })
})

describe('group engine and storage', () => {
  it('tells of a change we made only once its log is stored', async () => {
    const [alice, bob] = await people('alice', 'bob')
    const a = recorder()
    const stored: number[] = []
    let release: () => void = () => {}
    let started: () => void = () => {}
    const saveStarted = new Promise<void>((resolve) => {
      started = resolve
    })
    const persistence = {
      ...memoryPersistence,
      save: async (_groupId: string, entries: Uint8Array[]) => {
        // the second write (after the genesis) waits until the test lets it finish
        if (entries.length > 1) {
          started()
          await new Promise<void>((resolve) => {
            release = resolve
          })
        }
        stored.push(entries.length)
      }
    }
    const engine = new GroupEngine(alice.key, persistence, a.hooks, log)
    const genesis = await createGroupEntry(alice.key, {
      name: 'team',
      description: '',
      private: true,
      memberName: 'alice'
    })
    const rt = engine.adopt(GroupLog.create(genesis))
    let done = false
    const authored = engine.author(rt, { kind: 'invite', subject: bob.raw, memberName: 'bob' }).then(() => {
      done = true
    })
    await saveStarted
    expect(a.changes).toEqual([])
    expect(done).toBe(false)
    release()
    await authored
    expect(stored).toEqual([1, 2])
    expect(a.changes).toContainEqual(expect.objectContaining({ type: 'member-invited', member: bob.id }))
  })
})
