import { unquotePath } from './transfer-args.ts'

/** The file transfer commands, as parsed from a line. */
export type TransferCommand =
  | { type: 'send'; to: string; path: string }
  | { type: 'accept'; id: string; dir?: string }
  | { type: 'decline'; id: string }
  | { type: 'cancel'; id: string }
  | { type: 'transfers' }

type Invalid = { type: 'invalid'; code: 'USAGE'; message: string }

/** /help lines for the transfer commands. */
export const TRANSFER_HELP: ReadonlyArray<[string, string]> = [
  ['/send <name|peerId> <path>', 'offer a file; it is sent once they accept'],
  ['/accept <id> [dir]', 'take an offered file (into the download folder, or dir)'],
  ['/decline <id>', 'turn down an offered file'],
  ['/transfers', 'list transfers with their state and progress'],
  ['/cancel <id>', 'stop a transfer, whichever side you are on']
]

function usage(text: string): Invalid {
  return { type: 'invalid', code: 'USAGE', message: `usage: ${text}` }
}

/** Parses `/<name> <rest>` if it is a transfer command; undefined if it is not one. */
export function parseTransferCommand(name: string, rest: string): TransferCommand | Invalid | undefined {
  const args = rest.trim()
  switch (name) {
    case 'send':
    case 'file': {
      const m = /^(\S+)\s+(.*\S.*)$/s.exec(args)
      return m == null ? usage('/send <name|peerId> <path>') : { type: 'send', to: m[1], path: unquotePath(m[2]) }
    }
    case 'accept': {
      const m = /^(\S+)(?:\s+(.*\S.*))?$/s.exec(args)
      if (m == null) {
        return usage('/accept <id> [dir]')
      }
      return m[2] == null ? { type: 'accept', id: m[1] } : { type: 'accept', id: m[1], dir: unquotePath(m[2]) }
    }
    case 'decline':
    case 'cancel': {
      return /^\S+$/.test(args) ? { type: name, id: args } : usage(`/${name} <id>`)
    }
    case 'transfers':
    case 'files':
      return { type: 'transfers' }
    default:
      return undefined
  }
}
