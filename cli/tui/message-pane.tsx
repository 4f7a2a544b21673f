import { Box, Text } from 'ink'
import type { ViewLine } from './format.ts'

export interface MessagePaneProps {
  lines: readonly ViewLine[]
  /** lines hidden below the pane while scrolled back */
  below: number
}

function Line({ line }: { line: ViewLine }) {
  return (
    <Box flexShrink={0}>
      <Text wrap="wrap">
        {line.segments.map((s, i) => (
          // segments never reorder within a line, so the index is a stable key
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <Text key={i} color={s.color} bold={s.bold} dimColor={s.dim}>
            {s.text}
          </Text>
        ))}
        {line.delivered ? <Text color="green"> ✓</Text> : line.queued ? <Text color="yellow"> … queued</Text> : null}
      </Text>
    </Box>
  )
}

/** Chat lines, newest at the bottom; what does not fit is cut off at the top. */
export function MessagePane({ lines, below }: MessagePaneProps) {
  return (
    <Box flexDirection="column" flexGrow={1} flexShrink={1} paddingRight={1}>
      <Box flexDirection="column" flexGrow={1} justifyContent="flex-end" overflow="hidden">
        {lines.map((line) => (
          <Line key={line.key} line={line} />
        ))}
      </Box>
      {below > 0 ? (
        <Text dimColor inverse>
          {` ${below} newer line${below === 1 ? '' : 's'} below: PgDn `}
        </Text>
      ) : null}
    </Box>
  )
}
