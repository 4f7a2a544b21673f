import { describe, expect, it } from 'vitest'
import {
  INVITATION_TTL_MS,
  INVITE_CHECKS_BURST,
  MAX_INVITATIONS_PER_INVITER,
  MAX_LOG_ENTRIES,
  MAX_PENDING_INVITATIONS,
  MAX_STRANGER_INVITATIONS,
  MIN_INVITE_COST
} from '../../../protocols/group/constants.ts'
import { InvitationLimitError } from '../../../protocols/group/errors.ts'
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

describe('pending invitations under a flood', () => {
  const HOUR = 3_600_000
  let clock = 1_800_000_000_000
  let n = 0
  const now = (): number => clock

  async function from(inviter: string, at = clock) {
    const base = await invitation(0)
    const entryId = new Uint8Array(32)
    new DataView(entryId.buffer).setUint32(0, ++n)
    return { ...base, entryId, groupId: `group-${n}`, inviter, from: inviter, at }
  }

  const known = (peer: string): boolean => peer.startsWith('friend')

  it('a flood of new inviters fills only the strangers share, and known inviters still get through', async () => {
    const invites = new Invitations({ known, now })
    let kept = 0
    for (let i = 0; i < 200; i++) {
      try {
        kept += invites.add(await from(`sybil-${i}`)) == null ? 0 : 1
      } catch (err) {
        expect(err).toBeInstanceOf(InvitationLimitError)
      }
    }
    expect(kept).toBe(MAX_STRANGER_INVITATIONS)
    for (let i = 0; i < MAX_PENDING_INVITATIONS - MAX_STRANGER_INVITATIONS; i++) {
      expect(invites.add(await from(`friend-${i}`))).toBeDefined()
    }
    // full: the next friend displaces the newest stranger's invitation
    clock += 1
    const newestStranger = invites
      .list()
      .filter((i) => !known(i.inviter))
      .at(-1)!
    expect(invites.add(await from('friend-last'))).toBeDefined()
    expect(invites.list()).toHaveLength(MAX_PENDING_INVITATIONS)
    expect(invites.get(newestStranger.id)).toBeUndefined()
  })

  it('caps invitations per inviter, and drops unanswered ones after the TTL', async () => {
    const invites = new Invitations({ known, now })
    for (let i = 0; i < MAX_INVITATIONS_PER_INVITER; i++) {
      invites.add(await from('friend-busy'))
    }
    await expect(async () => invites.add(await from('friend-busy'))).rejects.toThrow(InvitationLimitError)
    clock += INVITATION_TTL_MS
    expect(invites.list()).toEqual([])
    expect(invites.add(await from('friend-busy'))).toBeDefined()
    clock += HOUR
  })

  it('bounds the signature checks spent on deliveries: per peer, and for all strangers together', () => {
    const invites = new Invitations({ known, now })
    let checked = 0
    for (let i = 0; i < 1000; i++) {
      try {
        invites.admitDelivery(`sybil-${i}`, 3)
        checked += MIN_INVITE_COST
      } catch (err) {
        expect(err).toBeInstanceOf(InvitationLimitError)
      }
    }
    expect(checked).toBeLessThanOrEqual(INVITE_CHECKS_BURST)
    // a member of one of our groups has a budget of its own
    expect(() => invites.admitDelivery('friend-1', MAX_LOG_ENTRIES)).not.toThrow()
    expect(() => invites.admitDelivery('friend-1', MAX_LOG_ENTRIES)).not.toThrow()
    expect(() => invites.admitDelivery('friend-1', MAX_LOG_ENTRIES)).toThrow(InvitationLimitError)
    // and the budgets fill again with time
    clock += 120_000
    expect(() => invites.admitDelivery('sybil-new', 3)).not.toThrow()
  })
})
