import { afterEach, describe, expect, it } from 'vitest'
import { names, undoScenario } from './chaos-helpers.ts'
import { chaosSize, Fleet, recordRow } from './harness/chaos.ts'
import { heal, partition } from './harness/faults.ts'
import { type PeerProcess, relayStar, requireTool, spawnRelayClient } from './harness.ts'

/** Short: a few churn cycles; long (npm run chaos): P2PCHAT_CHAOS_ROUNDS cycles, by default 20 cycles. */
const size = chaosSize({ peers: 3, rounds: 3 }, { peers: 8, rounds: 20 })
const MB = 1024 * 1024
/** Every how many cycles the observer's own link to the relay is cut and restored. */
const FLAP_EVERY = 2

describe('chaos: churn', () => {
  requireTool('netns')
  afterEach(undoScenario)

  it('peers come and go and the relay link flaps: presence ends accurate, memory and descriptors stay flat', async () => {
    const fleet = new Fleet()
    const who = names(size.peers)
    const dataDirs: Record<string, string> = {}
    const { star, relay, clients } = await relayStar(who)
    fleet.track('relay', relay)
    for (const c of clients) {
      fleet.track(c.name, c)
      dataDirs[c.name] = c.dataDir
    }
    const [observer] = clients
    const current = new Map<string, PeerProcess>(clients.map((c) => [c.name, c]))
    const started = Date.now()
    let flaps = 0
    for (let cycle = 0; cycle < size.rounds; cycle++) {
      const i = 1 + (cycle % (size.peers - 1))
      const name = who[i]
      // half the leaves are clean (/quit), half are crashes
      if (cycle % 2 === 0) {
        current.get(name)?.send('/quit')
        await fleet.kill(name, 'SIGTERM')
      } else {
        await fleet.kill(name)
      }
      const mark = observer.events.length
      const back = fleet.track(name, await spawnRelayClient(name, star.spokes[i], relay, dataDirs[name]))
      current.set(name, back)
      if (cycle % FLAP_EVERY === FLAP_EVERY - 1) {
        await partition(star.spokes[0].ns, star.spokes[0].iface)
        await observer.waitFor('relay', (e) => e.state !== 'reserved', { from: mark, timeoutMs: 60_000 })
        await heal(star.spokes[0].ns, star.spokes[0].iface)
        await observer.waitFor('relay', (e) => e.state === 'reserved', { from: mark, timeoutMs: 90_000 })
        flaps++
      }
    }
    const settledAt = Date.now()
    // presence is accurate at the end: everyone who is online, and nobody else
    await Promise.all(
      [...current.values()].map((c) =>
        c.waitForUsers(
          (users) =>
            users
              .map((u) => u.name)
              .sort()
              .join() === [...who].sort().join(),
          60_000
        )
      )
    )
    const healMs = Date.now() - settledAt
    // every reservation of the observer carries as many relay addresses as the first: no listener piles up
    const reserved = observer.all('relay').filter((e) => e.state === 'reserved')
    expect(reserved.length).toBe(flaps + 1)
    expect(new Set(reserved.map((e) => e.addrs.length)).size).toBe(1)
    const result = fleet.check({
      audience: { lobby: [] },
      limits: { maxRssBytes: 400 * MB, maxFdGrowth: 20, maxRssGrowthBytes: 100 * MB }
    })
    const scenario = `churn, ${size.peers} clients, ${size.rounds} cycles (${Math.round((settledAt - started) / 1000)} s)`
    recordRow(scenario, result, healMs, 'last cycle until presence was accurate everywhere')
    expect(result.violations).toEqual([])
  }, 1_800_000)
})
