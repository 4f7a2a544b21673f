import { describe, expect, it } from 'vitest'
import { INVITE_ID_PREFIX, Invitations, inviteIdFor } from '../../../protocols/group/invitations.ts'
import { newGroup, people } from './fixtures.ts'

async function invitation(entryByte: number) {
  const [alice] = await people('alice')
  const log = await newGroup(alice)
  return {
    entryId: new Uint8Array(32).fill(entryByte),
    groupId: log.state.groupId,
    name: 'team',
    description: '',
    private: true,
    members: 1,
    inviter: alice.id,
    inviterName: 'alice',
    from: alice.id,
    at: 0,
    log
  }
}

describe('pending invitations', () => {
  it('gives short ids starting with the invitation prefix, longer when they would clash', () => {
    const id = inviteIdFor(new Uint8Array(32).fill(1), () => false)
    expect(id.startsWith(INVITE_ID_PREFIX)).toBe(true)
    expect(id).toHaveLength(7)
    const longer = inviteIdFor(new Uint8Array(32).fill(1), (candidate) => candidate === id)
    expect(longer).toHaveLength(8)
    expect(longer.startsWith(id)).toBe(true)
  })

  it('keeps one invitation per group, ignores re-deliveries, and does not bring back a declined one', async () => {
    const invites = new Invitations()
    const first = await invitation(1)
    const added = invites.add(first)
    expect(added?.id).toBeDefined()
    expect(invites.add({ ...first })).toBeUndefined()
    const newer = invites.add({ ...first, entryId: new Uint8Array(32).fill(2) })
    expect(invites.list().map((i) => i.id)).toEqual([newer!.id])
    invites.decline(newer!.id)
    expect(invites.list()).toEqual([])
    expect(invites.add({ ...first, entryId: new Uint8Array(32).fill(2) })).toBeUndefined()
  })
})
