import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AckQueue } from '../../../protocols/dm/ack-queue.ts'

describe('AckQueue', () => {
  it('writes acks in the order DMs came, whatever order they are answered in, holding at most maxBytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        async (sizes, order) => {
          const max = 64
          const written: number[] = []
          const queue = new AckQueue(async (ack) => {
            written.push(ack[0])
          }, max)
          const answers: Array<{ i: number; bytes: number; answer: () => void }> = []
          for (const [i, bytes] of sizes.entries()) {
            const { promise, resolve } = Promise.withResolvers<Uint8Array>()
            answers.push({ i, bytes, answer: () => resolve(Uint8Array.of(i)) })
            let pushed = false
            const push = queue.push(promise, bytes).then(() => {
              pushed = true
            })
            // answer DMs in a random order until the queue lets the next one be read
            while (!pushed) {
              const next = answers.splice((order[i] ?? 0) % answers.length, 1)[0]
              next.answer()
              await new Promise((r) => setImmediate(r))
            }
            await push
            // what is still unanswered when the next DM may be read fits in the allowance
            expect(answers.reduce((n, a) => n + a.bytes, 0)).toBeLessThanOrEqual(max)
          }
          for (const a of answers.splice(0)) a.answer()
          await queue.drain()
          expect(written).toEqual(sizes.map((_, i) => i))
        }
      ),
      { numRuns: 50 }
    )
  })

  it('fails the stream with the first write that failed, and writes nothing after it', async () => {
    const written: number[] = []
    const queue = new AckQueue(async (ack) => {
      if (ack[0] === 1) throw new Error('stream reset')
      written.push(ack[0])
    }, 1024)
    for (const i of [0, 1, 2]) await queue.push(Promise.resolve(Uint8Array.of(i)), 10)
    await expect(queue.drain()).rejects.toThrow('stream reset')
    expect(written).toEqual([0])
  })
})
