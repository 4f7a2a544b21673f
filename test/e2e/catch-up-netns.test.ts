import { afterAll, afterEach, describe, expect, it } from 'vitest'
import {
  cleanup,
  createLan,
  destroyAllNetns,
  destroyLan,
  type EventOf,
  type Lan,
  type PeerProcess,
  requireTool,
  setLink,
  spawnPeer
} from './harness.ts'

/** Long enough for mDNS (every 10 s) to find a peer again and the catch-up that follows. */
const BACK_MS = 90_000

async function privateGroup(owner: PeerProcess, name: string, members: PeerProcess[]): Promise<{ id: string }> {
  owner.send(`/group create ${name} --private`)
  const { group } = await owner.waitFor('group-joined', (e) => e.group.name === name)
  for (const m of members) {
    owner.send(`/invite ${name} ${m.name}`)
    const invite = await m.waitFor('invite', (i) => i.group.id === group.id)
    m.send(`/accept ${invite.id}`)
    await owner.waitFor('member-added', (e) => e.member.peerId === m.peerId && e.group.id === group.id)
  }
  // earlier members hear of later ones (a later one gets the whole log when it joins)
  for (const [i, m] of members.entries()) {
    for (const later of members.slice(i + 1)) {
      await m.waitFor('member-added', (e) => e.member.peerId === later.peerId && e.group.id === group.id)
    }
  }
  return group
}

/** The texts `p` was shown from `sender`, in the order shown. */
function shownFrom(p: PeerProcess, sender: PeerProcess, texts: string[]): string[] {
  return p
    .all('message')
    .filter((m) => m.from.peerId === sender.peerId && texts.includes(m.text))
    .map((m) => m.text)
}

describe('catch-up after a partition, without a relay', () => {
  requireTool('netns')
  let lan: Lan | undefined

  afterEach(async () => {
    await cleanup()
    if (lan != null) {
      const done = lan
      lan = undefined
      await destroyLan(done)
    }
  })

  afterAll(async () => {
    await cleanup()
    await destroyAllNetns()
  })

  it('shows a peer cut off for a while every DM, lobby and group message sent meanwhile, once, in send order', async () => {
    lan = await createLan(3)
    const hosts = lan.hosts
    const spawn = (name: string, i: number, bootstrap: string[] = []): Promise<PeerProcess> =>
      spawnPeer({ name, netns: hosts[i].ns, network: ['--listen', `/ip4/${hosts[i].ip}/tcp/0`], bootstrap })
    const [alice, bob] = await Promise.all([spawn('alice', 0), spawn('bob', 1)])
    // carol dials the others again when her connections drop (mDNS alone rejoins its multicast group only maybe)
    const carol = await spawn('carol', 2, [alice.addrs[0], bob.addrs[0]])
    await Promise.all([alice, bob, carol].map((p) => p.waitForUsers((u) => u.length === 3, 30_000)))
    const group = await privateGroup(alice, 'crew', [bob, carol])
    alice.send('/g crew before the cut')
    await carol.waitFor('message', (m) => m.text === 'before the cut')
    // alice and bob have written to carol before: they hold sessions with her, so later DMs can wait for her sealed
    // (with no relay, a first DM to a peer that cannot be reached finds none of its prekeys: NO_PREKEYS)
    for (const p of [alice, bob]) {
      p.send(`/msg carol hello from ${p.name}`)
      await carol.waitFor('message', (m) => m.scope === 'dm' && m.text === `hello from ${p.name}`)
    }

    await setLink(hosts[2], 'down')
    // a DM while carol still looks online (the direct try fails, then it waits in the outbox)
    alice.send('/msg carol dm while she seems online')
    const early = await alice.waitFor('sent', (s) => s.text === 'dm while she seems online')
    await alice.waitFor('queued', (q) => q.id === early.id, { timeoutMs: BACK_MS })
    const lobby = { alice: ['a1', 'a2', 'a3'], bob: ['b1', 'b2', 'b3'] }
    const inGroup = { alice: ['ga1', 'ga2'], bob: ['gb1', 'gb2'] }
    for (let i = 0; i < 3; i++) {
      for (const [p, texts, groupTexts] of [
        [alice, lobby.alice, inGroup.alice],
        [bob, lobby.bob, inGroup.bob]
      ] as const) {
        p.send(texts[i])
        await p.waitFor('sent', (s) => s.text === texts[i])
        if (i < groupTexts.length) {
          p.send(`/g crew ${groupTexts[i]}`)
          await p.waitFor('sent', (s) => s.text === groupTexts[i])
        }
      }
    }
    // the others notice carol is gone (no heartbeat for the presence TTL, about 25 s after the cut)
    await Promise.all(
      [alice, bob].map((p) => p.waitFor('leave', (e) => e.peerId === carol.peerId, { timeoutMs: BACK_MS }))
    )
    // a DM once she is gone: queued at once, for a contact who is away
    bob.send('/msg carol dm while she is away')
    const late = await bob.waitFor('sent', (s) => s.text === 'dm while she is away')
    await bob.waitFor('queued', (q) => q.id === late.id, { timeoutMs: BACK_MS })
    const cutOff = (m: EventOf<'message'>): boolean =>
      [...lobby.alice, ...lobby.bob, ...inGroup.alice, ...inGroup.bob].includes(m.text)
    expect(carol.all('message').filter(cutOff)).toEqual([])
    await setLink(hosts[2], 'up')

    await carol.waitFor('message', (m) => m.text === 'a3', { timeoutMs: BACK_MS })
    await carol.waitFor('message', (m) => m.text === 'b3', { timeoutMs: BACK_MS })
    await carol.waitFor('message', (m) => m.text === 'ga2', { timeoutMs: BACK_MS })
    await carol.waitFor('message', (m) => m.text === 'gb2', { timeoutMs: BACK_MS })
    // live posts after the catch-up: anything shown twice would have been shown by now
    alice.send('after the cut')
    alice.send('/g crew after the cut in crew')
    await carol.waitFor('message', (m) => m.text === 'after the cut', { timeoutMs: BACK_MS })
    await carol.waitFor('message', (m) => m.text === 'after the cut in crew', { timeoutMs: BACK_MS })

    expect(shownFrom(carol, alice, lobby.alice)).toEqual(lobby.alice)
    expect(shownFrom(carol, bob, lobby.bob)).toEqual(lobby.bob)
    expect(shownFrom(carol, alice, inGroup.alice)).toEqual(inGroup.alice)
    expect(shownFrom(carol, bob, inGroup.bob)).toEqual(inGroup.bob)
    const caught = carol.all('message').filter(cutOff)
    expect(caught.every((m) => m.catchUp === true)).toBe(true)
    expect(caught.filter((m) => inGroup.alice.includes(m.text) || inGroup.bob.includes(m.text))).toSatisfy(
      (ms: EventOf<'message'>[]) => ms.every((m) => m.scope === 'group' && m.group?.id === group.id)
    )
    expect(caught.filter((m) => m.scope === 'lobby')).toHaveLength(6)
    expect(carol.all('message').filter((m) => m.text === 'before the cut')).toHaveLength(1)

    // the DMs arrive once each, and their senders learn it
    await alice.waitFor('delivered', (d) => d.id === early.id, { timeoutMs: BACK_MS })
    await bob.waitFor('delivered', (d) => d.id === late.id, { timeoutMs: BACK_MS })
    const dms = carol
      .all('message')
      .filter((m) => m.scope === 'dm' && !m.text.startsWith('hello from'))
      .map((m) => m.text)
    expect(dms.toSorted()).toEqual(['dm while she is away', 'dm while she seems online'])
  }, 300_000)
})
