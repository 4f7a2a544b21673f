import { defaultLogger } from '@libp2p/logger'
import { lpStream } from '@libp2p/utils'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  decodeStunInfo,
  encodeStunInfo,
  fetchStunPort,
  StunInfoError,
  StunInfoServer
} from '../../../protocols/stun/index.ts'
import { onlyDecodeErrors, RUNS } from '../protocols/fuzz.ts'
import { streamPairs } from '../protocols/stream-pairs.ts'

const pair = streamPairs()

/** A connection whose one new stream is `stream`. */
function connectionTo(stream: Awaited<ReturnType<typeof pair>>[0]) {
  return { newStream: async () => stream }
}

describe('/p2pchat/stun/1.0.0', () => {
  it('the relay tells its STUN port and the client reads it', async () => {
    const server = new StunInfoServer(
      { registrar: { handle: async () => {}, unhandle: async () => {} }, logger: defaultLogger() },
      { port: () => 3478 }
    )
    const [outbound, inbound] = await pair()
    void server.handleStream(inbound)
    expect(await fetchStunPort(connectionTo(outbound))).toBe(3478)
  })

  it('a relay that answers nonsense or too much is a StunInfoError, not a crash', async () => {
    const [outbound, inbound] = await pair()
    void lpStream(inbound).write(new Uint8Array(64).fill(0xff))
    await expect(fetchStunPort(connectionTo(outbound))).rejects.toBeInstanceOf(StunInfoError)
    await expect(
      fetchStunPort({
        newStream: async () => {
          throw new Error('protocol selection failed')
        }
      })
    ).rejects.toBeInstanceOf(StunInfoError)
  })

  it('decodes every port it encodes, and random bytes only into decode errors', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65_535 }), (port) => {
        expect(decodeStunInfo(encodeStunInfo(port))).toBe(port)
      })
    )
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => onlyDecodeErrors(() => decodeStunInfo(bytes))),
      { numRuns: RUNS }
    )
  })
})
