import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, type PeerProcess, spawnPeer } from './harness.ts'

async function peers(...names: string[]): Promise<PeerProcess[]> {
  const first = await spawnPeer({ name: names[0] })
  const rest = await Promise.all(names.slice(1).map((name) => spawnPeer({ name, bootstrap: [first.addrs[0]] })))
  const all = [first, ...rest]
  await Promise.all(all.map((p) => p.waitForUsers((users) => users.length === all.length)))
  return all
}

/** Sends /groups until the group is listed (listings spread by gossip, within one periodic round). */
async function waitForListing(p: PeerProcess, groupId: string): Promise<void> {
  const deadline = Date.now() + 45_000
  for (;;) {
    const from = p.events.length
    p.send('/groups')
    const { groups } = await p.waitFor('groups', () => true, { from })
    if (groups.some((g) => g.id === groupId)) {
      return
    }
    if (Date.now() > deadline) {
      throw new Error(`${p.name}: group ${groupId} not listed; last: ${JSON.stringify(groups)}`)
    }
    await new Promise((r) => setTimeout(r, 250))
  }
}

describe('blocking in groups', () => {
  afterEach(cleanup)

  it("a blocked member's group posts, relayed by the other members, are dropped", async () => {
    const [alice, bob, carol] = await peers('alice', 'bob', 'carol')
    alice.send('/group create Book-Club')
    const created = await alice.waitFor('group-joined', (e) => e.group.name === 'Book-Club')
    for (const p of [bob, carol]) {
      await waitForListing(p, created.group.id)
      p.send(`/join ${created.group.id}`)
      await p.waitFor('group-joined', (e) => e.group.id === created.group.id)
      await alice.waitFor('member-added', (e) => e.member.peerId === p.peerId)
    }
    bob.send(`/g ${created.group.id} before the block`)
    await alice.waitFor('message', (m) => m.text === 'before the block')

    alice.send(`/block ${bob.peerId}`)
    await alice.waitFor('block', (e) => e.peerId === bob.peerId)
    bob.send(`/g ${created.group.id} after the block`)
    await carol.waitFor('message', (m) => m.text === 'after the block')
    // carol forwards bob's post before she posts the marker, on the same gossip link to alice
    carol.send(`/g ${created.group.id} marker from carol`)
    await alice.waitFor('message', (m) => m.text === 'marker from carol', { timeoutMs: 30_000 })
    expect(alice.all('message').map((m) => m.text)).not.toContain('after the block')
    expect(JSON.stringify(alice.events)).not.toContain('after the block')
  })
})
