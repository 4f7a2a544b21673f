import { Box, Text, useInput, usePaste } from 'ink'
import { useRef, useState } from 'react'
import { cleanInput, type EditAction, type EditorState, EMPTY_EDITOR, edit, keyToEdits } from './line-editor.ts'

export interface InputLineProps {
  prompt: string
  onSubmit: (line: string) => void
  /** whether up/down recall earlier lines @default true */
  history?: boolean
  /** whether keys go to this line @default true */
  active?: boolean
}

/** An editable input line with a visible cursor, emacs-style keys and (optionally) history. */
export function InputLine({ prompt, onSubmit, history = true, active = true }: InputLineProps) {
  const [state, setState] = useState<EditorState>(EMPTY_EDITOR)
  // keys can arrive faster than React re-renders: edit the latest state, not the last rendered one
  const current = useRef(state)

  const apply = (actions: EditAction[]): void => {
    for (const action of actions) {
      if (!history && (action.type === 'history-prev' || action.type === 'history-next')) {
        continue
      }
      const result = edit(current.current, action)
      current.current = result.state
      setState(result.state)
      if (result.submitted != null) {
        onSubmit(result.submitted)
      }
    }
  }
  useInput((input, key) => apply(keyToEdits(input, key)), { isActive: active })
  usePaste((text) => apply([{ type: 'insert', text: cleanInput(text) }]), { isActive: active })

  const { chars, cursor } = state
  return (
    <Box flexShrink={0}>
      <Text wrap="wrap">
        <Text bold color="cyan">
          {prompt}
        </Text>
        {chars.slice(0, cursor).join('')}
        <Text inverse>{chars[cursor] ?? ' '}</Text>
        {chars.slice(cursor + 1).join('')}
      </Text>
    </Box>
  )
}
