import { PassThrough } from 'node:stream'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hiddenPrompts } from '../../../cli/passphrase.ts'

/** A terminal stand-in: what is typed, and what the questions printed. */
function terminal(): { input: PassThrough; output: PassThrough; shown: () => string } {
  const input = new PassThrough()
  const output = new PassThrough()
  let text = ''
  output.on('data', (d: Buffer) => {
    text += d.toString()
  })
  return { input, output, shown: () => text }
}

describe('hidden prompts', () => {
  it('a passphrase and its repetition pasted at once answer the two questions in turn, and neither is shown', async () => {
    const { input, output, shown } = terminal()
    const prompts = hiddenPrompts(input, output)
    input.write('secret one\nsecret one\n')
    expect(await prompts.ask('New passphrase: ')).toBe('secret one')
    expect(await prompts.ask('Repeat it: ')).toBe('secret one')
    prompts.close()
    expect(shown()).toBe('New passphrase: \nRepeat it: \n')
  })

  it('a reader per question, as before, loses the answer typed ahead (what the shared reader fixes)', async () => {
    const { input, output } = terminal()
    const first = hiddenPrompts(input, output)
    input.write('secret one\nsecret one\n')
    expect(await first.ask('New passphrase: ')).toBe('secret one')
    first.close()
    const second = hiddenPrompts(input, output)
    const answered = await Promise.race([
      second.ask('Repeat it: '),
      new Promise((resolve) => setTimeout(() => resolve('(nothing)'), 100))
    ])
    second.close()
    expect(answered).toBe('(nothing)')
  })

  it('answers come in order however the typing is split into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.string({ unit: 'grapheme-ascii', maxLength: 12 }).filter((s) => !/[\r\n]/.test(s)),
          {
            minLength: 1,
            maxLength: 5
          }
        ),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 10 }),
        async (answers, cuts) => {
          const { input, output } = terminal()
          const prompts = hiddenPrompts(input, output)
          const typed = answers.map((a) => `${a}\n`).join('')
          let at = 0
          for (const cut of cuts) {
            input.write(typed.slice(at, at + cut))
            at += cut
          }
          input.write(typed.slice(at))
          const got: string[] = []
          for (const _ of answers) {
            got.push(await prompts.ask('? '))
          }
          prompts.close()
          expect(got).toEqual(answers)
        }
      ),
      { numRuns: 100 }
    )
  })

  it('a question still open when the input ends fails instead of waiting forever', async () => {
    const { input, output } = terminal()
    const prompts = hiddenPrompts(input, output)
    const asked = prompts.ask('Passphrase: ')
    input.end()
    await expect(asked).rejects.toThrow(/input ended/)
  })
})
