import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { MessageArchive } from '../../../node/history.ts'
import { type LobbyQuota, overQuota } from '../../../node/lobby-quota.ts'
import { DEFAULT_RETENTION } from '../../../node/retention.ts'
import type { StoredMessage } from '../../../node/store.ts'
import { archives } from './archives.ts'

const { tempDir, openArchive } = archives('lobby-quota')

const known = (peer: string): boolean => peer.startsWith('friend')

async function archive(quota: Partial<LobbyQuota>): Promise<MessageArchive> {
  return openArchive(tempDir(), { settings: () => DEFAULT_RETENTION, lobbyQuota: { ...quota, known } })
}

let seq = 0
function post(from: string): StoredMessage {
  seq++
  return {
    id: `m${seq}`,
    scope: 'lobby',
    conversation: 'lobby',
    fromPeerId: from,
    fromName: from,
    text: `post ${seq}`,
    ts: 1_800_000_000_000 + seq
  }
}

describe('stored lobby messages are bounded', () => {
  it('one sender flooding keeps only its newest messages stored', async () => {
    const a = await archive({ perSender: 20, total: 1000 })
    for (let i = 0; i < 300; i++) {
      await a.save(post('mallory'))
    }
    await a.save(post('alice'))
    // history runs after the purges the saves started
    const stored = await a.history('lobby', 10_000)
    const mallory = stored.filter((m) => m.fromPeerId === 'mallory')
    expect(mallory.length).toBeGreaterThanOrEqual(20)
    expect(mallory.length).toBeLessThanOrEqual(22)
    expect(mallory.at(-1)!.text).toBe(`post ${seq - 1}`)
    expect(stored.some((m) => m.fromPeerId === 'alice')).toBe(true)
  })

  it('a flood from many new PeerIds goes before the messages of senders we know', async () => {
    const a = await archive({ perSender: 50, total: 100 })
    for (let i = 0; i < 30; i++) {
      await a.save(post('friend-1'))
    }
    for (let i = 0; i < 500; i++) {
      await a.save(post(`sybil-${i}`))
    }
    const stored = await a.history('lobby', 10_000)
    expect(stored.length).toBeLessThanOrEqual(110)
    expect(stored.filter((m) => m.fromPeerId === 'friend-1')).toHaveLength(30)
  })
})

describe('overQuota', () => {
  it('leaves at most perSender per sender and total in all, dropping strangers and the oldest first', () => {
    const msg = fc.record({ from: fc.constantFrom('a', 'b', 'c', 'friend-1', 'friend-2'), ts: fc.nat(1000) })
    fc.assert(
      fc.property(fc.array(msg, { maxLength: 200 }), fc.nat(10), fc.nat(40), (list, perSender, total) => {
        const messages = list.map((m, i) => ({ ...m, key: `k${i}` }))
        const doomed = overQuota(messages, { perSender, total, known })
        const kept = messages.filter((m) => !doomed.has(m.key))
        expect(kept.length).toBeLessThanOrEqual(total)
        for (const from of new Set(kept.map((m) => m.from))) {
          const mine = messages.filter((m) => m.from === from)
          const keptMine = kept.filter((m) => m.from === from)
          expect(keptMine.length).toBeLessThanOrEqual(perSender)
          // what a sender keeps is its newest
          const oldestKept = Math.min(...keptMine.map((m) => m.ts))
          expect(mine.filter((m) => doomed.has(m.key) && m.ts > oldestKept)).toEqual([])
        }
        // a known sender lost messages to the total only if no stranger kept any
        const knownCut = messages.some(
          (m) => known(m.from) && doomed.has(m.key) && kept.filter((k) => k.from === m.from).length < perSender
        )
        if (knownCut) {
          expect(kept.filter((m) => !known(m.from))).toEqual([])
        }
      })
    )
  })
})
