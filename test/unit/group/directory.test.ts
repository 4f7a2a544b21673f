import { describe, expect, it } from 'vitest'
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
})
