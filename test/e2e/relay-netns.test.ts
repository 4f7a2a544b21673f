import { afterEach, describe, expect, it } from 'vitest'
import { PRESENCE_TTL_MS } from '../../protocols/presence/index.ts'
import { cleanup, destroyAllNetns, killRelays, newIdentity, relayStar, requireTool, until, WAIT_MS } from './harness.ts'

const RELAY_LISTEN = ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/0/ws']

describe('relay across networks (network namespaces)', () => {
  requireTool('netns')
  afterEach(async () => {
    await cleanup()
    await killRelays()
    await destroyAllNetns()
  })

  it('two clients that cannot reach each other chat through the relay: broadcast and DM', async () => {
    // each client routes to the relay and not to the other client (relayStar checks), so all goes through the relay
    const { relay, clients } = await relayStar(['alice', 'bob'], { listen: RELAY_LISTEN })
    const [alice, bob] = clients

    alice.send('hello bob, across networks')
    const heard = await bob.waitFor('message', (m) => m.text === 'hello bob, across networks')
    expect(heard).toMatchObject({ scope: 'lobby', from: { peerId: alice.peerId, name: 'alice' } })
    bob.send('hello alice')
    await alice.waitFor('message', (m) => m.text === 'hello alice' && m.from.peerId === bob.peerId)

    const secret = `dm-secret-${Math.random().toString(36).slice(2)}`
    alice.send(`/msg bob ${secret}`)
    const dm = await bob.waitFor('message', (m) => m.text === secret)
    expect(dm).toMatchObject({ scope: 'dm', from: { peerId: alice.peerId } })
    const sent = await alice.waitFor('sent', (s) => s.text === secret)
    await alice.waitFor('delivered', (d) => d.id === sent.id)
    bob.send(`/msg alice re: ${secret}`)
    await alice.waitFor('message', (m) => m.text === `re: ${secret}` && m.scope === 'dm')

    // 1 MiB of DMs over the relayed connection: far past circuit relay's default 128 KiB per-connection limit
    const chunk = 'x'.repeat(4000)
    const count = 264
    const batch = 24
    for (let start = 0; start < count; start += batch) {
      const from = bob.events.length
      for (let i = start; i < start + batch; i++) {
        bob.send(`/msg alice ${i} ${chunk}`)
      }
      await bob.waitFor('delivered', () => bob.events.slice(from).filter((e) => e.type === 'delivered').length >= batch)
    }
    // each was shown before its ack left alice, but her output and bob's reach this test by separate pipes
    const shown = (): Set<string> =>
      new Set(
        alice
          .all('message')
          .filter((m) => m.scope === 'dm' && m.text.endsWith(chunk))
          .map((m) => m.text.split(' ')[0])
      )
    await until(
      `alice to show all ${count} DMs`,
      () => shown().size === count,
      WAIT_MS,
      () => `${shown().size}`
    )
    expect(bob.all('error')).toEqual([])

    // the relay forwards the DMs but only ever sees Noise ciphertext
    expect(JSON.stringify(relay.events) + relay.stderr.join('\n')).not.toContain(secret)
  })

  it('presence holds through a relay with more addresses than an announcement may carry', async () => {
    // 20 more relay addresses give each client 20 more circuit addresses: before, every announcement made after the
    // relay slot carried them all, past what receivers accept, so the relay rejected each heartbeat and users
    // vanished from every list once their first announcement expired
    const { clients } = await relayStar(['alice', 'bob', 'carol'], { extraRelayAddrs: 20 })
    await new Promise((resolve) => setTimeout(resolve, PRESENCE_TTL_MS + 5_000))
    await Promise.all(clients.map((c) => c.waitForUsers((users) => users.length === clients.length, 10_000)))
  }, 120_000)

  it('a kicked user is disconnected, told, and seen leaving; a banned one cannot come back until unbanned', async () => {
    const admin = await newIdentity()
    const { relay, clients } = await relayStar(['alice', 'bob', 'mallory'], {
      listen: RELAY_LISTEN,
      admins: [admin.peerId],
      dataDirs: { alice: admin.dataDir }
    })
    const [alice, bob, mallory] = clients

    // no cooldown, so that a kick is just a disconnect and mallory's client comes straight back
    alice.send('/admin set kickCooldownSeconds 0')
    await alice.waitFor('admin', (e) => e.command === 'set')

    // kick: mallory is told and dropped, the others see her go
    const beforeKick = mallory.events.length
    alice.send('/admin kick mallory')
    await alice.waitFor('admin', (e) => e.command === 'kick')
    await mallory.waitFor('notice', (n) => n.kind === 'kicked' && n.self === true)
    await mallory.waitFor('relay', (e) => e.state === 'lost')
    await bob.waitFor('notice', (n) => n.kind === 'kicked' && n.peerId === mallory.peerId)
    await bob.waitFor('leave', (l) => l.peerId === mallory.peerId)
    await mallory.waitFor('relay', (e) => e.state === 'reserved', { from: beforeKick + 1, timeoutMs: 30_000 })

    alice.send('/admin ban mallory flooding')
    await alice.waitFor('admin', (e) => e.command === 'ban')
    await mallory.waitFor('notice', (n) => n.kind === 'banned' && n.self === true && n.text === 'flooding')
    await relay.waitFor('refused', (e) => e.peerId === mallory.peerId && e.reason === 'banned')
    const bans = alice.events.length
    alice.send('/admin bans')
    const list = await alice.waitFor('admin', (e) => e.command === 'bans', { from: bans })
    expect(list.bans?.map((b) => [b.peerId, b.name, b.reason])).toEqual([[mallory.peerId, 'mallory', 'flooding']])

    // what mallory posts while banned reaches nobody, while the lobby itself still works
    mallory.send('banned words')
    bob.send('barrier after the ban')
    await alice.waitFor('message', (m) => m.text === 'barrier after the ban')
    expect(alice.all('message').some((m) => m.text === 'banned words')).toBe(false)
    expect(bob.all('message').some((m) => m.text === 'banned words')).toBe(false)

    // unban: mallory gets back in (her client retries with backoff) and is heard again
    const reserved = mallory.events.length
    alice.send('/admin unban mallory')
    await alice.waitFor('admin', (e) => e.command === 'unban')
    await mallory.waitFor('relay', (e) => e.state === 'reserved', { from: reserved, timeoutMs: 45_000 })
    await bob.waitForUsers((users) => users.some((u) => u.peerId === mallory.peerId), 30_000)
    mallory.send('back again')
    await bob.waitFor('message', (m) => m.text === 'back again' && m.from.peerId === mallory.peerId)
  })
})
