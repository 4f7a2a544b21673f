import { describe, expect, it } from 'vitest'
import type { VerifiedEntry } from '../../../protocols/group/entries.ts'
import { GroupLog } from '../../../protocols/group/log.ts'
import { keyHolders } from '../../../protocols/group/state.ts'
import { act, addMembers, newGroup, people, sign } from './fixtures.ts'

/** A copy of `log` as it was after its first `n` entries: where a fork starts. */
function copyOf(log: GroupLog, n = log.length): GroupLog {
  return GroupLog.fromEntries(log.all().slice(0, n))
}

/** Offers entries one at a time, as gossip and sync deliver them. */
function deliver(log: GroupLog, entries: VerifiedEntry[]): void {
  for (const e of entries) {
    log.offer([e])
  }
}

describe('group history forks', () => {
  it('a removed admin cannot take the group back with a branch forked before her removal', async () => {
    const all = await people('alice', 'mallory', 'dave', 'sock')
    const [alice, mallory, dave, sock] = all
    const log = await newGroup(alice)
    await addMembers(log, alice, [mallory], all)
    await act(log, alice, { kind: 'promote', subject: mallory.raw }, all)
    await act(log, alice, { kind: 'invite', subject: dave.raw, memberName: 'dave' }, all)
    const forkAt = log.length
    // the honest history: dave joins, then alice removes mallory
    const honest = [
      await act(log, dave, { kind: 'join', memberName: 'dave' }, all),
      await act(log, alice, { kind: 'remove', subject: mallory.raw }, [alice, dave])
    ]
    // mallory's branch, from dave's JOIN position: withdraw dave, invite and promote a sockpuppet
    const fork = copyOf(log, forkAt)
    const forged: VerifiedEntry[] = []
    forged.push(await act(fork, mallory, { kind: 'remove', subject: dave.raw }, [mallory, sock]))
    forged.push(await act(fork, mallory, { kind: 'invite', subject: sock.raw, memberName: 'sock' }, [mallory, sock]))
    forged.push(await act(fork, sock, { kind: 'join', memberName: 'sock' }, [mallory, sock]))
    forged.push(await act(fork, mallory, { kind: 'promote', subject: sock.raw }, [mallory, sock]))

    const seenHonestFirst = copyOf(log)
    deliver(seenHonestFirst, forged)
    const seenForgedFirst = copyOf(log, forkAt)
    deliver(seenForgedFirst, forged)
    deliver(seenForgedFirst, honest)
    for (const s of [seenHonestFirst.state, seenForgedFirst.state]) {
      expect(s.members.get(dave.id)?.role).toBe('member')
      expect(s.members.has(mallory.id)).toBe(false)
      expect(s.members.has(sock.id)).toBe(false)
      expect(s.invited.has(sock.id)).toBe(false)
      expect(keyHolders(s).some((k) => k.every((b, i) => b === sock.raw[i]))).toBe(false)
    }
    expect(seenForgedFirst.state.keyId).toEqual(seenHonestFirst.state.keyId)
    expect(sock.keyring.has(seenHonestFirst.state.keyId)).toBe(false)
    expect(dave.keyring.has(seenHonestFirst.state.keyId)).toBe(true)
  })

  it('a member cannot undo a removal by signing a LEAVE at the same position', async () => {
    const all = await people('alice', 'mallory', 'zed', 'bob')
    const [alice, mallory, zed, bob] = all
    const log = await newGroup(alice)
    await addMembers(log, alice, [mallory, zed, bob], all)
    const forkAt = log.length
    const removal = await act(log, alice, { kind: 'remove', subject: zed.raw }, [alice, mallory, bob])
    const leave = await sign(copyOf(log, forkAt), mallory, { kind: 'leave' })

    const x = copyOf(log)
    x.offer([leave])
    const y = copyOf(log, forkAt)
    y.offer([leave])
    y.offer([removal])
    for (const s of [x.state, y.state]) {
      expect(s.members.has(zed.id)).toBe(false)
      expect(s.removed.has(zed.id)).toBe(true)
      expect(s.members.has(mallory.id)).toBe(false)
      expect(s.members.has(bob.id)).toBe(true)
    }
    // the rotation that follows the LEAVE is sealed for those who remain only: not for zed
    const rekey = await act(x, alice, { kind: 'rekey' }, all)
    expect(zed.keyring.has(x.state.keyId)).toBe(false)
    expect(bob.keyring.has(x.state.keyId)).toBe(true)
    expect(rekey.keys?.wrapped.map((w) => w.recipient)).toHaveLength(2)
  })
})
