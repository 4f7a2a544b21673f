import { Box, Text, useInput, useWindowSize } from 'ink'
import type { ChatNode } from '../../node/chat-node.ts'
import { sanitize } from '../output.ts'
import { InputLine } from './input-line.tsx'
import { MessagePane } from './message-pane.tsx'
import { useChat } from './use-chat.ts'
import { UserPanel } from './user-panel.tsx'
import { visibleLines } from './view-state.ts'

/** Below this many columns the online panel would squeeze messages too much: /users still lists people. */
const MIN_COLUMNS_FOR_PANEL = 60
const PANEL_WIDTH = 24

export interface ChatScreenProps {
  node: ChatNode
  /** set while the node is shutting down */
  leaving: boolean
  onQuit: () => void
}

/** The chat: header, messages with the online panel beside them, input line at the bottom. */
export function ChatScreen({ node, leaving, onQuit }: ChatScreenProps) {
  const { columns, rows } = useWindowSize()
  const { view, users, room, submit, scroll } = useChat(node)
  // header and input line take a row each; the pane never shows more lines than it has rows
  const paneRows = Math.max(1, rows - 2)
  const page = Math.max(1, paneRows - 1)

  useInput(
    (_input, key) => {
      if (key.pageUp) scroll(page)
      if (key.pageDown) scroll(-page)
    },
    { isActive: !leaving }
  )

  const selfId = node.peerId.toString()
  const me = users.find((u) => u.peerId === selfId)?.displayName ?? node.name
  const showPanel = columns >= MIN_COLUMNS_FOR_PANEL
  return (
    <Box flexDirection="column" width={columns} height={rows}>
      <Box flexShrink={0}>
        <Text wrap="truncate-end">
          <Text bold color="cyan">
            p2pchat
          </Text>
          <Text dimColor>{` · ${me} · ${users.length} online · `}</Text>
          <Text color={room == null ? undefined : 'magenta'}>{room == null ? 'lobby' : `group ${sanitize(room)}`}</Text>
          <Text dimColor>{' · /help for commands · PgUp/PgDn scroll'}</Text>
          {leaving ? <Text color="yellow"> · leaving…</Text> : null}
        </Text>
      </Box>
      <Box flexDirection="row" flexGrow={1} flexShrink={1}>
        <MessagePane lines={visibleLines(view, paneRows)} below={view.scroll} />
        {showPanel ? <UserPanel users={users} selfId={selfId} width={PANEL_WIDTH} /> : null}
      </Box>
      <InputLine
        prompt={room == null ? '> ' : `${sanitize(room)}> `}
        active={!leaving}
        onSubmit={(line) => {
          if (submit(line) === 'quit') onQuit()
        }}
      />
    </Box>
  )
}
