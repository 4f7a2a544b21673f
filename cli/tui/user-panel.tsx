import { Box, Text } from 'ink'
import type { User } from '../../node/users.ts'
import { nameColor, safe } from './format.ts'

export interface UserPanelProps {
  users: readonly User[]
  selfId: string
  width: number
}

/** Who is online; equal names carry their #suffix, and you are marked. */
export function UserPanel({ users, selfId, width }: UserPanelProps) {
  return (
    <Box
      flexDirection="column"
      width={width}
      flexShrink={0}
      borderStyle="round"
      borderDimColor
      paddingX={1}
      overflow="hidden"
    >
      <Text bold>{`Online (${users.length})`}</Text>
      {users.map((u) =>
        u.peerId === selfId ? (
          <Text key={u.peerId} wrap="truncate-end" bold>
            {safe(u.displayName)}
            <Text dimColor> (you)</Text>
          </Text>
        ) : (
          <Text key={u.peerId} wrap="truncate-end" color={nameColor(u.peerId)}>
            {safe(u.displayName)}
          </Text>
        )
      )}
    </Box>
  )
}
