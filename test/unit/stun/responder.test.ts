import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeBindingSuccess, ipBytes } from '../../../protocols/stun/index.ts'
import { StunBudget } from '../../../relay/stun-budget.ts'
import { StunServer } from '../../../relay/stun-server.ts'
import { mutatedArb, RUNS } from '../protocols/fuzz.ts'
import { SAMPLE_IPV4_RESPONSE, SAMPLE_REQUEST } from './vectors.ts'

interface Sent {
  bytes: Uint8Array
  port: number
  address: string
}

/** A socket that records what it would send. */
function recorder(): { sent: Sent[]; send: (bytes: Uint8Array, port: number, address: string) => void } {
  const sent: Sent[] = []
  return { sent, send: (bytes, port, address) => sent.push({ bytes, port, address }) }
}

const BINDING = new Uint8Array(20)
new DataView(BINDING.buffer).setUint16(0, 0x0001)
new DataView(BINDING.buffer).setUint32(4, 0x2112a442)

describe('STUN responder', () => {
  it('answers a binding request with the address and port it came from, IPv4 and IPv6', () => {
    const server = new StunServer({ port: 0, listen: [] })
    const socket = recorder()
    server.answer(socket, SAMPLE_REQUEST, { address: '203.0.113.5', port: 40000 })
    server.answer(socket, BINDING, { address: '2001:db8::7', port: 50000 })
    expect(socket.sent.map((s) => [s.address, s.port])).toEqual([
      ['203.0.113.5', 40000],
      ['2001:db8::7', 50000]
    ])
    expect(decodeBindingSuccess(socket.sent[0].bytes).mapped).toEqual({ address: ipBytes('203.0.113.5'), port: 40000 })
    expect(decodeBindingSuccess(socket.sent[1].bytes).mapped).toEqual({ address: ipBytes('2001:db8::7'), port: 50000 })
  })

  it('stays silent for anything but a binding request, and past the per-source budget', () => {
    const server = new StunServer({
      port: 0,
      listen: [],
      budget: new StunBudget({ burstPerSource: 3, perSourcePerSecond: 0.001 })
    })
    const socket = recorder()
    server.answer(socket, SAMPLE_IPV4_RESPONSE, { address: '203.0.113.5', port: 1 })
    server.answer(socket, new Uint8Array(0), { address: '203.0.113.5', port: 1 })
    expect(socket.sent).toEqual([])
    for (let i = 0; i < 10; i++) {
      server.answer(socket, BINDING, { address: '203.0.113.5', port: 1 })
    }
    expect(socket.sent).toHaveLength(3)
    // another source has a budget of its own
    server.answer(socket, BINDING, { address: '203.0.113.6', port: 1 })
    expect(socket.sent).toHaveLength(4)
  })

  it('never throws on random or mutated datagrams, and answers only valid binding requests', () => {
    const server = new StunServer({ port: 0, listen: [], budget: new StunBudget({ totalPerSecond: 1e9 }) })
    const valid = fc.uint8Array({ minLength: 12, maxLength: 12 }).map((id) => {
      const out = BINDING.slice()
      out.set(id, 8)
      return out
    })
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), mutatedArb(valid)), fc.nat(1000), (packet, source) => {
        const socket = recorder()
        server.answer(socket, packet, { address: `198.51.${source >> 8}.${source & 0xff}`, port: 3478 })
        for (const { bytes } of socket.sent) {
          // an answer echoes the request's transaction id and is never much bigger than it
          expect(decodeBindingSuccess(bytes).transactionId).toEqual(packet.subarray(8, 20))
          expect(bytes.length).toBeLessThanOrEqual(packet.length + 24)
        }
      }),
      { numRuns: RUNS }
    )
  })
})

describe('StunBudget', () => {
  it('keeps at most maxSources sources and answers all of them together at most the total', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 100 }),
        (sources, maxSources, total) => {
          const budget = new StunBudget({ burstPerSource: 3, maxSources, totalPerSecond: total }, 0)
          const granted = new Map<number, number>()
          let all = 0
          for (const source of sources) {
            if (budget.take(`10.0.0.${source}`, 0)) {
              granted.set(source, (granted.get(source) ?? 0) + 1)
              all++
            }
            expect(budget.size).toBeLessThanOrEqual(maxSources)
          }
          expect(all).toBeLessThanOrEqual(total)
          if (maxSources > 50) {
            // nobody forgotten: each source got at most its burst
            expect(Math.max(0, ...granted.values())).toBeLessThanOrEqual(3)
          }
        }
      )
    )
  })

  it('refills with time: a source over budget is answered again a second later', () => {
    const budget = new StunBudget({ burstPerSource: 1, perSourcePerSecond: 1 }, 0)
    expect(budget.take('a', 0)).toBe(true)
    expect(budget.take('a', 10)).toBe(false)
    expect(budget.take('a', 1010)).toBe(true)
    // a clock stepping back grants nothing
    expect(budget.take('a', 0)).toBe(false)
  })
})
