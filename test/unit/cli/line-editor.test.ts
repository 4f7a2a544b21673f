import fc from 'fast-check'
import type { Key } from 'ink'
import { describe, expect, it } from 'vitest'
import {
  type EditAction,
  type EditorState,
  EMPTY_EDITOR,
  edit,
  editorText,
  keyToEdits,
  MAX_HISTORY,
  MAX_INPUT_CHARS
} from '../../../cli/tui/line-editor.ts'

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false
}

function key(flags: Partial<Key> = {}): Key {
  return { ...NO_KEY, ...flags }
}

/** Applies edits in order; returns the final state and every submitted line. */
function run(actions: EditAction[], from: EditorState = EMPTY_EDITOR): { state: EditorState; submitted: string[] } {
  const submitted: string[] = []
  let state = from
  for (const action of actions) {
    const result = edit(state, action)
    state = result.state
    if (result.submitted != null) submitted.push(result.submitted)
  }
  return { state, submitted }
}

const type = (text: string): EditAction => ({ type: 'insert', text })
const act = (t: Exclude<EditAction, { type: 'insert' }>['type']): EditAction => ({ type: t })

describe('line editor', () => {
  it('inserts at the cursor and moves within the line', () => {
    const { state } = run([type('helo'), act('left'), type('l'), act('home'), type('>'), act('end'), type('!')])
    expect(editorText(state)).toBe('>hello!')
    expect(state.cursor).toBe(7)
  })

  it('deletes backwards and forwards, and stops at the ends', () => {
    const { state } = run([type('abc'), act('backspace'), act('home'), act('delete'), act('left'), act('backspace')])
    expect(editorText(state)).toBe('b')
    expect(state.cursor).toBe(0)
    expect(run([act('backspace'), act('delete'), act('left'), act('right')]).state).toMatchObject({ cursor: 0 })
  })

  it('never splits a character made of two UTF-16 units', () => {
    const { state } = run([type('a🦊b'), act('left'), act('backspace')])
    expect(editorText(state)).toBe('ab')
    expect(state.cursor).toBe(1)
  })

  it('kills to the start, to the end and the word before the cursor', () => {
    expect(editorText(run([type('one two'), act('left'), act('left'), act('kill-start')]).state)).toBe('wo')
    expect(editorText(run([type('one two'), act('home'), act('right'), act('kill-end')]).state)).toBe('o')
    expect(editorText(run([type('one two  '), act('kill-word')]).state)).toBe('one ')
    expect(editorText(run([type('one two'), act('left'), act('kill-word')]).state)).toBe('one o')
  })

  it('submits the line and starts a fresh one', () => {
    const { state, submitted } = run([type('hi there'), act('left'), act('submit')])
    expect(submitted).toEqual(['hi there'])
    expect(editorText(state)).toBe('')
    expect(state.cursor).toBe(0)
  })

  it('recalls earlier lines with up/down and gives back the unfinished line', () => {
    const { state } = run([type('first'), act('submit'), type('second'), act('submit'), type('draft')])
    const up1 = run([act('history-prev')], state).state
    expect(editorText(up1)).toBe('second')
    expect(up1.cursor).toBe(6)
    const up2 = run([act('history-prev'), act('history-prev')], up1).state
    expect(editorText(up2)).toBe('first')
    expect(editorText(run([act('history-next'), act('history-next')], up2).state)).toBe('draft')
    expect(editorText(run([act('history-next')], state).state)).toBe('draft')
  })

  it('keeps blank and repeated lines out of the history, and the history bounded', () => {
    const { state } = run([
      type('a'),
      act('submit'),
      type('a'),
      act('submit'),
      act('submit'),
      type('  '),
      act('submit')
    ])
    expect(state.history).toEqual(['a'])
    const many = run(Array.from({ length: MAX_HISTORY + 20 }, (_, i) => [type(`line ${i}`), act('submit')]).flat())
    expect(many.state.history).toHaveLength(MAX_HISTORY)
    expect(many.state.history.at(-1)).toBe(`line ${MAX_HISTORY + 19}`)
  })

  it('caps the line length', () => {
    const { state } = run([type('x'.repeat(MAX_INPUT_CHARS - 1)), type('yz')])
    expect(state.chars).toHaveLength(MAX_INPUT_CHARS)
    expect(editorText(state).endsWith('xy')).toBe(true)
  })

  it('keeps the cursor inside the line and control characters out, whatever the edits', () => {
    const action = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 8 }).map((text) => keyToEdits(text, key())),
      fc
        .constantFrom(
          'backspace',
          'delete',
          'left',
          'right',
          'home',
          'end',
          'kill-start',
          'kill-end',
          'kill-word',
          'history-prev',
          'history-next',
          'submit'
        )
        .map((t) => [act(t)])
    )
    fc.assert(
      fc.property(fc.array(action, { maxLength: 40 }), (batches) => {
        const { state, submitted } = run(batches.flat())
        expect(state.cursor).toBeGreaterThanOrEqual(0)
        expect(state.cursor).toBeLessThanOrEqual(state.chars.length)
        for (const line of [...submitted, editorText(state)]) {
          // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
          expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/)
        }
      })
    )
  })
})

describe('keyToEdits', () => {
  it('maps editing keys', () => {
    expect(keyToEdits('', key({ return: true }))).toEqual([act('submit')])
    expect(keyToEdits('', key({ upArrow: true }))).toEqual([act('history-prev')])
    expect(keyToEdits('', key({ backspace: true }))).toEqual([act('backspace')])
    expect(keyToEdits('', key({ delete: true }))).toEqual([act('delete')])
    expect(keyToEdits('a', key({ ctrl: true }))).toEqual([act('home')])
    expect(keyToEdits('w', key({ ctrl: true }))).toEqual([act('kill-word')])
  })

  it('leaves keys it does not own to others (quit, scrolling, escape)', () => {
    expect(keyToEdits('c', key({ ctrl: true }))).toEqual([])
    expect(keyToEdits('d', key({ ctrl: true }))).toEqual([])
    expect(keyToEdits('', key({ pageUp: true }))).toEqual([])
    expect(keyToEdits('', key({ escape: true }))).toEqual([])
    expect(keyToEdits('x', key({ meta: true }))).toEqual([])
  })

  it('splits typed-ahead input into text, control keys and Enter', () => {
    expect(keyToEdits('bad name\ralice\r', key())).toEqual([
      type('bad name'),
      act('submit'),
      type('alice'),
      act('submit')
    ])
    expect(keyToEdits('ab\u0015cd', key())).toEqual([type('ab'), act('kill-start'), type('cd')])
  })

  it('keeps terminal controls out of the text', () => {
    expect(keyToEdits('a\u001b[31mb\u0007\tc\u009b', key())).toEqual([type('a'), type('[31mb'), type(' c')])
  })
})
