import { afterEach, describe, expect, it } from 'vitest'
import { lanPeers, undoScenario } from './chaos-helpers.ts'
import { randomFile } from './files-helpers.ts'
import { chaosSize, dmOutcomes, Fleet, recordRow } from './harness/chaos.ts'
import { limitBandwidth } from './harness/faults.ts'
import { requireTool, tempDir } from './harness.ts'

const size = chaosSize({ peers: 2, rounds: 3 }, { peers: 2, rounds: 20 })
const MB = 1024 * 1024
const RATE = '1mbit'

describe('chaos: a 1 Mbit/s link', () => {
  requireTool('netns')
  afterEach(undoScenario)

  it('keeps chat responsive while a file transfer fills the link', async () => {
    const fleet = new Fleet()
    const { lan, peers } = await lanPeers(fleet, 2)
    const [alice, bob] = peers
    for (const host of lan.hosts) {
      await limitBandwidth(host.ns, host.iface, RATE)
    }
    const file = await randomFile(size.long ? 100 * MB : 8 * MB)
    const downloads = tempDir('p2pchat-dl-')
    const mark = bob.events.length
    alice.send(`/send bob ${file.path}`)
    const offer = await bob.waitFor('offer', () => true, { from: mark, timeoutMs: 60_000 })
    bob.send(`/accept ${offer.shortId} ${downloads}`)
    await bob.waitFor('progress', (p) => p.id === offer.id && p.bytes > 0, { timeoutMs: 60_000 })
    const latencies: number[] = []
    for (let i = 0; i < size.rounds; i++) {
      const text = `busy link dm ${i}`
      const from = alice.events.length
      const sentAt = Date.now()
      alice.send(`/msg bob ${text}`)
      const { id } = await alice.waitFor('sent', (s) => s.text === text, { from })
      await alice.waitFor('delivered', (d) => d.id === id, { from, timeoutMs: 30_000 })
      latencies.push(Date.now() - sentAt)
    }
    // the file was still moving: chat went alongside it, not after it
    expect(bob.events.slice(mark).some((e) => e.type === 'done')).toBe(false)
    await dmOutcomes(alice)
    const result = fleet.check({ audience: { lobby: [] } })
    const sorted = [...latencies].sort((a, b) => a - b)
    console.log(
      `chaos: DM round trips on a busy ${RATE} link, ms: median ${sorted[Math.floor(sorted.length / 2)]}, max ${sorted.at(-1)}`
    )
    recordRow(
      `${RATE} link during a file transfer`,
      result,
      sorted.at(-1) ?? 0,
      `slowest DM round trip; median ${sorted[Math.floor(sorted.length / 2)]} ms`
    )
    expect(result.violations).toEqual([])
  }, 300_000)
})
