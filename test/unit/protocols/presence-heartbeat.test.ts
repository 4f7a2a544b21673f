import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { SenderSeq } from '../../../protocols/common/decode.ts'
import { relaysNamedIn } from '../../../protocols/presence/announced-addrs.ts'
import { heartbeatDue, type LastAnnouncement } from '../../../protocols/presence/heartbeat.ts'

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
