import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { AdminRefusedError } from '../../../protocols/admin/errors.ts'
import { DEFAULT_CONFIG } from '../../../relay/config.ts'
import { KnownUsers } from '../../../relay/known-users.ts'
import {
  addAdmin,
  addBan,
  createState,
  type RelayState,
  removeAdmin,
  removeBan,
  setSetting,
  settingRows
} from '../../../relay/state.ts'

const [relay, alice, bob, carol] = await Promise.all(
  [0, 1, 2, 3].map(async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString())
)

function fresh(): RelayState {
  return createState({
    peerId: relay,
    name: 'Test relay',
    description: '',
    createdAt: 1,
    admins: [alice],
    settings: DEFAULT_CONFIG
  })
}

function code(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(AdminRefusedError)
    return (err as AdminRefusedError).code
  }
  throw new Error('no refusal')
}

describe('relay state', () => {
  it('adds and removes admins, never the last one', () => {
    const s = fresh()
    addAdmin(s, bob, alice, 2)
    expect(s.admins.map((a) => a.peerId)).toEqual([alice, bob])
    expect(code(() => addAdmin(s, bob, alice, 3))).toBe('ALREADY_ADMIN')
    expect(code(() => addAdmin(s, 'not-a-peer', alice, 3))).toBe('USAGE')
    removeAdmin(s, alice)
    expect(code(() => removeAdmin(s, bob))).toBe('LAST_ADMIN')
    expect(code(() => removeAdmin(s, carol))).toBe('NOT_AN_ADMIN')
  })

  it('bans and unbans, bumping the ban list version each time', () => {
    const s = fresh()
    addBan(s, { peerId: carol, name: 'carol', reason: 'spam', by: alice, at: 5 }, 100)
    expect(s.banListVersion).toBe(100)
    expect(code(() => addBan(s, { peerId: carol, name: '', reason: '', by: alice, at: 6 }, 50))).toBe('ALREADY_BANNED')
    removeBan(s, carol, 50)
    expect(s.banListVersion).toBe(101)
    expect(code(() => removeBan(s, carol, 200))).toBe('NOT_BANNED')
  })

  it('never bans an admin or the relay itself', () => {
    const s = fresh()
    expect(code(() => addBan(s, { peerId: alice, name: '', reason: '', by: alice, at: 1 }, 1))).toBe('PROTECTED_PEER')
    expect(code(() => addBan(s, { peerId: relay, name: '', reason: '', by: alice, at: 1 }, 1))).toBe('PROTECTED_PEER')
  })

  it('changes mutable settings and refuses immutable metadata', () => {
    const s = fresh()
    expect(setSetting(s, 'motd', 'welcome!').live).toBe(true)
    expect(s.settings.motd).toBe('welcome!')
    expect(setSetting(s, 'maxConnections', '10').live).toBe(false)
    expect(s.settings.maxConnections).toBe(10)
    setSetting(s, 'name', 'Renamed relay')
    expect(s.metadata.name).toBe('Renamed relay')
    expect(code(() => setSetting(s, 'id', 'x'))).toBe('IMMUTABLE')
    expect(code(() => setSetting(s, 'createdAt', '5'))).toBe('IMMUTABLE')
    expect(code(() => setSetting(s, 'maxConnections', 'lots'))).toBe('INVALID_SETTING')
    expect(code(() => setSetting(s, 'colour', 'blue'))).toBe('UNKNOWN_SETTING')
    expect(s.settings.maxConnections).toBe(10)
  })

  it('lists settings with metadata marked immutable', () => {
    const rows = settingRows(fresh())
    expect(rows.find((r) => r.key === 'id')).toEqual({ key: 'id', value: JSON.stringify(relay), mutable: false })
    expect(settingRows(fresh(), 'motd')).toEqual([{ key: 'motd', value: '""', mutable: true }])
    expect(code(() => settingRows(fresh(), 'nope'))).toBe('UNKNOWN_SETTING')
  })
})

describe('KnownUsers', () => {
  it('keeps the most recently seen users within its bound', () => {
    const users = new KnownUsers([], 2)
    users.seen('a', 'alice', 1)
    users.seen('b', 'bob', 2)
    users.seen('a', 'alice', 100_000)
    users.seen('c', 'carol', 100_001)
    expect(users.list().map((u) => u.peerId)).toEqual(['a', 'c'])
  })

  it('reports a change only for new users, renames, or after the resolution', () => {
    const users = new KnownUsers()
    expect(users.seen('a', 'alice', 0)).toBe(true)
    expect(users.seen('a', 'alice', 10)).toBe(false)
    expect(users.seen('a', 'alicia', 20)).toBe(true)
    expect(users.seen('a', 'alicia', 120_000)).toBe(true)
    expect(users.get('a')).toEqual({ peerId: 'a', name: 'alicia', firstSeen: 0, lastSeen: 120_000 })
  })
})
