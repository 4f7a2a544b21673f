import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, type PeerProcess, spawnPeer } from './harness.ts'

/** Two peers named alice and one bob, all seeing each other. */
async function twoAlicesAndBob(): Promise<[PeerProcess, PeerProcess, PeerProcess]> {
  const alice1 = await spawnPeer({ name: 'alice' })
  const [alice2, bob] = await Promise.all([
    spawnPeer({ name: 'alice', bootstrap: [alice1.addrs[0]] }),
    spawnPeer({ name: 'bob', bootstrap: [alice1.addrs[0]] })
  ])
  await Promise.all([alice1, alice2, bob].map((p) => p.waitForUsers((users) => users.length === 3)))
  return [alice1, alice2, bob]
}

describe('two users with the same name', () => {
  afterEach(cleanup)

  it('are told apart by a PeerId suffix, and a DM never guesses between them', async () => {
    const [alice1, alice2, bob] = await twoAlicesAndBob()

    const users = await bob.users()
    const alices = users.filter((u) => u.name === 'alice')
    expect(alices.map((u) => u.peerId).sort()).toEqual([alice1.peerId, alice2.peerId].sort())
    for (const a of alices) {
      const [name, suffix] = a.displayName.split('#')
      expect(name).toBe('alice')
      expect(suffix.length).toBeGreaterThanOrEqual(4)
      expect(a.peerId.endsWith(suffix)).toBe(true)
    }
    expect(alices[0].displayName).not.toBe(alices[1].displayName)
    expect(users.find((u) => u.self)?.displayName).toBe('bob')

    // a bare shared name is ambiguous: an error listing both, and nothing is sent
    let from = bob.events.length
    bob.send('/msg alice hi, which one are you?')
    const ambiguous = await bob.waitFor('error', () => true, { from })
    expect(ambiguous.code).toBe('AMBIGUOUS_NAME')
    for (const a of alices) {
      expect(ambiguous.message).toContain(a.displayName)
    }
    expect(bob.all('sent')).toEqual([])

    // name#suffix reaches that alice only
    const target2 = alices.find((a) => a.peerId === alice2.peerId)!
    bob.send(`/msg ${target2.displayName} for the second alice`)
    const got = await alice2.waitFor('message', (m) => m.text === 'for the second alice')
    expect(got).toMatchObject({ scope: 'dm', from: { peerId: bob.peerId, name: 'bob' } })
    const sent = await bob.waitFor('sent', (s) => s.text === 'for the second alice')
    expect((await bob.waitFor('delivered', (d) => d.id === sent.id)).to.peerId).toBe(alice2.peerId)

    // a full PeerId always works
    bob.send(`/msg ${alice1.peerId} for the first alice`)
    const got1 = await alice1.waitFor('message', (m) => m.text === 'for the first alice')
    expect(got1.scope).toBe('dm')
    const sent1 = await bob.waitFor('sent', (s) => s.text === 'for the first alice')
    expect((await bob.waitFor('delivered', (d) => d.id === sent1.id)).to.peerId).toBe(alice1.peerId)

    // names nobody online has are an error, never silence
    for (const who of ['zed', 'alice#zzzz', '12D3KooWPjceQrSwdWXPyLLeABRXmuqt69Rg3sBYbU1Nft9HyQ6X']) {
      from = bob.events.length
      bob.send(`/msg ${who} anyone there?`)
      const unknown = await bob.waitFor('error', () => true, { from })
      expect({ who, code: unknown.code }).toEqual({ who, code: 'UNKNOWN_USER' })
    }

    // a broadcast after all of it reaches both alices, so any stray DM would have arrived by now
    bob.send('that is all')
    await Promise.all([alice1, alice2].map((a) => a.waitFor('message', (m) => m.text === 'that is all')))
    await bob.waitFor('sent', (s) => s.text === 'that is all')
    expect(alice1.all('message').map((m) => m.text)).toEqual(['for the first alice', 'that is all'])
    expect(alice2.all('message').map((m) => m.text)).toEqual(['for the second alice', 'that is all'])
    expect(bob.all('sent').map((s) => s.text)).toEqual(['for the second alice', 'for the first alice', 'that is all'])
  })

  it('each alice sees the other as alice#suffix and can DM her', async () => {
    const [alice1, alice2] = await twoAlicesAndBob()
    const seen = await alice1.users()
    const other = seen.find((u) => u.peerId === alice2.peerId)!
    expect(other.displayName).toMatch(/^alice#\w{4,}$/)
    const me = seen.find((u) => u.self)!
    expect(me.displayName).toMatch(/^alice#\w{4,}$/)
    expect(me.displayName).not.toBe(other.displayName)

    alice1.send(`/msg ${other.displayName} hello, namesake`)
    const got = await alice2.waitFor('message', (m) => m.text === 'hello, namesake')
    expect(got.from.peerId).toBe(alice1.peerId)
    // for her, plain 'alice' is not ambiguous: only one other user has that name
    alice1.send('/msg alice hello again')
    expect((await alice2.waitFor('message', (m) => m.text === 'hello again')).from.peerId).toBe(alice1.peerId)
    // her own display name is not someone else: a DM to it is refused
    const from = alice1.events.length
    alice1.send(`/msg ${me.displayName} note to self`)
    expect((await alice1.waitFor('error', () => true, { from })).code).toBe('SELF_MESSAGE')
  })
})
