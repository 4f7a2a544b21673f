import { render } from 'ink'
import type { ChatNode } from '../../node/chat-node.ts'
import { App } from './app.tsx'

export interface TuiInit {
  /** the name from --name; the TUI asks for one when missing */
  name?: string
  /** creates and starts the node under the chosen name */
  connect: (name: string) => Promise<ChatNode>
  /** aborted on SIGINT/SIGTERM: leave as if the user typed /quit */
  signal: AbortSignal
}

/**
 * Full-screen client. Resolves once the user left and the node is stopped; rejects (with the terminal already
 * restored) if the node could not start or the screen failed.
 */
export async function runTui(init: TuiInit): Promise<void> {
  let started: Promise<ChatNode> | undefined
  const connect = (name: string): Promise<ChatNode> => {
    started = init.connect(name)
    return started
  }
  // ink's signal-exit re-raises SIGINT/SIGTERM when it is the only listener left, which kills the process before
  // the graceful leave; a listener of our own for the screen's lifetime leaves the signal to `init.signal`.
  const hold = (): void => {}
  process.on('SIGINT', hold)
  process.on('SIGTERM', hold)
  const app = render(<App name={init.name} connect={connect} signal={init.signal} />, {
    alternateScreen: true,
    // we only get here with a terminal on both ends; ink would otherwise go non-interactive whenever CI is set
    interactive: true,
    // Ctrl-C is a key like any other here: it leaves gracefully instead of killing the process
    exitOnCtrlC: false
  })
  try {
    await app.waitUntilExit()
  } finally {
    app.cleanup()
    process.off('SIGINT', hold)
    process.off('SIGTERM', hold)
    // whatever ended the screen, never vanish without telling the others (stop() is a no-op when already stopped)
    const node = await started?.catch(() => undefined)
    await node?.stop()
  }
}
