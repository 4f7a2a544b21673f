import type { Key } from 'ink'

/** Longest input kept, in characters: well above the 4 KiB message limit, so the node (not the editor) says no. */
export const MAX_INPUT_CHARS = 8192

/** How many submitted lines up/down can recall. */
export const MAX_HISTORY = 100

/** The input line: text as code points (so the cursor never splits a surrogate pair) and recallable history. */
export interface EditorState {
  chars: readonly string[]
  /** index into `chars`, 0..chars.length */
  cursor: number
  /** oldest first */
  history: readonly string[]
  /** position while browsing history; history.length means the line being typed */
  recall: number
  /** the line being typed, kept while browsing history */
  draft: string
}

export type EditAction =
  | { type: 'insert'; text: string }
  | {
      type:
        | 'backspace'
        | 'delete'
        | 'left'
        | 'right'
        | 'home'
        | 'end'
        | 'kill-start'
        | 'kill-end'
        | 'kill-word'
        | 'history-prev'
        | 'history-next'
        | 'submit'
    }

export const EMPTY_EDITOR: EditorState = { chars: [], cursor: 0, history: [], recall: 0, draft: '' }

/** The text in the editor. */
export function editorText(state: EditorState): string {
  return state.chars.join('')
}

// Typed or pasted text must not carry control characters into a message: line breaks become spaces, the rest go.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g

/** Text as it may enter the input line. */
export function cleanInput(text: string): string {
  return text.replace(/\r\n|[\r\n\t]/g, ' ').replace(CONTROL, '')
}

const BY_CTRL: Readonly<Record<string, SimpleAction>> = {
  a: 'home',
  e: 'end',
  b: 'left',
  f: 'right',
  u: 'kill-start',
  k: 'kill-end',
  w: 'kill-word',
  h: 'backspace',
  p: 'history-prev',
  n: 'history-next'
}

type SimpleAction = Exclude<EditAction, { type: 'insert' }>['type']

/**
 * Splits typed-ahead input (several keys in one read, as from a fast typist or a terminal without bracketed paste)
 * into edits: Enter submits, known control keys edit, other control characters are dropped, the rest is text.
 */
function chunkToEdits(chunk: string): EditAction[] {
  const edits: EditAction[] = []
  let text = ''
  const flush = (): void => {
    const clean = cleanInput(text)
    if (clean.length > 0) edits.push({ type: 'insert', text: clean })
    text = ''
  }
  for (const ch of chunk) {
    const code = ch.codePointAt(0) ?? 0
    if (ch === '\r' || ch === '\n') {
      flush()
      edits.push({ type: 'submit' })
    } else if (code < 0x20 && ch !== '\t') {
      flush()
      const type = BY_CTRL[String.fromCharCode(code + 0x60)]
      if (type != null) edits.push({ type })
    } else {
      text += ch
    }
  }
  flush()
  return edits
}

/** Maps a key press (as ink reports it) to edits; empty when the input line does not handle that key. */
export function keyToEdits(input: string, key: Key): EditAction[] {
  const simple = (type: SimpleAction): EditAction[] => [{ type }]
  if (key.return) return simple('submit')
  if (key.upArrow) return simple('history-prev')
  if (key.downArrow) return simple('history-next')
  if (key.leftArrow) return simple('left')
  if (key.rightArrow) return simple('right')
  if (key.home) return simple('home')
  if (key.end) return simple('end')
  if (key.backspace) return simple('backspace')
  if (key.delete) return simple('delete')
  if (key.ctrl) {
    const type = BY_CTRL[input]
    return type == null ? [] : simple(type)
  }
  if (key.meta || key.escape || key.tab || key.pageUp || key.pageDown) {
    return []
  }
  return chunkToEdits(input)
}

function withText(state: EditorState, chars: readonly string[], cursor: number): EditorState {
  return { ...state, chars, cursor: Math.max(0, Math.min(cursor, chars.length)) }
}

function recall(state: EditorState, index: number): EditorState {
  const text = index === state.history.length ? state.draft : state.history[index]
  const chars = [...text]
  return { ...state, chars, cursor: chars.length, recall: index }
}

/** Applies an edit. `submitted` is the line the user entered (the editor is then empty again). */
export function edit(state: EditorState, action: EditAction): { state: EditorState; submitted?: string } {
  const { chars, cursor } = state
  switch (action.type) {
    case 'insert': {
      const room = MAX_INPUT_CHARS - chars.length
      const added = [...action.text].slice(0, Math.max(0, room))
      return {
        state: withText(state, [...chars.slice(0, cursor), ...added, ...chars.slice(cursor)], cursor + added.length)
      }
    }
    case 'backspace':
      return {
        state: withText(state, [...chars.slice(0, Math.max(0, cursor - 1)), ...chars.slice(cursor)], cursor - 1)
      }
    case 'delete':
      return { state: withText(state, [...chars.slice(0, cursor), ...chars.slice(cursor + 1)], cursor) }
    case 'left':
      return { state: withText(state, chars, cursor - 1) }
    case 'right':
      return { state: withText(state, chars, cursor + 1) }
    case 'home':
      return { state: withText(state, chars, 0) }
    case 'end':
      return { state: withText(state, chars, chars.length) }
    case 'kill-start':
      return { state: withText(state, chars.slice(cursor), 0) }
    case 'kill-end':
      return { state: withText(state, chars.slice(0, cursor), cursor) }
    case 'kill-word': {
      let start = cursor
      while (start > 0 && chars[start - 1] === ' ') start--
      while (start > 0 && chars[start - 1] !== ' ') start--
      return { state: withText(state, [...chars.slice(0, start), ...chars.slice(cursor)], start) }
    }
    case 'history-prev': {
      if (state.recall === 0) return { state }
      const saved = state.recall === state.history.length ? { ...state, draft: editorText(state) } : state
      return { state: recall(saved, state.recall - 1) }
    }
    case 'history-next':
      return { state: state.recall >= state.history.length ? state : recall(state, state.recall + 1) }
    case 'submit': {
      const line = editorText(state)
      const history =
        line.trim().length === 0 || state.history.at(-1) === line
          ? state.history
          : [...state.history, line].slice(-MAX_HISTORY)
      return { state: { chars: [], cursor: 0, history, recall: history.length, draft: '' }, submitted: line }
    }
  }
}
