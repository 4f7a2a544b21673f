import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG } from '../../../relay/config.ts'
import { NoUsableStateError, SnapshotError } from '../../../relay/errors.ts'
import {
  decodeSnapshot,
  encodeSnapshot,
  newestFirst,
  parseSnapshotFileName,
  snapshotFileName,
  toPrune
} from '../../../relay/snapshot.ts'
import { SNAPSHOT_DIR, SnapshotStore } from '../../../relay/snapshot-store.ts'
import { createState, type RelayState } from '../../../relay/state.ts'

const [relay, alice, bob] = await Promise.all(
  [0, 1, 2].map(async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString())
)

function state(): RelayState {
  const s = createState({
    peerId: relay,
    name: 'Relay',
    description: 'desc',
    createdAt: 1000,
    admins: [alice],
    settings: DEFAULT_CONFIG
  })
  s.bans.push({ peerId: bob, name: 'bob', reason: 'spam', by: alice, at: 2000 })
  s.users.push({ peerId: bob, name: 'bob', firstSeen: 1, lastSeen: 2 })
  return s
}

const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) {
    await rm(dir, { recursive: true, force: true })
  }
})

describe('snapshot encoding', () => {
  it('round-trips', () => {
    const snap = { seq: 3, savedAt: 99, state: state() }
    expect(decodeSnapshot(encodeSnapshot(snap))).toEqual(snap)
  })

  it('detects truncation and edits', () => {
    const text = encodeSnapshot({ seq: 1, savedAt: 1, state: state() })
    expect(() => decodeSnapshot(text.slice(0, text.length / 2))).toThrow(SnapshotError)
    expect(() => decodeSnapshot(text.replace('"spam"', '"spom"'))).toThrow(/checksum/)
    expect(() => decodeSnapshot('{"format":"other"}')).toThrow(SnapshotError)
  })

  it('decodeSnapshot throws only SnapshotError on random and mutated input', () => {
    const text = encodeSnapshot({ seq: 1, savedAt: 1, state: state() })
    const only = (input: string): boolean => {
      try {
        decodeSnapshot(input)
        return true
      } catch (err) {
        return err instanceof SnapshotError
      }
    }
    fc.assert(fc.property(fc.string({ maxLength: 500 }), only), { numRuns: 1000 })
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.string({ maxLength: 5 }), (at, cut, insert) => {
        const i = at % text.length
        return only(text.slice(0, i) + insert + text.slice(i + (cut % 4)))
      }),
      { numRuns: 1000 }
    )
  })

  it('orders, parses and prunes file names', () => {
    expect(parseSnapshotFileName(snapshotFileName(42))).toBe(42)
    expect(parseSnapshotFileName('snapshot-1.json.tmp')).toBeUndefined()
    const names = [snapshotFileName(2), 'junk.txt', snapshotFileName(10), snapshotFileName(1)]
    expect(newestFirst(names)).toEqual([snapshotFileName(10), snapshotFileName(2), snapshotFileName(1)])
    expect(toPrune(names, 2)).toEqual([snapshotFileName(1)])
  })
})

describe('SnapshotStore', () => {
  async function store(keep = 3): Promise<SnapshotStore> {
    const dir = await mkdtemp(join(tmpdir(), 'p2pchat-snap-'))
    dirs.push(dir)
    const { mkdir } = await import('node:fs/promises')
    await mkdir(join(dir, SNAPSHOT_DIR))
    return new SnapshotStore(dir, keep)
  }

  it('keeps the newest few and loads the newest', async () => {
    const s = await store(2)
    const st = state()
    for (const motd of ['a', 'b', 'c']) {
      st.settings = { ...st.settings, motd }
      await s.save(st)
    }
    expect((await readdir(s.dir)).sort()).toEqual([snapshotFileName(2), snapshotFileName(3)])
    const loaded = await new SnapshotStore(join(s.dir, '..'), 2).load()
    expect(loaded.state.settings.motd).toBe('c')
    expect(loaded.skipped).toEqual([])
  })

  it('falls back to the previous snapshot when the newest is corrupt, and says so', async () => {
    const s = await store()
    const st = state()
    await s.save(st)
    st.settings = { ...st.settings, motd: 'newer' }
    const newest = await s.save(st)
    await writeFile(join(s.dir, newest), '{"format":"p2pchat-relay-snapshot","version":1,"seq":2,"sav')
    const reopened = new SnapshotStore(join(s.dir, '..'), 3)
    const loaded = await reopened.load()
    expect(loaded.seq).toBe(1)
    expect(loaded.skipped.map((k) => k.file)).toEqual([newest])
    // the next save does not overwrite the corrupt file
    expect(await reopened.save(loaded.state)).toBe(snapshotFileName(3))
  })

  it('refuses to start empty when no snapshot is usable', async () => {
    const s = await store()
    await expect(s.load()).rejects.toBeInstanceOf(NoUsableStateError)
    await writeFile(join(s.dir, snapshotFileName(1)), 'garbage')
    await expect(s.load()).rejects.toThrow(/snapshot-000000000001.json: not valid JSON/)
  })
})
