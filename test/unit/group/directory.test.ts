import { describe, expect, it } from 'vitest'
import { MAX_LISTED_PER_OWNER } from '../../../protocols/group/constants.ts'
import { GroupDirectory } from '../../../protocols/group/directory.ts'
import { act, newGroup, people } from './fixtures.ts'

describe('public group directory', () => {
  it('lists announced groups with the newest metadata, and forgets them after the TTL', async () => {
    const [alice] = await people('alice')
    const log = await newGroup(alice, false, 'open')
    const meta = await act(log, alice, { kind: 'meta', name: 'open house', description: 'welcome' })
    const dir = new GroupDirectory(1000)
    expect(dir.apply('peerA', log.genesis, meta, 3, 0)).toBe(true)
    // an older announcement (stale metadata) does not roll the name back
    expect(dir.apply('peerB', log.genesis, log.genesis, 4, 500)).toBe(false)
    expect(dir.get(log.state.groupId)).toMatchObject({ name: 'open house', description: 'welcome', members: 4 })
    expect([...dir.get(log.state.groupId)!.announcers.keys()]).toEqual(['peerA', 'peerB'])
    dir.expire(1400)
    expect(dir.list()).toHaveLength(1)
    dir.expire(1501)
    expect(dir.list()).toHaveLength(0)
  })

  it('holds at most its maximum number of groups', async () => {
    const [alice] = await people('alice')
    const dir = new GroupDirectory(1000, 2)
    for (let i = 0; i < 3; i++) {
      const log = await newGroup(alice, false, `g${i}`)
      dir.apply('p', log.genesis, log.genesis, 1, 0)
    }
    expect(dir.list().map((g) => g.name)).toEqual(['g0', 'g1'])
  })

  it('caps the groups listed per creating owner', async () => {
    const [mallory] = await people('mallory')
    const dir = new GroupDirectory(1000, 100)
    for (let i = 0; i < 20; i++) {
      const log = await newGroup(mallory, false, `spam-${i}`)
      dir.apply(mallory.id, log.genesis, log.genesis, 1, 0)
    }
    expect(dir.list()).toHaveLength(MAX_LISTED_PER_OWNER)
  })

  it('a full list of flooded groups still takes groups announced by peers we know, evicting the newest flood', async () => {
    const sybils = await people(...Array.from({ length: 12 }, (_, i) => `sybil-${i}`))
    const [friend, stranger] = await people('friend', 'stranger')
    const known = (peer: string): boolean => peer === friend.id
    const dir = new GroupDirectory(1000, 10, known)
    for (const [i, s] of sybils.entries()) {
      const log = await newGroup(s, false, `fake-${i}`)
      dir.apply(s.id, log.genesis, log.genesis, 1, i)
    }
    expect(dir.list()).toHaveLength(10)
    // an honest stranger's group cannot displace anything once full...
    const strangers = await newGroup(stranger, false, 'unknown-but-honest')
    expect(dir.apply(stranger.id, strangers.genesis, strangers.genesis, 1, 20)).toBe(false)
    // ...but a group our friend announces (or created) displaces the newest fake one
    const real = await newGroup(friend, false, 'book club')
    expect(dir.apply(friend.id, real.genesis, real.genesis, 3, 21)).toBe(true)
    const names = dir.list().map((g) => g.name)
    expect(names).toContain('book club')
    expect(names).not.toContain('fake-9')
    expect(names).toHaveLength(10)
    // and a group with a known announcer is not displaced by more floods
    const late = await newGroup(sybils[11], false, 'fake-late')
    expect(dir.apply(sybils[11].id, late.genesis, late.genesis, 1, 30)).toBe(false)
  })
})
