import { afterEach, describe, expect, it, vi } from 'vitest'
import { MessageArchive, type PurgeCounts } from '../../../node/history.ts'
import { DEFAULT_RETENTION, parseRetentionSpec, type RetentionSettings } from '../../../node/retention.ts'
import { ChatStore, type StoredMessage } from '../../../node/store.ts'
import { filesContaining } from '../../support/scan.ts'
import { archives } from './archives.ts'

const DAY = 86_400_000
const NOW = 1_800_000_000_000
const { tempDir, openArchive } = archives('archive')

async function archive(spec?: string, persistent = true) {
  const dir = tempDir()
  let settings: RetentionSettings = { ...DEFAULT_RETENTION, ...(spec ? parseRetentionSpec(spec) : {}) }
  const purged: PurgeCounts[] = []
  const a = await openArchive(persistent ? dir : undefined, {
    settings: () => settings,
    now: () => Date.now(),
    onPurge: (c) => purged.push(c)
  })
  const setPolicy = async (s: string): Promise<PurgeCounts> => {
    settings = { ...settings, ...parseRetentionSpec(s) }
    return a.apply()
  }
  return { a, dir, setPolicy, purged }
}

let seq = 0
function msg(text: string, scope: 'lobby' | 'dm', ageMs: number, from = 'PeerB'): StoredMessage {
  return {
    id: `m${++seq}`,
    scope,
    conversation: scope === 'lobby' ? 'lobby' : from,
    fromPeerId: from,
    fromName: 'bob',
    text,
    ts: Date.now() - ageMs
  }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('MessageArchive', () => {
  it('forever keeps text on disk (the scan below can see it)', async () => {
    const { a, dir } = await archive()
    await a.save(msg('visible-on-disk', 'lobby', 0))
    expect(filesContaining(dir, 'visible-on-disk')).not.toEqual([])
    expect((await a.history('lobby')).map((m) => m.text)).toEqual(['visible-on-disk'])
  })

  it('none never stores, session keeps in memory only: no text reaches the disk', async () => {
    const { a, dir } = await archive('lobby=none,dm=session')
    expect(await a.save(msg('never-kept', 'lobby', 0))).toBeUndefined()
    expect(await a.save(msg('memory-only', 'dm', 0))).toBe('memory')
    expect(await a.history('lobby')).toEqual([])
    expect((await a.history('PeerB')).map((m) => m.text)).toEqual(['memory-only'])
    await a.close()
    expect(filesContaining(dir, 'never-kept')).toEqual([])
    expect(filesContaining(dir, 'memory-only')).toEqual([])
  })

  it('a shorter duration deletes older messages at once, and the bytes leave the files', async () => {
    const { a, dir, setPolicy } = await archive()
    await a.save(msg('three-days-old', 'lobby', 3 * DAY))
    await a.save(msg('one-hour-old', 'lobby', 3_600_000))
    await a.save(msg('old-dm', 'dm', 3 * DAY))
    expect(filesContaining(dir, 'three-days-old')).not.toEqual([])
    expect(await setPolicy('lobby=1d')).toEqual({ lobby: 1, dm: 0, groups: 0 })
    expect((await a.history('lobby')).map((m) => m.text)).toEqual(['one-hour-old'])
    expect((await a.history('PeerB')).map((m) => m.text)).toEqual(['old-dm'])
    expect(filesContaining(dir, 'three-days-old')).toEqual([])
    expect(filesContaining(dir, 'one-hour-old')).not.toEqual([])
  })

  it('switching to none deletes the whole scope from disk', async () => {
    const { a, dir, setPolicy } = await archive()
    await a.save(msg('dm-secret', 'dm', 0))
    expect(await setPolicy('dm=none')).toEqual({ lobby: 0, dm: 1, groups: 0 })
    expect(filesContaining(dir, 'dm-secret')).toEqual([])
    expect(await a.history('PeerB')).toEqual([])
  })

  it('switching to session moves messages off the disk but keeps them for this session', async () => {
    const { a, dir, setPolicy } = await archive()
    await a.save(msg('moving-to-memory', 'lobby', 0))
    expect(await setPolicy('lobby=session')).toEqual({ lobby: 0, dm: 0, groups: 0 })
    expect(filesContaining(dir, 'moving-to-memory')).toEqual([])
    expect((await a.history('lobby')).map((m) => m.text)).toEqual(['moving-to-memory'])
    await setPolicy('lobby=forever')
    expect(filesContaining(dir, 'moving-to-memory')).not.toEqual([])
  })

  it('applies the policies at start to what an earlier session stored', async () => {
    const dir = tempDir()
    const first = new MessageArchive({ disk: await ChatStore.open(dir), settings: () => DEFAULT_RETENTION })
    await first.start()
    await first.save(msg('from-last-week', 'lobby', 7 * DAY))
    await first.save(msg('from-today', 'lobby', 0))
    await first.close()
    const settings = { ...DEFAULT_RETENTION, ...parseRetentionSpec('lobby=2d') }
    const second = new MessageArchive({ disk: await ChatStore.open(dir), settings: () => settings })
    try {
      expect(await second.start()).toEqual({ lobby: 1, dm: 0, groups: 0 })
      expect((await second.history('lobby')).map((m) => m.text)).toEqual(['from-today'])
      expect(filesContaining(dir, 'from-last-week')).toEqual([])
    } finally {
      await second.close()
    }
  })

  it('the purge timer deletes messages as they expire and reports it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    vi.setSystemTime(NOW)
    const { a, purged } = await archive('30s', false)
    await a.save(msg('expires-soon', 'lobby', 0))
    await a.save(msg('expires-later', 'dm', -10_000))
    await vi.advanceTimersByTimeAsync(31_000)
    expect(purged).toEqual([{ lobby: 1, dm: 0, groups: 0 }])
    expect(await a.history('lobby')).toEqual([])
    expect(await a.history('PeerB')).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(purged).toEqual([
      { lobby: 1, dm: 0, groups: 0 },
      { lobby: 0, dm: 1, groups: 0 }
    ])
  })

  it('history leaves out expired messages even before the timer ran', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(NOW)
    const { a } = await archive('1h', false)
    await a.save(msg('stale-soon', 'lobby', 0))
    vi.setSystemTime(NOW + 2 * 3_600_000)
    expect(await a.history('lobby')).toEqual([])
  })

  it('forgetPeer deletes its DMs, its lobby messages and its contact, from disk and memory', async () => {
    const { a, dir } = await archive('dm=session')
    await a.save(msg('bob-in-lobby', 'lobby', 0, 'PeerBob'))
    await a.save(msg('carol-in-lobby', 'lobby', 0, 'PeerCarol'))
    await a.save(msg('bob-dm', 'dm', 0, 'PeerBob'))
    await a.saveContact({ peerId: 'PeerBob', name: 'bobby-contact', lastSeen: 1 })
    expect(await a.forgetPeer('PeerBob')).toBe(2)
    expect((await a.history('lobby')).map((m) => m.text)).toEqual(['carol-in-lobby'])
    expect(await a.history('PeerBob')).toEqual([])
    expect(await a.contacts()).toEqual([])
    expect(filesContaining(dir, 'bob-in-lobby')).toEqual([])
    expect(filesContaining(dir, 'bobby-contact')).toEqual([])
    // not even its PeerId, which LevelDB would otherwise keep in its manifest and log
    expect(filesContaining(dir, 'PeerBob')).toEqual([])
  })

  it('history returns the newest n, oldest first, across disk and memory', async () => {
    const { a, setPolicy } = await archive()
    for (let i = 0; i < 5; i++) {
      await a.save(msg(`disk-${i}`, 'lobby', 10_000 - i * 1000))
    }
    await setPolicy('lobby=session')
    await setPolicy('lobby=forever')
    await setPolicy('lobby=session')
    await a.save(msg('memory-5', 'lobby', 0))
    expect((await a.history('lobby', 3)).map((m) => m.text)).toEqual(['disk-3', 'disk-4', 'memory-5'])
  })
})
