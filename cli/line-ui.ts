import { createInterface } from 'node:readline'
import { parseCommand } from './commands.ts'
import type { ChatController } from './controller.ts'
import { type OutputEvent, toJsonLine, toTextLine } from './output.ts'
import { ProgressThrottle, TransferBars } from './transfer-progress.ts'

/** Bars for transfer progress in line mode in a terminal; none in JSON mode or when output is piped. */
export async function lineBars(json: boolean): Promise<TransferBars | undefined> {
  return !json && process.stdout.isTTY === true ? TransferBars.open(process.stdout) : undefined
}

/** Writes events to stdout: JSON objects or human lines, one per event; transfer progress as `bars` if given. */
export function lineWriter(
  json: boolean,
  names: () => ChatController | undefined,
  bars?: TransferBars
): (event: OutputEvent) => void {
  const throttle = new ProgressThrottle()
  return (event) => {
    if (bars?.take(event) === true || (!json && event.type === 'progress' && !throttle.allow(event))) {
      return
    }
    const controller = names()
    const text = json
      ? toJsonLine(event)
      : toTextLine(event, (peerId, fallback) => controller?.displayName(peerId, fallback) ?? fallback)
    if (bars != null) {
      bars.print(text)
    } else {
      process.stdout.write(`${text}\n`)
    }
  }
}

/** Events held back until `release()`, then written in order; after that `write` passes straight through. */
export function holdOutput(write: (event: OutputEvent) => void): {
  write: (event: OutputEvent) => void
  release: () => void
} {
  let held: OutputEvent[] | undefined = []
  return {
    write: (event) => {
      if (held == null) {
        write(event)
      } else {
        held.push(event)
      }
    },
    release: () => {
      const events = held ?? []
      held = undefined
      for (const event of events) {
        write(event)
      }
    }
  }
}

/** Line mode: each input line is a command or a message. Resolves when the user quits or input ends. */
export function runLineMode(controller: ChatController, shutdownSignal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, terminal: false })
    let done = false
    const finish = (): void => {
      if (!done) {
        done = true
        rl.close()
        resolve()
      }
    }
    rl.on('line', (line) => {
      if (controller.run(parseCommand(line)) === 'quit') {
        finish()
      }
    })
    rl.on('close', finish)
    shutdownSignal.addEventListener('abort', finish, { once: true })
  })
}
