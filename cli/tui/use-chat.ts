import { useEffect, useMemo, useState } from 'react'
import type { ChatNode } from '../../node/chat-node.ts'
import type { User } from '../../node/users.ts'
import { parseCommand } from '../commands.ts'
import { ChatController } from '../controller.ts'
import type { OutputEvent } from '../output.ts'
import { applyEvent, EMPTY_VIEW, scrollBy, type ViewState } from './view-state.ts'

/**
 * Presence has no event for a display name changing (a second `alice` makes both `alice#....`), so the online
 * panel also re-reads the list now and then; cheap, the list is small.
 */
const USERS_REFRESH_MS = 2000

export interface Chat {
  view: ViewState
  users: readonly User[]
  /** the group plain text goes to (`/room`), or undefined for the lobby */
  room?: string
  /** runs one input line; returns 'quit' when the user asked to leave */
  submit: (line: string) => 'quit' | undefined
  scroll: (delta: number) => void
}

/** The chat session behind the screen: the same ChatController as line mode, its events reduced into view state. */
export function useChat(node: ChatNode): Chat {
  const [view, setView] = useState<ViewState>(EMPTY_VIEW)
  const [users, setUsers] = useState<readonly User[]>(() => node.users())
  const [room, setRoom] = useState<string | undefined>(undefined)

  const controller = useMemo(() => {
    const show = (event: OutputEvent): void => {
      const names = (peerId: string, fallback: string): string => chat.displayName(peerId, fallback)
      setView((s) => applyEvent(s, event, names))
      if (event.type === 'join' || event.type === 'leave') {
        setUsers(node.users())
      }
      if (event.type === 'room') {
        setRoom(event.room?.name)
      }
    }
    const chat = new ChatController(node, show)
    return { chat, show }
  }, [node])

  useEffect(() => {
    controller.chat.attach()
    controller.show(controller.chat.ready())
    const timer = setInterval(() => setUsers(node.users()), USERS_REFRESH_MS)
    return () => {
      clearInterval(timer)
      controller.chat.dispose()
    }
  }, [controller, node])

  return {
    view,
    users,
    room,
    submit: (line) => {
      setView((s) => scrollBy(s, -s.scroll))
      return controller.chat.run(parseCommand(line))
    },
    scroll: (delta) => setView((s) => scrollBy(s, delta))
  }
}
