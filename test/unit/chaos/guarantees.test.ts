import { describe, expect, it } from 'vitest'
import {
  type CheckedEvent,
  checkGuarantees,
  type PeerLog,
  type ResourceSample,
  type Rule
} from '../../e2e/harness/guarantees.ts'

function peer(name: string, events: Ev[] = [], extra: Partial<PeerLog> = {}): PeerLog {
  return { name, peerId: `id-${name}`, events, exits: [], samples: [], ...extra }
}

/** An event as the CLI prints it. */
type Ev = CheckedEvent & Record<string, unknown>

const ref = (name: string) => ({ peerId: `id-${name}`, name })
const sent = (id: string, scope: string, extra: Record<string, unknown> = {}): Ev => ({
  type: 'sent',
  id,
  scope,
  text: id,
  ts: 0,
  ...extra
})
const shown = (id: string, scope: string, from: string, extra: Record<string, unknown> = {}): Ev => ({
  type: 'message',
  id,
  scope,
  from: ref(from),
  text: id,
  ts: 0,
  ...extra
})
const group = { id: 'g1', name: 'team' }

const rules = (peers: PeerLog[], init: Parameters<typeof checkGuarantees>[0] = { peers }): Rule[] =>
  checkGuarantees({ ...init, peers }).violations.map((v) => v.rule)

/** A clean run: alice posts two lobby lines, one group post and a delivered DM; bob and carol see each once. */
function clean(): PeerLog[] {
  return [
    peer('alice', [
      sent('l1', 'lobby'),
      sent('l2', 'lobby'),
      sent('g1m', 'group', { group }),
      sent('d1', 'dm', { to: ref('bob') }),
      { type: 'delivered', id: 'd1', to: ref('bob') } as Ev
    ]),
    peer('bob', [
      shown('l1', 'lobby', 'alice'),
      shown('l2', 'lobby', 'alice'),
      shown('g1m', 'group', 'alice', { group }),
      shown('d1', 'dm', 'alice', { to: ref('bob') })
    ]),
    peer('carol', [
      shown('l1', 'lobby', 'alice'),
      shown('l2', 'lobby', 'alice'),
      shown('g1m', 'group', 'alice', { group })
    ])
  ]
}

const groups = { g1: ['alice', 'bob', 'carol'] }

describe('the guarantee checker', () => {
  it('passes a run where everything was shown once and in order, and counts it', () => {
    const result = checkGuarantees({ peers: clean(), audience: { groups } })
    expect(result.violations).toEqual([])
    // two lobby lines and a group post to two peers each, one DM
    expect(result.tally).toMatchObject({ sent: 4, owed: 7, deliveredOnce: 7, duplicates: 0, lost: 0 })
  })

  it('finds an acknowledged DM its recipient never showed', () => {
    const peers = clean()
    peers[1].events = peers[1].events.filter((e) => Reflect.get(e, 'id') !== 'd1')
    expect(rules(peers, { peers, audience: { groups } })).toEqual(['dm-exactly-once'])
  })

  it('counts an unacknowledged, unshown DM as a reported failure without offline delivery, and as lost with it', () => {
    const peers = clean()
    peers[0].events = peers[0].events.filter((e) => e.type !== 'delivered')
    peers[1].events = peers[1].events.filter((e) => Reflect.get(e, 'id') !== 'd1')
    const today = checkGuarantees({ peers, audience: { groups } })
    expect(today.violations).toEqual([])
    expect(today.tally.reportedFailed).toBe(1)
    expect(rules(peers, { peers, audience: { groups }, offlineDelivery: true })).toEqual(['dm-exactly-once'])
  })

  it('with offline delivery, owes no DM that an error naming it ended, but one that waits in the outbox', () => {
    const ended = clean()
    ended[0].events = ended[0].events.filter((e) => e.type !== 'delivered')
    ended[1].events = ended[1].events.filter((e) => Reflect.get(e, 'id') !== 'd1')
    const waiting = structuredClone(ended)
    ended[0].events.push({ type: 'error', code: 'NO_PREKEYS', message: 'no prekeys', id: 'd1' } as Ev)
    expect(rules(ended, { peers: ended, audience: { groups }, offlineDelivery: true })).toEqual([])
    waiting[0].events.push({ type: 'error', code: 'DELIVERY_FAILED', message: 'waits', id: 'd1' } as Ev)
    expect(rules(waiting, { peers: waiting, audience: { groups }, offlineDelivery: true })).toEqual(['dm-exactly-once'])
  })

  it('finds members that disagree on a group, or one that never said', () => {
    const view = (members: Array<[string, string]>, epoch: number, keyId: string): Ev => ({
      type: 'members',
      group,
      members: members.map(([name, role]) => ({ ...ref(name), displayName: name, role, online: true, self: false })),
      epoch,
      keyId
    })
    const same = (): Ev =>
      view(
        [
          ['alice', 'owner'],
          ['bob', 'admin']
        ],
        2,
        'k2'
      )
    const converged = { g1: ['alice', 'bob', 'carol'] }
    const agree = [
      peer('alice', [same()]),
      peer('bob', [view([['bob', 'member']], 1, 'k1'), same()]),
      peer('carol', [same()])
    ]
    expect(rules(agree, { peers: agree, converged })).toEqual([])
    for (const other of [
      view(
        [
          ['alice', 'owner'],
          ['bob', 'member']
        ],
        2,
        'k2'
      ),
      view(
        [
          ['alice', 'owner'],
          ['bob', 'admin']
        ],
        3,
        'k2'
      ),
      view(
        [
          ['alice', 'owner'],
          ['bob', 'admin']
        ],
        2,
        'k3'
      ),
      view([['alice', 'owner']], 2, 'k2')
    ]) {
      const apart = [peer('alice', [same()]), peer('bob', [same()]), peer('carol', [other])]
      expect(rules(apart, { peers: apart, converged })).toEqual(['group-converged'])
    }
    const silent = [peer('alice', [same()]), peer('bob', [same()]), peer('carol')]
    expect(rules(silent, { peers: silent, converged })).toEqual(['group-converged'])
  })

  it('finds a lobby or group message a member online throughout never showed', () => {
    const lobby = clean()
    lobby[2].events = lobby[2].events.filter((e) => Reflect.get(e, 'id') !== 'l2')
    expect(rules(lobby, { peers: lobby, audience: { groups } })).toEqual(['broadcast-exactly-once'])
    const posts = clean()
    posts[2].events = posts[2].events.filter((e) => Reflect.get(e, 'id') !== 'g1m')
    expect(rules(posts, { peers: posts, audience: { groups } })).toEqual(['broadcast-exactly-once'])
  })

  it('owes nothing to peers outside the audience (offline for part of the run)', () => {
    const peers = clean()
    peers[2].events = []
    expect(rules(peers, { peers, audience: { lobby: ['alice', 'bob'], groups: { g1: ['alice', 'bob'] } } })).toEqual([])
  })

  it('owes a lobby message sent while the network was cut only once offline delivery catches up', () => {
    const peers = clean()
    peers[2].events = peers[2].events.filter((e) => Reflect.get(e, 'id') !== 'l2')
    const cut = new Set(['l2'])
    expect(rules(peers, { peers, audience: { groups }, sentDuringFault: cut })).toEqual([])
    expect(rules(peers, { peers, audience: { groups }, sentDuringFault: cut, offlineDelivery: true })).toEqual([
      'broadcast-exactly-once'
    ])
  })

  it('owes nothing of a lobby line whose sender was told nobody heard it, and counts it as reported', () => {
    const peers = clean()
    peers[0].events[1] = sent('l2', 'lobby', { recipients: 0 })
    for (const p of peers.slice(1)) p.events = p.events.filter((e) => Reflect.get(e, 'id') !== 'l2')
    const result = checkGuarantees({ peers, audience: { groups } })
    expect(result.violations).toEqual([])
    expect(result.tally.reportedFailed).toBe(1)
  })

  it('finds a message shown twice, also when the second showing came after a restart', () => {
    const peers = clean()
    peers[1].events.push({ type: 'ready', peerId: 'id-bob' } as Ev, shown('d1', 'dm', 'alice', { to: ref('bob') }))
    const result = checkGuarantees({ peers, audience: { groups } })
    expect(result.violations.map((v) => v.rule)).toEqual(['no-duplicates'])
    expect(result.tally.duplicates).toBe(1)
  })

  it("finds one sender's messages shown out of their send order", () => {
    const peers = clean()
    peers[2].events = [
      shown('l2', 'lobby', 'alice'),
      shown('l1', 'lobby', 'alice'),
      shown('g1m', 'group', 'alice', { group })
    ]
    expect(rules(peers, { peers, audience: { groups } })).toEqual(['per-sender-order'])
  })

  it('holds a post that came by catch-up, or any DM, to no order of arrival', () => {
    const caughtUp = clean()
    caughtUp[2].events = [
      shown('l2', 'lobby', 'alice'),
      shown('l1', 'lobby', 'alice', { catchUp: true }),
      shown('g1m', 'group', 'alice', { group })
    ]
    expect(rules(caughtUp, { peers: caughtUp, audience: { groups } })).toEqual([])
    const dms = clean()
    const toBob = { to: ref('bob') }
    dms[0].events.unshift(sent('d0', 'dm', toBob), { type: 'delivered', id: 'd0', to: ref('bob') } as Ev)
    dms[1].events.push(shown('d0', 'dm', 'alice', toBob))
    expect(rules(dms, { peers: dms, audience: { groups } })).toEqual([])
  })

  it('finds a process that exited when nobody stopped it', () => {
    const peers = clean()
    peers[1].exits.push({ code: 0, signal: 'SIGKILL', expected: true }, { code: 1, signal: null, expected: false })
    expect(rules(peers, { peers, audience: { groups } })).toEqual(['no-crash'])
  })

  it('finds RSS over the cap, and descriptors or RSS that keep growing', () => {
    const MB = 1024 * 1024
    const limits = { maxRssBytes: 200 * MB, maxFdGrowth: 5, maxRssGrowthBytes: 30 * MB }
    const flat = (i: number): ResourceSample => ({ at: i, rssBytes: 100 * MB, fds: 30 })
    const samples = (f: (i: number) => ResourceSample) => Array.from({ length: 9 }, (_, i) => f(i))
    const check = (f: (i: number) => ResourceSample) => {
      const peers = [peer('alice', [], { samples: samples(f) })]
      return checkGuarantees({ peers, limits }).violations.map((v) => v.detail)
    }
    expect(check(flat)).toEqual([])
    expect(check((i) => ({ ...flat(i), rssBytes: i === 4 ? 250 * MB : 100 * MB }))).toEqual([
      'RSS reached 250.0 MB, cap 200.0 MB'
    ])
    expect(check((i) => ({ ...flat(i), fds: 30 + 2 * i }))).toEqual(['open descriptors grew by 12'])
    expect(check((i) => ({ ...flat(i), rssBytes: (100 + 10 * i) * MB }))).toEqual(['RSS grew by 60.0 MB'])
    expect(checkGuarantees({ peers: [peer('a', [], { samples: samples(flat) })] }).tally.peakRssBytes).toBe(100 * MB)
  })
})
