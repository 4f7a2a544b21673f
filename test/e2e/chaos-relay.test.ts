import { afterEach, describe, expect, it } from 'vitest'
import { names, trafficRound, undoScenario } from './chaos-helpers.ts'
import { chaosSize, dmOutcomes, Fleet, lobbyHealed, recordRow, sendAndWait, sendDm } from './harness/chaos.ts'
import { freeze, thaw } from './harness/faults.ts'
import { type PeerProcess, type RelayProcess, type RelayStar, relayStar, requireTool, startRelay } from './harness.ts'

const size = chaosSize({ peers: 3, rounds: 2 }, { peers: 8, rounds: 5 })
/** How long the relay stays frozen: long enough for keep-alives to give up in the long run. */
const FREEZE_MS = size.long ? 20_000 : 5_000
/** Inside the relay's own namespace a fixed port is free, and a restarted relay must be found where it was. */
const RELAY_LISTEN = '/ip4/0.0.0.0/tcp/4001'
const MB = 1024 * 1024
const LIMITS = { maxRssBytes: 400 * MB, maxFdGrowth: 50, maxRssGrowthBytes: 200 * MB }
/** Each scenario's time: 50 clients on 2 cores took over 300 s to start, run and check (the 8 of the long run, 2 min). */
const TIMEOUT = 300_000 + size.peers * 6_000

/** A relay star of `size.peers` clients, every process tracked. */
async function star(fleet: Fleet): Promise<RelayStar> {
  const built = await relayStar(names(size.peers), { listen: [RELAY_LISTEN] })
  fleet.track('relay', built.relay, built.relay.peerId)
  for (const c of built.clients) {
    fleet.track(c.name, c, c.peerId)
  }
  return built
}

/** Every client has its relay slot again (after `from`, per client) and sees everyone. */
async function healed(clients: PeerProcess[], from: Map<PeerProcess, number>): Promise<void> {
  await Promise.all(
    clients.map(async (c) => {
      await c.waitFor('relay', (e) => e.state === 'reserved', { from: from.get(c), timeoutMs: 90_000 })
      await c.waitForUsers((users) => users.length === clients.length, 60_000)
    })
  )
}

/**
 * Lobby lines from every client and a DM while the relay is away: nobody hears them now; catch-up owes the lines
 * after, and the DM waits in its sender's outbox.
 */
async function talkDuringFault(clients: PeerProcess[], tag: string): Promise<void> {
  for (const c of clients) {
    const text = `${tag} during ${c.name}`
    await sendAndWait(c, text, text)
  }
  await sendDm(clients[0], clients[1].peerId, `${tag} dm ${clients[0].name}`)
}

describe('chaos: relay faults', { timeout: TIMEOUT }, () => {
  requireTool('netns')
  afterEach(undoScenario)

  it('clients reconnect by themselves after the relay is killed (-9) under load and restarted', async () => {
    const fleet = new Fleet()
    const { star: topo, relay, clients } = await star(fleet)
    for (let round = 0; round < size.rounds; round++) {
      await trafficRound(clients, round, 'before')
    }
    // what was sent before has arrived: only the load round is in flight when the relay dies (and may die with it)
    await fleet.settle({ audience: { lobby: clients.map((c) => c.name) } }, 60_000)
    const marks = new Map(clients.map((c) => [c, c.events.length]))
    const load = trafficRound(clients, 99, 'load').catch(() => {})
    await fleet.kill('relay')
    await load
    await Promise.all(clients.map((c) => c.waitFor('relay', (e) => e.state !== 'reserved', { from: marks.get(c) })))
    await talkDuringFault(clients, 'cut')
    for (const c of clients) {
      marks.set(c, c.events.length)
    }
    const restartedAt = Date.now()
    const again: RelayProcess = await startRelay({
      dataDir: relay.dataDir,
      netns: topo.relayNs,
      listen: [RELAY_LISTEN]
    })
    fleet.track('relay', again, again.peerId)
    await healed(clients, marks)
    await lobbyHealed(clients)
    const healMs = Date.now() - restartedAt
    for (let round = 0; round < size.rounds; round++) {
      await trafficRound(clients, round, 'after')
    }
    // the load round that crossed the kill, the lines said while the relay was down and the probes are all owed
    const init = {
      offlineDelivery: true,
      limits: LIMITS,
      audience: { lobby: clients.map((c) => c.name) }
    }
    await Promise.all(clients.map((c) => dmOutcomes(c)))
    await fleet.settle(init, 60_000)
    const result = fleet.check(init)
    recordRow(
      `relay kill -9 and restart, ${size.peers} clients`,
      result,
      healMs,
      'restart until every client had its slot back and the lobby reached everyone'
    )
    expect(result.violations).toEqual([])
  })

  it(`clients carry on after the relay hangs (SIGSTOP ${FREEZE_MS / 1000} s) and comes back`, async () => {
    const fleet = new Fleet()
    const { relay, clients } = await star(fleet)
    await trafficRound(clients, 0, 'before')
    const marks = new Map(clients.map((c) => [c, c.events.length]))
    freeze(relay.child)
    const frozenAt = Date.now()
    await talkDuringFault(clients, 'frozen')
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, FREEZE_MS - (Date.now() - frozenAt))))
    thaw(relay.child)
    const thawedAt = Date.now()
    // a client that noticed the hang lost its slot and must get it back; the others kept theirs
    await Promise.all(
      clients.map(async (c) => {
        const lost = c.events.slice(marks.get(c)).some((e) => e.type === 'relay' && e.state !== 'reserved')
        if (lost) {
          await c.waitFor('relay', (e) => e.state === 'reserved', { from: marks.get(c), timeoutMs: 90_000 })
        }
        await c.waitForUsers((users) => users.length === clients.length, 60_000)
      })
    )
    await lobbyHealed(clients)
    const healMs = Date.now() - thawedAt
    for (let round = 1; round <= size.rounds; round++) {
      await trafficRound(clients, round, 'after')
    }
    const init = {
      offlineDelivery: true,
      limits: LIMITS,
      audience: { lobby: clients.map((c) => c.name) }
    }
    await Promise.all(clients.map((c) => dmOutcomes(c)))
    await fleet.settle(init, 60_000)
    const result = fleet.check(init)
    recordRow(
      `relay SIGSTOP ${FREEZE_MS / 1000} s, ${size.peers} clients`,
      result,
      healMs,
      'SIGCONT until every client had its slot and the lobby reached everyone'
    )
    expect(result.violations).toEqual([])
  })
})
