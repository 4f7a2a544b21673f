import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jsonLine } from '../../../cli/json-line.ts'
import { type OutputEvent, toJsonLine } from '../../../cli/output.ts'

/** What a consumer using Node's readline gets from these lines written to a pipe. */
async function readLines(lines: string[]): Promise<string[]> {
  const rl = createInterface({ input: Readable.from([lines.map((l) => `${l}\n`).join('')]), crlfDelay: Infinity })
  const out: string[] = []
  for await (const line of rl) {
    out.push(line)
  }
  return out
}

function dm(text: string): OutputEvent {
  return {
    type: 'message',
    id: 'm1',
    scope: 'dm',
    from: { peerId: '12D3KooWAlice', name: 'alice' },
    text,
    ts: 1
  }
}

// the characters line readers split on, among arbitrary ones
const CHARS = fc.oneof(
  fc.constantFrom('\u2028', '\u2029', '\r', '\n', '"', '\\'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })
)

describe('JSON lines', () => {
  it('a DM text with U+2028 and U+2029 stays one line for readline and reads back the same', async () => {
    const text = 'one\u2028two\u2029three'
    const lines = await readLines([toJsonLine(dm(text)), toJsonLine(dm('next'))])
    expect(lines).toHaveLength(2)
    expect((JSON.parse(lines[0]) as { text: string }).text).toBe(text)
    expect(lines[0]).not.toMatch(/[\u2028\u2029]/)
  })

  it('any text: exactly one line, and JSON.parse gives back the value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: CHARS }), async (text) => {
        const line = jsonLine({ type: 'message', text })
        const read = await readLines([line])
        expect(read).toEqual([line])
        expect(JSON.parse(line)).toEqual({ type: 'message', text })
      }),
      { numRuns: 300 }
    )
  })
})
