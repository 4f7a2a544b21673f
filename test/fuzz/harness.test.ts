import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import type { PeerId, Stream } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { InvalidMessageError } from '../../protocols/common/errors.ts'
import { FakeRegistrar } from './fakes.ts'
import { mutate, varint } from './mutate.ts'
import { runTarget } from './runner.ts'
import { defineTarget, FuzzFailure } from './target.ts'

/** The fuzzer's own checks must fire: otherwise a clean table proves nothing. */

let peer: PeerId

beforeAll(async () => {
  peer = peerIdFromPrivateKey(await generateKeyPairFromSeed('Ed25519', new Uint8Array(32).fill(9)))
})

function registrarWith(handler: (stream: Stream) => Promise<void>): FakeRegistrar {
  const registrar = new FakeRegistrar()
  void registrar.asRegistrar().handle('/test/1', (stream) => handler(stream))
  return registrar
}

describe('fuzz harness', () => {
  it('fails a handler that returns without closing or aborting its stream', async () => {
    const registrar = registrarWith(async () => {})
    await expect(registrar.serve('/test/1', peer, [Uint8Array.of(1)])).rejects.toThrow(FuzzFailure)
  })

  it('passes a handler that closes, and reports a runtime error it aborted its stream with', async () => {
    await registrarWith((s) => s.close()).serve('/test/1', peer, [Uint8Array.of(1)])
    const aborting = registrarWith(async (s) => s.abort(new TypeError('x is undefined')))
    await expect(aborting.serve('/test/1', peer, [Uint8Array.of(1)])).rejects.toThrow(TypeError)
  })

  it('counts runtime errors and hangs as crashes, named refusals as refusals', async () => {
    const outcomes = ['refuse', 'type', 'hang', 'ok'] as const
    const target = defineTarget('test', 'decoder', () => ({
      input: fc.constantFrom(...outcomes),
      run: (o: (typeof outcomes)[number]) => {
        if (o === 'refuse') {
          throw new InvalidMessageError('bad')
        }
        if (o === 'type') {
          throw new TypeError('boom')
        }
        return o === 'hang' ? new Promise<void>(() => {}) : undefined
      },
      expected: (err) => err instanceof InvalidMessageError,
      timeoutMs: 20
    }))
    const result = await runTarget(target, { seed: 3, cases: 40 })
    expect(result.cases).toBe(40)
    expect(result.crashes).toBeGreaterThan(0)
    expect(result.crashes + result.accepted).toBeLessThan(40)
    expect(result.reported.some((c) => c.error.startsWith('TypeError'))).toBe(true)
    expect(result.reported.some((c) => c.error.includes('hang'))).toBe(true)
  })

  it('gives the same cases for the same seed, and replays one case alone', async () => {
    const target = defineTarget('test', 'decoder', () => ({ input: fc.uint8Array(), run: () => {} }))
    const shown: string[][] = [[], []]
    for (const run of [0, 1]) {
      await runTarget(target, { seed: 7, cases: 300, onCase: (_i, c) => shown[run].push(c.show()) })
    }
    expect(shown[0]).toEqual(shown[1])
    const replayed: string[] = []
    await runTarget(target, { seed: 7, cases: 300, only: 271, onCase: (_i, c) => replayed.push(c.show()) })
    expect(replayed).toEqual([shown[0][271]])
  })

  it('makes length prefixes lie', () => {
    const frame = Uint8Array.of(0x0a, 0x03, 0x61, 0x62, 0x63)
    expect(mutate(frame, [{ op: 'lie', at: 1, lie: 9, delta: 0 }])).toEqual(
      Uint8Array.of(0x0a, ...varint(2n ** 64n - 1n), 0x61, 0x62, 0x63)
    )
    expect(mutate(frame, [{ op: 'lie', at: 1, lie: -1, delta: 2 }])).toEqual(
      Uint8Array.of(0x0a, 0x05, 0x61, 0x62, 0x63)
    )
  })
})
