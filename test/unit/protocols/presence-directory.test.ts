import { describe, expect, it } from 'vitest'
import type { Announcement, PresenceKind } from '../../../protocols/presence/codec.ts'
import { MAX_LIFETIME_MS, PRESENCE_TTL_MS } from '../../../protocols/presence/constants.ts'
import { addrsChanged, Directory, STALE_AFTER_MS } from '../../../protocols/presence/directory.ts'

const T0 = 1_700_000_000_000
const ADDR = Uint8Array.of(0x04, 127, 0, 0, 1)

function ann(kind: PresenceKind, name: string, ts: number): Announcement {
  return { kind, name, ts, addrs: [ADDR] }
}

describe('Directory', () => {
  it('a first announcement is a join', () => {
    const dir = new Directory()
    const change = dir.apply('peerA', ann('join', 'alice', T0), T0)
    expect(change).toEqual({
      type: 'join',
      entry: { peerId: 'peerA', name: 'alice', addrs: [ADDR], ts: T0, lastSeen: T0, lifetimeMs: PRESENCE_TTL_MS }
    })
    expect(dir.has('peerA')).toBe(true)
    expect(dir.get('peerA')?.name).toBe('alice')
    expect(dir.size).toBe(1)
  })

  it('an ALIVE from an unknown peer also joins it', () => {
    const dir = new Directory()
    expect(dir.apply('peerA', ann('alive', 'alice', T0), T0)?.type).toBe('join')
  })

  it('a newer announcement with the same name refreshes silently', () => {
    const dir = new Directory()
    dir.apply('peerA', ann('join', 'alice', T0), T0)
    expect(dir.apply('peerA', ann('alive', 'alice', T0 + 10), T0 + 5000)).toBeUndefined()
    expect(dir.get('peerA')).toMatchObject({ ts: T0 + 10, lastSeen: T0 + 5000 })
  })

  it('a newer announcement with another name is a rename', () => {
    const dir = new Directory()
    dir.apply('peerA', ann('join', 'alice', T0), T0)
    const change = dir.apply('peerA', ann('alive', 'alicia', T0 + 1), T0 + 1)
    expect(change).toMatchObject({ type: 'rename', previousName: 'alice', entry: { name: 'alicia' } })
    expect(dir.list().map((e) => e.name)).toEqual(['alicia'])
  })

  it('a LEAVE removes the peer', () => {
    const dir = new Directory()
    dir.apply('peerA', ann('join', 'alice', T0), T0)
    const change = dir.apply('peerA', ann('leave', 'alice', T0 + 1), T0 + 1)
    expect(change).toMatchObject({ type: 'leave', reason: 'left', entry: { peerId: 'peerA', name: 'alice' } })
    expect(dir.has('peerA')).toBe(false)
    expect(dir.size).toBe(0)
  })

  it('a LEAVE from a peer we never saw changes nothing', () => {
    const dir = new Directory()
    expect(dir.apply('peerA', ann('leave', 'alice', T0), T0)).toBeUndefined()
    expect(dir.size).toBe(0)
  })

  it('ignores stale and replayed announcements (timestamp not newer than the last one applied)', () => {
    const dir = new Directory()
    dir.apply('peerA', ann('join', 'alice', T0 + 100), T0)
    expect(dir.apply('peerA', ann('alive', 'eve', T0 + 50), T0 + 1)).toBeUndefined()
    expect(dir.apply('peerA', ann('alive', 'eve', T0 + 100), T0 + 1)).toBeUndefined()
    expect(dir.apply('peerA', ann('leave', 'alice', T0 + 99), T0 + 1)).toBeUndefined()
    expect(dir.get('peerA')).toMatchObject({ name: 'alice', ts: T0 + 100, lastSeen: T0 })
  })

  it('a late ALIVE older than a LEAVE does not bring the peer back', () => {
    const dir = new Directory()
    dir.apply('peerA', ann('join', 'alice', T0), T0)
    dir.apply('peerA', ann('leave', 'alice', T0 + 20), T0 + 20)
    expect(dir.apply('peerA', ann('alive', 'alice', T0 + 10), T0 + 30)).toBeUndefined()
    expect(dir.apply('peerA', ann('alive', 'alice', T0 + 20), T0 + 30)).toBeUndefined()
    expect(dir.has('peerA')).toBe(false)
  })

  it('an ALIVE that overtook the LEAVE before it does not resurrect either, even if the peer was never seen', () => {
    const dir = new Directory()
    dir.apply('peerA', ann('leave', 'alice', T0 + 20), T0)
    expect(dir.apply('peerA', ann('join', 'alice', T0 + 5), T0)).toBeUndefined()
    expect(dir.has('peerA')).toBe(false)
  })

  it('a JOIN newer than the LEAVE brings the peer back (a new session)', () => {
    const dir = new Directory()
    dir.apply('peerA', ann('join', 'alice', T0), T0)
    dir.apply('peerA', ann('leave', 'alice', T0 + 20), T0 + 20)
    expect(dir.apply('peerA', ann('join', 'alice', T0 + 21), T0 + 21)?.type).toBe('join')
    expect(dir.has('peerA')).toBe(true)
  })

  it('keeps peers apart by PeerId, even with the same name', () => {
    const dir = new Directory()
    dir.apply('peerA', ann('join', 'alice', T0), T0)
    expect(dir.apply('peerB', ann('join', 'alice', T0), T0)?.type).toBe('join')
    dir.apply('peerB', ann('leave', 'alice', T0 + 1), T0 + 1)
    expect(dir.list().map((e) => e.peerId)).toEqual(['peerA'])
  })

  it('expires peers silent for longer than the TTL, by our clock, not theirs', () => {
    const dir = new Directory()
    dir.apply('peerA', ann('join', 'alice', T0), T0)
    // peerB's clock is far behind ours: only when we heard from it counts
    dir.apply('peerB', ann('join', 'bob', 5), T0 + 10_000)
    expect(dir.expire(T0 + PRESENCE_TTL_MS)).toEqual([])
    const gone = dir.expire(T0 + PRESENCE_TTL_MS + 1)
    expect(gone).toEqual([{ type: 'leave', reason: 'timeout', entry: expect.objectContaining({ peerId: 'peerA' }) }])
    expect(dir.list().map((e) => e.peerId)).toEqual(['peerB'])
    expect(dir.expire(T0 + 10_000 + PRESENCE_TTL_MS + 1).map((c) => c.entry.peerId)).toEqual(['peerB'])
    expect(dir.size).toBe(0)
  })

  it('keeps a peer for the lifetime it announced, never less than the TTL nor more than MAX_LIFETIME_MS', () => {
    const dir = new Directory()
    const withLifetime = (peer: string, lifetimeMs: number): void => {
      dir.apply(peer, { ...ann('join', peer, T0), lifetimeMs }, T0)
    }
    withLifetime('relayed', 6 * 60_000)
    withLifetime('short', 1_000)
    withLifetime('greedy', 24 * 60 * 60_000)
    expect(dir.expire(T0 + PRESENCE_TTL_MS + 1).map((c) => c.entry.peerId)).toEqual(['short'])
    expect(dir.expire(T0 + 6 * 60_000).map((c) => c.entry.peerId)).toEqual([])
    expect(dir.expire(T0 + 6 * 60_000 + 1).map((c) => c.entry.peerId)).toEqual(['relayed'])
    expect(dir.expire(T0 + MAX_LIFETIME_MS + 1).map((c) => c.entry.peerId)).toEqual(['greedy'])
  })

  it('a later announcement without a lifetime takes the longer one back', () => {
    const dir = new Directory()
    dir.apply('peerA', { ...ann('join', 'alice', T0), lifetimeMs: 6 * 60_000 }, T0)
    // the relay slot was lost: the peer repeats itself every heartbeat again, and goes as soon as it stops
    dir.apply('peerA', ann('alive', 'alice', T0 + 1), T0 + 1)
    expect(dir.expire(T0 + 1 + PRESENCE_TTL_MS + 1)).toHaveLength(1)
  })

  it('a refresh keeps a peer from expiring', () => {
    const dir = new Directory({ ttlMs: 1000 })
    dir.apply('peerA', ann('join', 'alice', T0), T0)
    dir.apply('peerA', ann('alive', 'alice', T0 + 900), T0 + 900)
    expect(dir.expire(T0 + 1500)).toEqual([])
    expect(dir.expire(T0 + 1901)).toHaveLength(1)
  })

  it('an expired peer comes back with its next announcement', () => {
    const dir = new Directory({ ttlMs: 1000 })
    dir.apply('peerA', ann('join', 'alice', T0), T0)
    dir.expire(T0 + 2000)
    expect(dir.apply('peerA', ann('alive', 'alice', T0 + 2000), T0 + 2000)?.type).toBe('join')
  })

  it('remove() drops an unreachable peer, and its next announcement brings it back', () => {
    const dir = new Directory()
    dir.apply('peerA', ann('join', 'alice', T0), T0)
    expect(dir.remove('peerA')).toMatchObject({ type: 'leave', reason: 'unreachable', entry: { peerId: 'peerA' } })
    expect(dir.has('peerA')).toBe(false)
    expect(dir.remove('peerA')).toBeUndefined()
    expect(dir.apply('peerA', ann('alive', 'alice', T0 + 1), T0 + 1)?.type).toBe('join')
  })

  it('stops taking new peers at maxSize but keeps updating known ones', () => {
    const dir = new Directory({ maxSize: 2 })
    dir.apply('peerA', ann('join', 'alice', T0), T0)
    dir.apply('peerB', ann('join', 'bob', T0), T0)
    expect(dir.apply('peerC', ann('join', 'carol', T0), T0)).toBeUndefined()
    expect(dir.has('peerC')).toBe(false)
    expect(dir.size).toBe(2)
    expect(dir.apply('peerA', ann('alive', 'alicia', T0 + 1), T0 + 1)?.type).toBe('rename')
    dir.apply('peerB', ann('leave', 'bob', T0 + 1), T0 + 1)
    expect(dir.apply('peerC', ann('join', 'carol', T0 + 2), T0 + 2)?.type).toBe('join')
  })

  it('remembers at most maxSize departures, forgetting the oldest first', () => {
    const dir = new Directory({ maxSize: 2 })
    for (const [i, peer] of ['peerA', 'peerB', 'peerC'].entries()) {
      dir.apply(peer, ann('leave', 'x', T0 + 100 + i), T0)
    }
    // peerA's LEAVE was forgotten, so its older ALIVE is taken; peerC's is still remembered
    expect(dir.apply('peerA', ann('alive', 'a', T0), T0)?.type).toBe('join')
    expect(dir.apply('peerC', ann('alive', 'c', T0), T0)).toBeUndefined()
  })

  it('full: a newcomer takes the place of a peer that missed a heartbeat, never of one that keeps announcing', () => {
    const dir = new Directory({ maxSize: 2 })
    dir.apply('peerA', ann('join', 'alice', T0), T0)
    dir.apply('peerB', ann('join', 'bob', T0), T0)
    const later = T0 + STALE_AFTER_MS + 1
    dir.apply('peerA', ann('alive', 'alice', later), later)
    expect(dir.apply('peerC', ann('join', 'carol', later), later)?.type).toBe('join')
    expect(dir.takeEvicted()).toEqual([expect.objectContaining({ type: 'leave', reason: 'timeout' })])
    expect(dir.has('peerB')).toBe(false)
    expect(dir.takeEvicted()).toEqual([])
    // both left are fresh: the next newcomer waits
    expect(dir.apply('peerD', ann('join', 'dave', later + 1), later + 1)).toBeUndefined()
    expect(dir.has('peerA') && dir.has('peerC')).toBe(true)
  })

  it('full: a peer that announced a long lifetime goes stale as much later', () => {
    const dir = new Directory({ maxSize: 2 })
    dir.apply('relayed', { ...ann('join', 'alice', T0), lifetimeMs: 10 * PRESENCE_TTL_MS }, T0)
    dir.apply('plain', ann('join', 'bob', T0 + 1), T0 + 1)
    // past the plain peer's staleness: it makes room, though the relayed one was heard from earlier
    const later = T0 + STALE_AFTER_MS + 2
    expect(dir.apply('peerC', ann('join', 'carol', later), later)?.type).toBe('join')
    expect(dir.has('plain')).toBe(false)
    // the relayed one is not stale until ten times as long
    expect(dir.apply('peerD', ann('join', 'dave', later), later)).toBeUndefined()
    const muchLater = T0 + 10 * STALE_AFTER_MS + 1
    dir.apply('peerC', ann('alive', 'carol', muchLater), muchLater)
    expect(dir.apply('peerD', ann('join', 'dave', muchLater), muchLater)?.type).toBe('join')
    expect(dir.has('relayed')).toBe(false)
  })

  it('tells when a known peer announced new addresses, and not for stale or unchanged announcements', () => {
    const dir = new Directory()
    const relayed = Uint8Array.of(0x04, 198, 51, 100, 1)
    dir.apply('peerA', ann('join', 'alice', T0), T0)
    const before = dir.get('peerA')?.addrs
    const moved: Announcement = { kind: 'alive', name: 'alice', ts: T0 + 1, addrs: [ADDR, relayed] }
    expect(dir.apply('peerA', moved, T0 + 1)).toBeUndefined()
    expect(addrsChanged(before, dir.get('peerA')?.addrs, moved.addrs)).toBe(true)
    // the same addresses again, in a new array
    const same: Announcement = { kind: 'alive', name: 'alice', ts: T0 + 2, addrs: [ADDR, Uint8Array.from(relayed)] }
    const held = dir.get('peerA')?.addrs
    dir.apply('peerA', same, T0 + 2)
    expect(addrsChanged(held, dir.get('peerA')?.addrs, same.addrs)).toBe(false)
    // a stale announcement is passed over, whatever it says
    const stale: Announcement = { kind: 'alive', name: 'alice', ts: T0, addrs: [] }
    const current = dir.get('peerA')?.addrs
    dir.apply('peerA', stale, T0 + 3)
    expect(addrsChanged(current, dir.get('peerA')?.addrs, stale.addrs)).toBe(false)
    expect(addrsChanged(undefined, [ADDR], [ADDR])).toBe(false)
  })
})
