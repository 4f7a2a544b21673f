import { Box, Text } from 'ink'
import { useState } from 'react'
import { MAX_NAME_LENGTH, validateName } from '../../protocols/common/index.ts'
import { InputLine } from './input-line.tsx'

export interface NamePromptProps {
  onName: (name: string) => void
}

/** Asks for the session's name until it follows the naming rules. */
export function NamePrompt({ onName }: NamePromptProps) {
  const [error, setError] = useState<string>()
  return (
    <Box flexDirection="column" paddingX={1} paddingY={1}>
      <Text bold color="cyan">
        p2pchat
      </Text>
      <Text
        dimColor
      >{`Pick a name others will see (1-${MAX_NAME_LENGTH} characters, no spaces or '#'). Ctrl-C quits.`}</Text>
      <Box marginTop={1}>
        <InputLine
          prompt="Your name for this session: "
          history={false}
          onSubmit={(line) => {
            try {
              onName(validateName(line.trim()))
            } catch (err) {
              setError(err instanceof Error ? err.message : String(err))
            }
          }}
        />
      </Box>
      {error == null ? null : <Text color="red">{`! ${error}`}</Text>}
    </Box>
  )
}
