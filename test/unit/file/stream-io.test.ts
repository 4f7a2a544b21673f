import { defaultLogger } from '@libp2p/logger'
import { AbstractStream, type SendResult, streamPair } from '@libp2p/utils'
import fc from 'fast-check'
import * as varint from 'uint8-varint'
import type { Uint8ArrayList } from 'uint8arraylist'
import { describe, expect, it } from 'vitest'
import { InvalidMessageError, MessageTooLargeError } from '../../../protocols/common/errors.ts'
import { TransferInterruptedError, TransferStalledError } from '../../../protocols/file/errors.ts'
import { StreamReader, send, writeFrame } from '../../../protocols/file/stream-io.ts'

describe('StreamReader', () => {
  it('reads frames, then the raw rest, until the writer closes', async () => {
    const [a, b] = await streamPair()
    const reader = new StreamReader(b)
    await writeFrame(a, Uint8Array.from([1, 2, 3]))
    await send(a, Uint8Array.from([9, 8, 7, 6]))
    await a.close()
    expect((await reader.readFrame(16)).subarray()).toEqual(Uint8Array.from([1, 2, 3]))
    const rest: number[] = []
    for await (const piece of reader.rest()) {
      rest.push(...piece.subarray())
    }
    expect(rest).toEqual([9, 8, 7, 6])
  })

  it('pauses the stream above the high-water mark and resumes once read, losing nothing', async () => {
    const [a, b] = await streamPair()
    const reader = new StreamReader(b, 1024)
    const sent = Uint8Array.from({ length: 64 * 1024 }, (_, i) => i % 251)
    const writing = (async () => {
      for (let at = 0; at < sent.length; at += 4096) {
        await send(a, sent.subarray(at, at + 4096))
      }
      await a.close()
    })()
    const got: number[] = []
    let sawPause = false
    for await (const piece of reader.rest()) {
      sawPause ||= b.readStatus === 'paused'
      got.push(...piece.subarray())
      // a slow consumer on purpose, so that the writer fills the buffer and the reader must pause the stream
      await new Promise((r) => setTimeout(r, 1))
    }
    await writing
    expect(Uint8Array.from(got)).toEqual(sent)
    expect(sawPause).toBe(true)
  })

  it('refuses frames over the limit and overlong length prefixes', async () => {
    const [a, b] = await streamPair()
    const reader = new StreamReader(b)
    await send(a, varint.encode(100))
    await expect(reader.readFrame(99)).rejects.toThrow(MessageTooLargeError)
    const [c, d] = await streamPair()
    await send(c, Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80]))
    await expect(new StreamReader(d).readFrame(1 << 20)).rejects.toThrow(InvalidMessageError)
  })

  it('readFrame on any bytes returns a frame or throws a named error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), async (bytes) => {
        const [a, b] = await streamPair()
        const reader = new StreamReader(b)
        if (bytes.length > 0) {
          await send(a, bytes)
        }
        await a.close()
        try {
          const frame = await reader.readFrame(32)
          expect(frame.byteLength).toBeLessThanOrEqual(32)
        } catch (err) {
          expect(
            err instanceof InvalidMessageError ||
              err instanceof MessageTooLargeError ||
              err instanceof TransferInterruptedError
          ).toBe(true)
        }
      }),
      { numRuns: 200 }
    )
  })
})

/** A stream whose transport is full from the start and never drains: every send waits for drain. */
class StuckStream extends AbstractStream {
  constructor() {
    super({ id: 'stuck', direction: 'outbound', log: defaultLogger().forComponent('test:stuck') })
  }
  sendData(data: Uint8ArrayList): SendResult {
    return { sentBytes: data.byteLength, canSendMore: false }
  }
  sendReset(): void {}
  sendPause(): void {}
  sendResume(): void {}
  async sendCloseWrite(): Promise<void> {}
  async sendCloseRead(): Promise<void> {}
}

/** A stream whose transport takes everything at once, counting what it was given. */
class OpenStream extends StuckStream {
  sent = 0
  override sendData(data: Uint8ArrayList): SendResult {
    this.sent += data.byteLength
    return { sentBytes: data.byteLength, canSendMore: true }
  }
}

describe('send', () => {
  it('writes nothing once its signal is aborted, even when the stream has room', async () => {
    // a sender that was stopped (its recipient disconnected, a newer fetch replaced it) must not keep writing
    const stream = new OpenStream()
    const controller = new AbortController()
    await send(stream, new Uint8Array(16), { signal: controller.signal })
    controller.abort(new TransferInterruptedError('the recipient disconnected'))
    await expect(send(stream, new Uint8Array(16), { signal: controller.signal })).rejects.toThrow(
      TransferInterruptedError
    )
    expect(stream.sent).toBe(16)
  })

  it('rejects a writer waiting for drain when the connection dies under it', async () => {
    const stream = new StuckStream()
    const waiting = send(stream, new Uint8Array(16))
    expect(stream.writableNeedsDrain).toBe(true)
    stream.onTransportClosed()
    await expect(waiting).rejects.toThrow(TransferInterruptedError)
  })

  it('gives up on a stream that stops draining, so the transfer can resume instead of hanging', async () => {
    // the reader stops for good but its connection stays up: a stopped process, a half-open TCP connection
    const stream = new StuckStream()
    const waiting = send(stream, new Uint8Array(16), { idleTimeoutMs: 100 })
    await expect(waiting).rejects.toThrow(TransferStalledError)
    expect(stream.status).toBe('aborted')
  })
})
