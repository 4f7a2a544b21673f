import { describe, expect, it, vi } from 'vitest'
import { MessageArchive } from '../../../node/history.ts'
import { DEFAULT_RETENTION, parseRetentionSpec } from '../../../node/retention.ts'
import { ChatStore, type StoredMessage } from '../../../node/store.ts'
import { TempDirs } from '../../support/temp-dirs.ts'

const dirs = new TempDirs('archive-batch')

function line(i: number): StoredMessage {
  return {
    id: `m${i}`,
    scope: 'lobby',
    conversation: 'lobby',
    fromPeerId: `Peer${i % 3}`,
    fromName: 'bob',
    text: `line ${i}`,
    ts: Date.now() + i
  }
}

describe('MessageArchive writes a burst of messages together', () => {
  it('saves made in one tick reach the store in one write, and all of them are kept', async () => {
    const store = await ChatStore.open(dirs.make())
    const writes = [vi.spyOn(store, 'saveMessage'), vi.spyOn(store, 'saveMessages')]
    const settings = { ...DEFAULT_RETENTION, ...parseRetentionSpec('lobby=forever') }
    const archive = new MessageArchive({ disk: store, settings: () => settings })
    try {
      await archive.start()
      const burst = Array.from({ length: 50 }, (_, i) => line(i))
      const placed = await Promise.all(burst.map((m) => archive.save(m)))
      expect(placed.every((p) => p === 'disk')).toBe(true)
      const calls = writes.reduce((n, spy) => n + spy.mock.calls.length, 0)
      expect(calls).toBe(1)
      expect((await archive.history('lobby', 100)).map((m) => m.id)).toEqual(burst.map((m) => m.id))
      // a save after the burst's write began goes into a write of its own
      await archive.save(line(50))
      expect(await archive.history('lobby', 100)).toHaveLength(51)
    } finally {
      await archive.close()
      dirs.removeAll()
    }
  })
})
