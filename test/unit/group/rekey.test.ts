import { describe, expect, it } from 'vitest'
import { ADMIN_REKEY_JITTER_MS, MEMBER_REKEY_STEP_MS } from '../../../protocols/group/constants.ts'
import { GroupLog } from '../../../protocols/group/log.ts'
import { rekeyDelay, rotationOrder } from '../../../protocols/group/rekey.ts'
import { act, addMembers, newGroup, people, sign } from './fixtures.ts'

const ADMIN_DELAY = 3000

describe('key rotation after a member leaves', () => {
  it('lets a plain member rotate when no admin does, and keeps one key when two rotate at once', async () => {
    const all = await people('alice', 'bob', 'carol', 'dave')
    const [alice, bob, carol, dave] = all
    const log = await newGroup(alice)
    await addMembers(log, alice, [bob, carol, dave], all)
    await expect(sign(log, carol, { kind: 'rekey' })).rejects.toThrow(/only the owner and admins can rotate/)
    await act(log, bob, { kind: 'leave' }, all)
    expect(log.state.needsRekey).toBe(true)
    // alice is offline: carol and dave both rotate, each before seeing the other's rotation
    const byCarol = await sign(log, carol, { kind: 'rekey' })
    const byDave = await sign(log, dave, { kind: 'rekey' })
    const states = []
    for (const order of [
      [byCarol, byDave],
      [byDave, byCarol]
    ]) {
      const copy = GroupLog.fromEntries([...log.all()])
      for (const e of order) {
        expect(copy.offer([e]).type).toBe('appended')
      }
      states.push(copy.state)
    }
    for (const w of all) {
      w.keyring.learn([byCarol, byDave])
    }
    const [x, y] = states
    expect(x.keyId).toEqual(y.keyId)
    expect(x.epoch).toBe(log.state.epoch + 1)
    expect(x.needsRekey).toBe(false)
    for (const w of [alice, carol, dave]) {
      expect(w.keyring.has(x.keyId)).toBe(true)
    }
    expect(bob.keyring.has(x.keyId)).toBe(false)
  })

  it('has the owner rotate at once, admins later, then members one after another in an order all agree on', async () => {
    const all = await people('alice', 'bob', 'carol', 'dave', 'erin')
    const [alice, bob, carol, dave, erin] = all
    const log = await newGroup(alice)
    await addMembers(log, alice, [bob, carol, dave, erin], all)
    await act(log, alice, { kind: 'promote', subject: bob.raw }, all)
    await act(log, erin, { kind: 'leave' }, all)
    const s = log.state
    expect(rekeyDelay(s, alice.id, [], ADMIN_DELAY, 0.5)).toBe(0)
    const admin = rekeyDelay(s, bob.id, [], ADMIN_DELAY, 0.5)
    expect(admin).toBeGreaterThanOrEqual(ADMIN_DELAY)
    expect(admin).toBeLessThan(ADMIN_DELAY + ADMIN_REKEY_JITTER_MS)
    const online = [carol.id, dave.id]
    const order = rotationOrder(s, online)
    expect(rotationOrder(s, [...online].reverse())).toEqual(order)
    expect(rekeyDelay(s, order[0], online, ADMIN_DELAY, 0.5)).toBe(2 * ADMIN_DELAY)
    expect(rekeyDelay(s, order[1], online, ADMIN_DELAY, 0.5)).toBe(2 * ADMIN_DELAY + MEMBER_REKEY_STEP_MS)
    // a member that sees nobody else online goes first
    expect(rekeyDelay(s, order[1], [], ADMIN_DELAY, 0.5)).toBe(2 * ADMIN_DELAY)
  })
})
