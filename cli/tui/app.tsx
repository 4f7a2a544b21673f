import { Box, Text, useApp, useInput } from 'ink'
import { useEffect, useRef, useState } from 'react'
import type { ChatNode } from '../../node/chat-node.ts'
import { ChatScreen } from './chat-screen.tsx'
import { NamePrompt } from './name-prompt.tsx'

type Phase =
  | { kind: 'name' }
  | { kind: 'connecting'; name: string }
  | { kind: 'chat'; node: ChatNode; leaving: boolean }

export interface AppProps {
  /** the name from --name; asked for when missing */
  name?: string
  /** creates and starts the node */
  connect: (name: string) => Promise<ChatNode>
  /** aborted on SIGINT/SIGTERM */
  signal: AbortSignal
}

/** The whole full-screen client: name prompt, then the chat, then a graceful leave. */
export function App({ name, connect, signal }: AppProps) {
  const { exit } = useApp()
  const [phase, setPhase] = useState<Phase>(name == null ? { kind: 'name' } : { kind: 'connecting', name })
  // quitting must see the phase as it is now, whichever key or signal asks
  const phaseRef = useRef(phase)
  phaseRef.current = phase

  const quit = (): void => {
    const now = phaseRef.current
    if (now.kind !== 'chat') {
      // a node still connecting is stopped by runTui once it is up
      exit()
      return
    }
    if (now.leaving) {
      return
    }
    setPhase({ ...now, leaving: true })
    // stop() announces the leave, so the others see it at once rather than after a timeout
    now.node.stop().then(
      () => exit(),
      (err: unknown) => exit(err)
    )
  }
  const quitRef = useRef(quit)
  quitRef.current = quit

  useInput((input, key) => {
    if (key.ctrl && (input === 'c' || input === 'd')) quit()
  })

  useEffect(() => {
    const onAbort = (): void => quitRef.current()
    if (signal.aborted) onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    return () => signal.removeEventListener('abort', onAbort)
  }, [signal])

  useEffect(() => {
    if (phase.kind !== 'connecting') {
      return
    }
    let live = true
    connect(phase.name).then(
      (node) => {
        if (live && phaseRef.current.kind === 'connecting') setPhase({ kind: 'chat', node, leaving: false })
      },
      (err: unknown) => exit(err instanceof Error ? err : new Error(String(err)))
    )
    return () => {
      live = false
    }
  }, [phase, connect, exit])

  switch (phase.kind) {
    case 'name':
      return <NamePrompt onName={(chosen) => setPhase({ kind: 'connecting', name: chosen })} />
    case 'connecting':
      return (
        <Box paddingX={1} paddingY={1}>
          <Text dimColor>{`Starting p2pchat as ${phase.name}…`}</Text>
        </Box>
      )
    case 'chat':
      return <ChatScreen node={phase.node} leaving={phase.leaving} onQuit={quit} />
  }
}
