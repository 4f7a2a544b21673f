import { afterEach, describe, expect, it } from 'vitest'
import { PRESENCE_TTL_MS } from '../../protocols/presence/index.ts'
import { randomFile } from './files-helpers.ts'
import { chaosSize } from './harness/chaos.ts'
import {
  cleanup,
  createFederationWorld,
  destroyAllNetns,
  killRelays,
  newIdentity,
  type PeerProcess,
  type RelayProcess,
  requireTool,
  spawnFederatedClient,
  startFederation,
  tempDir,
  waitForListing
} from './harness.ts'

/** Four clients for `npm test`; six, as the scenario has it, with `P2PCHAT_CHAOS=long` in the environment. */
const CLIENTS = chaosSize({ peers: 4, rounds: 1 }, { peers: 6, rounds: 1 }).peers
/** The relays of the clients past the first four: erin on relay 2 (cut off with it), frank on relay 0. */
const EXTRA = [
  { name: 'erin', relay: 2 },
  { name: 'frank', relay: 0 }
].slice(0, Math.max(0, CLIENTS - 4))

/**
 * How long a client on another relay may take to drop a user killed with SIGKILL: the relay's grace (1 s) and its
 * notice crossing the federation. Under the TTL that older clients, which expire users after three missed
 * heartbeats, would take at best; far under the lifetime a user with a relay slot announces.
 */
const DEPARTURE_WAIT_MS = 20_000

/** Resolves once `relay` reports a link to each of `peers`. */
async function linked(relay: RelayProcess, peers: RelayProcess[]): Promise<void> {
  const wanted = peers.filter((p) => p !== relay).map((p) => p.peerId)
  await relay.waitFor('peer-relay', () => {
    const up = new Set(relay.all('peer-relay').flatMap((e) => (e.state === 'linked' ? [String(e.peerId)] : [])))
    return wanted.every((id) => up.has(id))
  })
}

/** `from` DMs `to` by name and waits until `to` shows it and `from` hears it was delivered. */
async function dm(from: PeerProcess, to: PeerProcess, text: string): Promise<void> {
  const before = from.events.length
  from.send(`/msg ${to.name} ${text}`)
  const got = await to.waitFor('message', (m) => m.text === text)
  expect(got).toMatchObject({ scope: 'dm', from: { peerId: from.peerId } })
  const sent = await from.waitFor('sent', (s) => s.text === text, { from: before })
  await from.waitFor('delivered', (d) => d.id === sent.id, { from: before })
}

/**
 * The errors `peers` showed, but for a direct DM try that failed and was then delivered from the outbox: a dial through
 * another relay's circuit can outlast libp2p's 6 s per address on a loaded machine (CI), and the DM waits and arrives
 * as it should. Anything else is a failure.
 */
function unexpectedErrors(peers: PeerProcess[]): unknown[] {
  return peers.flatMap((p) => {
    const delivered = new Set(p.all('delivered').map((d) => d.id))
    return p.all('error').filter((e) => !(e.code === 'DELIVERY_FAILED' && e.id != null && delivered.has(e.id)))
  })
}

/** `from` posts in the lobby and every one of `to` shows it from them. */
async function lobby(from: PeerProcess, to: PeerProcess[], text: string): Promise<void> {
  from.send(text)
  await Promise.all(to.map((p) => p.waitFor('message', (m) => m.text === text && m.from.peerId === from.peerId)))
}

describe('several relays, one network (network namespaces)', () => {
  requireTool('netns')
  afterEach(async () => {
    await cleanup()
    await killRelays()
    await destroyAllNetns()
  })

  it('clients on three peered relays chat, DM, share a group and a file; one relay killed, the rest go on', async () => {
    // four client networks that reach the relays and never each other; each client uses one relay
    const world = await createFederationWorld(3, 4 + EXTRA.length)
    // alice administers the relays (each keeps its own admins and bans)
    const admin = await newIdentity()
    const relays = await startFederation(world, [admin.peerId])
    await Promise.all(relays.map((r) => linked(r, relays)))
    const downloads = tempDir('p2pchat-dl-')
    const [alice, bob, carol, dave] = await Promise.all([
      spawnFederatedClient('alice', world, relays, 0, [0], { dataDir: admin.dataDir }),
      spawnFederatedClient('bob', world, relays, 1, [1]),
      spawnFederatedClient('carol', world, relays, 2, [2], { args: ['--download-dir', downloads] }),
      spawnFederatedClient('dave', world, relays, 3, [1])
    ])
    const extra = await Promise.all(EXTRA.map((e, i) => spawnFederatedClient(e.name, world, relays, 4 + i, [e.relay])))
    const everyone = [alice, bob, carol, dave, ...extra]
    const others = (p: PeerProcess): PeerProcess[] => everyone.filter((o) => o !== p)
    await Promise.all(everyone.map((p) => p.waitForUsers((users) => users.length === everyone.length)))

    // the lobby both ways between relays
    await lobby(alice, others(alice), 'hello from relay 0')
    await lobby(carol, others(carol), 'hello from relay 2')

    // DMs across relays, each acknowledged
    await dm(alice, carol, 'alice to carol, relay 0 to relay 2')
    await dm(carol, bob, 'carol to bob, relay 2 to relay 1')
    await dm(dave, alice, 'dave to alice, relay 1 to relay 0')

    // a public group whose members sit on three relays
    alice.send('/group create "Three Relays" --description "spans the federation"')
    const created = await alice.waitFor('group-joined', (e) => e.group.name === 'Three Relays')
    for (const member of [bob, carol]) {
      await waitForListing(member, (g) => g.id === created.group.id)
      member.send('/join "Three Relays"')
      await member.waitFor('group-joined', (e) => e.group.id === created.group.id && e.role === 'member')
      await alice.waitFor('member-added', (e) => e.member.peerId === member.peerId)
    }
    carol.send('/g "Three Relays" from relay 2')
    await Promise.all(
      [alice, bob].map((p) => p.waitFor('message', (m) => m.scope === 'group' && m.text === 'from relay 2'))
    )

    // a file from relay 1 to relay 2
    const file = await randomFile(256 * 1024)
    const offered = carol.events.length
    bob.send(`/send carol ${file.path}`)
    const offer = await carol.waitFor('offer', () => true, { from: offered })
    carol.send(`/accept ${offer.shortId}`)
    const done = await carol.waitFor('done', (d) => d.id === offer.id, { timeoutMs: 60_000 })
    expect(done.sha256).toBe(file.sha256)

    // relay 2 dies: carol is cut off, relays 0 and 1 and their clients carry on
    relays[2].kill('SIGKILL')
    await Promise.all([relays[0], relays[1]].map((r) => r.waitFor('peer-relay', (e) => e.state === 'lost')))
    const left = [alice, bob, dave, ...extra.filter((_, i) => EXTRA[i].relay !== 2)]
    await lobby(
      bob,
      left.filter((p) => p !== bob),
      'still here after relay 2 went'
    )
    await lobby(
      alice,
      left.filter((p) => p !== alice),
      'relay 0 still hears relay 1'
    )
    await dm(alice, dave, 'alice to dave after the loss')
    expect(unexpectedErrors([alice, bob, dave])).toEqual([])

    // a ban on relay 0 hides bob from relay 0's clients only: relay 1's own clients still hear him
    alice.send('/admin ban bob spam')
    await alice.waitFor('admin', (e) => e.command === 'ban')
    bob.send('posted while banned on relay 0')
    await dave.waitFor('message', (m) => m.text === 'posted while banned on relay 0')
    dave.send('barrier after the ban')
    await alice.waitFor('message', (m) => m.text === 'barrier after the ban')
    expect(alice.all('message').some((m) => m.text === 'posted while banned on relay 0')).toBe(false)
  }, 180_000)

  it('a client on two relays stays reachable when one goes, and mail waits for it at both', async () => {
    const world = await createFederationWorld(2, 4)
    // erin administers both relays
    const { dataDir: erinDir, peerId: erinId } = await newIdentity()
    const relays = await startFederation(world, [erinId])
    await Promise.all(relays.map((r) => linked(r, relays)))
    const [alice, erin, bob, frank] = await Promise.all([
      spawnFederatedClient('alice', world, relays, 0, [0]),
      spawnFederatedClient('erin', world, relays, 1, [0, 1], { dataDir: erinDir }),
      spawnFederatedClient('bob', world, relays, 2, [1]),
      spawnFederatedClient('frank', world, relays, 3, [1])
    ])
    await Promise.all([alice, erin, bob, frank].map((p) => p.waitForUsers((users) => users.length === 4)))

    // frank dies without a word. He announced a lifetime of minutes (relay 1 vouches for him), so alice, on relay 0
    // and with no connection to him, drops him on relay 1's word that he departed, passed on by relay 0
    const killedAt = Date.now()
    frank.kill('SIGKILL')
    await alice.waitFor('leave', (e) => e.peerId === frank.peerId, { timeoutMs: DEPARTURE_WAIT_MS })
    expect(Date.now() - killedAt).toBeLessThan(PRESENCE_TTL_MS)
    await dm(alice, erin, 'alice to erin while she is on both relays')

    // admin commands go to the relay named with @ (here by its name), which lists only its own clients: not alice,
    // though her DM to bob went through it
    await dm(alice, bob, 'alice to bob through relay 1')
    const asked = erin.events.length
    erin.send('/admin @relay-1 users')
    const users = await erin.waitFor('admin', (e) => e.command === 'users', { from: asked })
    expect(users.relay).toBe(relays[1].peerId)
    expect(users.users?.map((u) => u.peerId).sort()).toEqual([erin.peerId, bob.peerId].sort())

    // erin goes away: alice's DM is deposited at both of erin's relays
    erin.send('/quit')
    await erin.exited
    await alice.waitFor('leave', (e) => e.peerId === erin.peerId)
    const from = alice.events.length
    alice.send('/msg erin waiting at both relays')
    const queued = await alice.waitFor('queued', () => true, { from })
    expect([...queued.via].sort()).toEqual(['outbox', ...relays.map((r) => `relay:${r.peerId}`)].sort())

    // relay 0 dies with its copy; erin comes back, reaches relay 1 only, and gets the DM from there
    relays[0].kill('SIGKILL')
    await relays[1].waitFor('peer-relay', (e) => e.state === 'lost')
    const back = await spawnFederatedClient('erin', world, relays, 1, [0, 1], { dataDir: erinDir, waitFor: [1] })
    await back.waitFor('message', (m) => m.scope === 'dm' && m.text === 'waiting at both relays')
    await dm(bob, back, 'bob to erin through the relay that is left')
    await dm(back, bob, 'erin to bob through the relay that is left')
    expect(unexpectedErrors([back, bob])).toEqual([])
  }, 120_000)
})
