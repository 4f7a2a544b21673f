import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { SenderSeq } from '../../../protocols/common/decode.ts'
import { relaysNamedIn } from '../../../protocols/presence/announced-addrs.ts'
import {
  LAN_CROWD_PER_HEARTBEAT,
  MAX_HEARTBEAT_STRETCH,
  MAX_LIFETIME_MS,
  PRESENCE_TTL_MS
} from '../../../protocols/presence/constants.ts'
import {
  HEARTBEATS_PER_LIFETIME,
  heartbeatDue,
  type LastAnnouncement,
  lanHeartbeatIntervalMs,
  lifetimeFor
} from '../../../protocols/presence/heartbeat.ts'

const TICK = 10_000
const RELAYED = 120_000

/**
 * Runs `ticks` heartbeat checks: at each, the lobby tail may move, and an announcement made reaches someone or not.
 * Returns the ticks (by index) at which an announcement was made, and whether it was heard.
 */
function simulate(
  ticks: { tailMoves: boolean; heard: boolean }[],
  intervalMs: number
): { at: number; heard: boolean; tailMoved: boolean }[] {
  let last: LastAnnouncement | undefined = { at: 0 }
  let tail: SenderSeq | undefined
  let unannouncedTail = false
  const made: { at: number; heard: boolean; tailMoved: boolean }[] = []
  for (const [i, t] of ticks.entries()) {
    // timers fire a little late or early: the check must not slip a whole tick for it
    const now = (i + 1) * TICK + ((i * 37) % 200) - 100
    if (t.tailMoves) {
      tail = { epoch: 1, seq: (tail?.seq ?? 0) + 1 }
      unannouncedTail = true
    }
    if (heartbeatDue({ now, intervalMs, tickMs: TICK, lobbyTail: tail, last })) {
      made.push({ at: i, heard: t.heard, tailMoved: unannouncedTail })
      last = t.heard ? { at: now, lobbyTail: tail } : undefined
      if (t.heard) {
        unannouncedTail = false
      }
    }
  }
  return made
}

describe('heartbeat schedule', () => {
  it('announces every interval, a tail change at the next tick, and again at every tick until someone heard', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ tailMoves: fc.boolean(), heard: fc.boolean() }), { minLength: 1, maxLength: 200 }),
        fc.constantFrom(TICK, RELAYED),
        (ticks, interval) => {
          const made = simulate(ticks, interval)
          const madeAt = new Set(made.map((m) => m.at))
          let lastHeard = -1
          let lastUnheard = false
          let owedTail = false
          for (const [i, t] of ticks.entries()) {
            owedTail ||= t.tailMoves
            const sinceHeard = (i - lastHeard) * TICK
            // due: the interval is over, or a tail nobody heard, or our last announcement reached nobody
            const due = sinceHeard >= interval || owedTail || lastUnheard
            expect(madeAt.has(i)).toBe(due)
            if (madeAt.has(i)) {
              lastUnheard = !t.heard
              if (t.heard) {
                lastHeard = i
                owedTail = false
              }
            }
          }
        }
      ),
      { numRuns: 300 }
    )
  })

  it('with nobody heard yet, announces at once', () => {
    expect(heartbeatDue({ now: 5, intervalMs: RELAYED, tickMs: TICK })).toBe(true)
  })

  it('a relay slot: one announcement in twelve ticks when nothing changes', () => {
    const quiet = Array.from({ length: 120 }, () => ({ tailMoves: false, heard: true }))
    expect(simulate(quiet, RELAYED).length).toBe(10)
    expect(simulate(quiet, TICK).length).toBe(120)
  })
})

/** Any directory size, including what a bug or a hostile crowd could make of it. */
const anySize = fc.oneof(
  fc.integer({ min: -10, max: 100_000 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_SAFE_INTEGER)
)

describe('LAN heartbeat interval', () => {
  it('stays between the base and its caps whatever the directory says, and grows with the crowd', () => {
    fc.assert(
      fc.property(anySize, anySize, fc.integer({ min: 100, max: 60_000 }), (a, b, base) => {
        const interval = lanHeartbeatIntervalMs(a, base)
        expect(Number.isFinite(interval)).toBe(true)
        expect(interval).toBeGreaterThanOrEqual(base)
        expect(interval).toBeLessThanOrEqual(Math.max(base, base * MAX_HEARTBEAT_STRETCH))
        // the lifetime we ask for is one receivers grant in full (they clamp at MAX_LIFETIME_MS)
        const lifetime = lifetimeFor(interval, base)
        if (lifetime != null) {
          expect(lifetime).toBeLessThanOrEqual(MAX_LIFETIME_MS)
          expect(lifetime).toBe(HEARTBEATS_PER_LIFETIME * interval)
        }
        const [small, large] = [a, b].map((n) => (Number.isNaN(n) ? 0 : n)).sort((x, y) => x - y)
        expect(lanHeartbeatIntervalMs(small, base)).toBeLessThanOrEqual(lanHeartbeatIntervalMs(large, base))
      }),
      { numRuns: 500 }
    )
  })

  it('keeps the heartbeats each peer receives about flat up to the stretch, and at the base in small crowds', () => {
    const base = 10_000
    for (let peers = 1; peers <= LAN_CROWD_PER_HEARTBEAT * MAX_HEARTBEAT_STRETCH; peers++) {
      // every other peer's heartbeats, per base interval
      const received = ((peers - 1) * base) / lanHeartbeatIntervalMs(peers - 1, base)
      expect(received).toBeLessThanOrEqual(LAN_CROWD_PER_HEARTBEAT)
    }
    expect(lanHeartbeatIntervalMs(LAN_CROWD_PER_HEARTBEAT, base)).toBe(base)
    expect(lifetimeFor(base, base)).toBeUndefined()
    expect(lanHeartbeatIntervalMs(200, base)).toBe(100_000)
    expect(lanHeartbeatIntervalMs(10_000, base)).toBe(200_000)
  })

  it('never leaves receivers longer without a heartbeat than the lifetime it last asked for, as the crowd changes', () => {
    fc.assert(
      fc.property(fc.array(anySize, { minLength: 1, maxLength: 300 }), (sizes) => {
        let last: LastAnnouncement | undefined
        let lifetime = 0
        for (const [i, size] of sizes.entries()) {
          const now = (i + 1) * TICK + ((i * 37) % 200) - 100
          const intervalMs = lanHeartbeatIntervalMs(size, TICK)
          if (last != null) {
            // still listed at this tick, with a tick to spare for the next one
            expect(now - last.at + TICK).toBeLessThanOrEqual(lifetime + TICK / 2 + 200)
          }
          if (heartbeatDue({ now, intervalMs, tickMs: TICK, last })) {
            last = { at: now, intervalMs }
            lifetime = lifetimeFor(intervalMs, TICK) ?? PRESENCE_TTL_MS
          }
        }
      }),
      { numRuns: 300 }
    )
  })
})

describe('relaysNamedIn', () => {
  it('names the relay of every circuit address, and nothing for direct or unparsable ones', async () => {
    const relay = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    const other = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    const me = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    const addrs = [
      multiaddr(`/ip4/10.0.0.1/tcp/4001/p2p/${relay}/p2p-circuit/p2p/${me}`).bytes,
      multiaddr(`/ip4/10.0.0.2/tcp/4001/p2p/${other}/p2p-circuit`).bytes,
      multiaddr('/ip4/192.168.1.5/tcp/5000').bytes,
      multiaddr(`/ip4/192.168.1.5/tcp/5000/p2p/${me}`).bytes,
      Uint8Array.of(0xff, 0xff, 0xff)
    ]
    expect([...relaysNamedIn(addrs)].sort()).toEqual([relay, other].sort())
    expect(relaysNamedIn([]).size).toBe(0)
  })
})
