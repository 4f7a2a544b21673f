import { TypedEventEmitter } from '@libp2p/interface'
import { describe, expect, it } from 'vitest'
import type { ChatEventDetail, ChatEventName, EmitChatEvent } from '../../../node/events.ts'
import { wireGroupEvents } from '../../../node/groups/wire.ts'
import { type User, withDisplayNames } from '../../../node/users.ts'
import { NotAuthorizedError } from '../../../protocols/group/errors.ts'
import type { GroupServiceEvents } from '../../../protocols/group/events.ts'

const ME = '12D3KooWMe'
const ALICE = '12D3KooWAliceAAAA'
const TWIN = '12D3KooWAliceBBBB'
const GROUP = { id: 'g1', name: 'team', private: false }

interface Emitted {
  type: ChatEventName
  detail: ChatEventDetail<ChatEventName>
}

/** The wiring over a bare event emitter and plain functions: no libp2p, no ChatNode. */
function wire(online: User[]) {
  const service = Object.assign(new TypedEventEmitter<GroupServiceEvents>(), { group: () => undefined })
  const emitted: Emitted[] = []
  const remembered: string[] = []
  const changed: string[] = []
  const emit: EmitChatEvent = (type, detail) => {
    emitted.push({ type, detail })
  }
  wireGroupEvents({
    service,
    connector: { groupChanged: (groupId) => changed.push(groupId) },
    me: ME,
    users: () => online,
    isBlocked: () => false,
    emit,
    remember: async (msg) => {
      remembered.push(msg.id)
    }
  })
  return { service, emitted, remembered, changed }
}

describe('group event wiring', () => {
  const online = withDisplayNames([
    { peerId: ME, name: 'me' },
    { peerId: ALICE, name: 'alice' },
    { peerId: TWIN, name: 'alice' }
  ])

  it('turns a post into a stored message from the user as currently displayed', () => {
    const { service, emitted, remembered } = wire(online)
    const post = { groupId: GROUP.id, id: 'p1', ts: 1, senderName: 'alice', text: 'hi' }
    service.safeDispatchEvent('post', { detail: { groupId: GROUP.id, from: ALICE, post } })
    expect(remembered).toEqual(['p1'])
    expect(emitted).toHaveLength(1)
    expect(emitted[0].type).toBe('message')
    const msg = emitted[0].detail as ChatEventDetail<'message'>
    expect(msg).toMatchObject({ id: 'p1', scope: 'group', text: 'hi', group: { id: GROUP.id } })
    // two online users are called alice: the sender's display name tells them apart
    expect(msg.from.peerId).toBe(ALICE)
    expect(msg.from.displayName).toBe(online[1].displayName)
    expect(msg.from.displayName).not.toBe('alice')
  })

  it('names a member who joined by itself without a `by`, and reconnects to the group', () => {
    const { service, emitted, changed } = wire(online)
    const change = { type: 'member-added' as const, groupId: GROUP.id, member: ALICE, name: 'alice', by: ALICE }
    service.safeDispatchEvent('change', { detail: { change, group: GROUP } })
    expect(emitted).toEqual([
      {
        type: 'member-added',
        detail: { group: { id: GROUP.id, name: GROUP.name }, member: online[1] }
      }
    ])
    expect(changed).toEqual([GROUP.id])
  })

  it('reports a refused frame as an error event with the stable code and the sender as displayed', () => {
    const { service, emitted } = wire(online)
    const error = new NotAuthorizedError('not an admin')
    service.safeDispatchEvent('rejected', { detail: { groupId: GROUP.id, peer: TWIN, error } })
    expect(emitted).toHaveLength(1)
    expect(emitted[0].type).toBe('error')
    const detail = emitted[0].detail as ChatEventDetail<'error'>
    expect(detail.code).toBe('NOT_AUTHORIZED')
    expect(detail.peerId).toBe(TWIN)
    expect(detail.message).toContain(online[2].displayName)
    expect(detail.message).toContain('not an admin')
  })
})
