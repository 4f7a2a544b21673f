import type { Stream } from '@libp2p/interface'
import { streamPair } from '@libp2p/utils'
import fc from 'fast-check'
import { encode } from 'uint8-varint'
import { afterEach, describe, expect, it } from 'vitest'
import { InvalidMessageError, MessageTooLargeError } from '../../../protocols/common/errors.ts'
import { frameStream } from '../../../protocols/common/frames.ts'

const MAX = 300

const open: Stream[] = []

afterEach(() => {
  for (const s of open.splice(0)) {
    s.abort(new Error('test over'))
  }
})

/** Sends `bytes` verbatim from one end, closes it, and reads one frame (max MAX bytes) at the other. */
async function readAfter(bytes: Uint8Array, close = true): Promise<Uint8Array> {
  const [a, b] = await streamPair()
  open.push(a, b)
  if (bytes.byteLength > 0) {
    a.send(bytes)
  }
  if (close) {
    await a.close()
  }
  const frame = await frameStream(b, MAX).read({ signal: AbortSignal.timeout(5000) })
  return frame.subarray()
}

describe('frameStream', () => {
  it('reads back what it wrote, up to the limit', async () => {
    const [a, b] = await streamPair()
    open.push(a, b)
    const payload = Uint8Array.from({ length: MAX }, (_, i) => i % 251)
    await frameStream(a, MAX).write(payload)
    expect((await frameStream(b, MAX).read()).subarray()).toEqual(payload)
  })

  it('refuses an announced length over the limit before reading the body', async () => {
    // the stream stays open: the refusal must not wait for bytes that will never come
    await expect(readAfter(encode(MAX + 1), false)).rejects.toThrow(MessageTooLargeError)
    await expect(readAfter(encode(10 * 1024 * 1024), false)).rejects.toThrow(MessageTooLargeError)
  })

  it('refuses a length prefix that never ends after a few bytes, not at the timeout', async () => {
    await expect(readAfter(new Uint8Array(4096).fill(0xff), false)).rejects.toThrow(MessageTooLargeError)
  })

  it('a stream that ends early is an InvalidMessageError', async () => {
    await expect(readAfter(new Uint8Array(0))).rejects.toThrow(InvalidMessageError)
    await expect(readAfter(Uint8Array.from([...encode(100), 1, 2, 3]))).rejects.toThrow(InvalidMessageError)
    await expect(readAfter(Uint8Array.from([0x80]))).rejects.toThrow(InvalidMessageError)
  })

  it('random bytes: a frame within the limit, or one of the two decode errors, nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2 * MAX }), async (bytes) => {
        try {
          const frame = await readAfter(bytes)
          expect(frame.byteLength).toBeLessThanOrEqual(MAX)
        } catch (err) {
          if (!(err instanceof InvalidMessageError || err instanceof MessageTooLargeError)) {
            throw err
          }
        } finally {
          for (const s of open.splice(0)) {
            s.abort(new Error('next run'))
          }
        }
      }),
      { numRuns: 200 }
    )
  })
})
