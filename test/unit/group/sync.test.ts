import { describe, expect, it } from 'vitest'
import { hex } from '../../../protocols/group/crypto.ts'
import { mayPromptSync, syncAnswer } from '../../../protocols/group/sync.ts'
import { act, addMembers, newGroup, people } from './fixtures.ts'

describe('group log sync', () => {
  it('refuses the log of a private group to non-members and gives a removed member its removal only', async () => {
    const all = await people('alice', 'bob', 'zed', 'eve')
    const [alice, bob, zed, eve] = all
    const log = await newGroup(alice)
    await addMembers(log, alice, [bob, zed], all)
    const removal = await act(log, alice, { kind: 'remove', subject: zed.raw }, all)
    await act(log, alice, { kind: 'meta', name: 'after', description: '' }, all)
    const unknown = hex(new Uint8Array(32))

    expect(syncAnswer(log, eve.id, unknown)).toEqual({
      answer: { status: 'refused', reason: 'private group' },
      askBack: false
    })
    const forZed = syncAnswer(log, zed.id, unknown)
    expect(forZed.answer.entries).toHaveLength(log.length - 1)
    expect(forZed.answer.entries?.at(-1)).toEqual(removal.bytes)
    // a member with a head we do not know gets everything, and we fetch from it in turn
    expect(syncAnswer(log, bob.id, unknown)).toMatchObject({ answer: { status: 'ok' }, askBack: true })
    expect(syncAnswer(log, bob.id, log.head.idHex)).toEqual({ answer: { status: 'ok', entries: [] }, askBack: false })
  })

  it('serves a public log to anyone (to join it) without fetching from them', async () => {
    const [alice, eve] = await people('alice', 'eve')
    const log = await newGroup(alice, false)
    const answer = syncAnswer(log, eve.id, hex(new Uint8Array(32)))
    expect(answer).toEqual({ answer: { status: 'ok', entries: [log.genesis.bytes] }, askBack: false })
  })

  it('lets only members and invitees prompt a sync with a frame sealed with a key we lack', async () => {
    const all = await people('alice', 'bob', 'carol', 'eve')
    const [alice, bob, carol, eve] = all
    const log = await newGroup(alice)
    await addMembers(log, alice, [bob], all)
    await act(log, alice, { kind: 'invite', subject: carol.raw, memberName: 'carol' }, all)
    expect(mayPromptSync(log.state, bob.id)).toBe(true)
    expect(mayPromptSync(log.state, carol.id)).toBe(true)
    expect(mayPromptSync(log.state, eve.id)).toBe(false)
  })
})
