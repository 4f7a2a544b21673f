import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, spawnPeers, waitForListing } from './harness.ts'

describe('blocking in groups', () => {
  afterEach(cleanup)

  it("a blocked member's group posts, relayed by the other members, are dropped", async () => {
    const [alice, bob, carol] = await spawnPeers(['alice', 'bob', 'carol'], { untilAllSeeAll: true })
    alice.send('/group create Book-Club')
    const created = await alice.waitFor('group-joined', (e) => e.group.name === 'Book-Club')
    for (const p of [bob, carol]) {
      await waitForListing(p, (g) => g.id === created.group.id)
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
