import type { BrowserTransferFiles } from './transfer-files.ts'
import { byId, type ChatView } from './view.ts'

/** `/send` and `/file`, with or without a name (the rest of the line, a path, means nothing in a page). */
const SEND_COMMAND = /^\/(?:send|file)(?:\s+(\S+))?(?:\s.*)?$/s

/**
 * Sending a file from the page: `/send [name]` or the Send a file button opens the browser's file picker, and the
 * picked file is offered with the terminal's `/send`, its path being the key the page keeps the file under.
 */
export class FilePicker {
  private readonly input = byId('file', HTMLInputElement)
  /** who the file being picked goes to */
  private to: string | undefined

  constructor(
    private readonly files: BrowserTransferFiles,
    private readonly view: ChatView,
    private readonly send: (to: string, path: string) => void
  ) {
    byId('send-file', HTMLButtonElement).addEventListener('click', () => this.open(undefined))
    this.input.addEventListener('change', () => {
      const file = this.input.files?.[0]
      const to = this.to
      this.input.value = ''
      if (file != null && to != null) {
        this.send(to, this.files.pick(file))
      }
    })
  }

  /** Takes a typed `/send` line; false for any other line. */
  command(line: string): boolean {
    const m = SEND_COMMAND.exec(line.trim())
    if (m == null) {
      return false
    }
    this.open(m[1])
    return true
  }

  /** Opens the picker for a file to `to`, or to the peer of the DM on screen. */
  private open(to: string | undefined): void {
    const active = this.view.conversations.active
    const target = to ?? (active.kind === 'dm' ? active.target : undefined)
    if (target == null) {
      this.view.system('! /send <name> opens a file picker; in a direct message conversation /send alone does')
      return
    }
    this.to = target
    this.input.click()
  }
}
