import { ACCOUNT_HELP, type AccountCommand, parseAccountCommand } from './account-commands.ts'
import { ADMIN_HELP, parseAdminLine } from './admin-command.ts'
import { GROUP_HELP, type GroupCommand, parseGroupCommand } from './group-commands.ts'
import { parseTransferCommand, TRANSFER_HELP, type TransferCommand } from './transfer-commands.ts'

/** What one line of user input asks for. Parsing is pure: the session decides what to do with it. */
export type Command =
  | TransferCommand
  | { type: 'broadcast'; text: string }
  | { type: 'users' }
  | { type: 'msg'; to: string; text: string }
  | { type: 'outbox' }
  | { type: 'admin'; command: string; args: string[]; relay?: string }
  | { type: 'help' }
  | { type: 'quit' }
  | { type: 'none' }
  | { type: 'invalid'; code: 'UNKNOWN_COMMAND' | 'USAGE'; message: string }
  | AccountCommand
  | GroupCommand

/** One line per command, for /help and the README. */
export const HELP: ReadonlyArray<[string, string]> = [
  ['<text>', 'send <text> to everyone'],
  ['/users', 'list who is online'],
  ['/msg <name|peerId> <text>', 'send an end-to-end encrypted DM; to someone away, it waits until they are back'],
  ['/outbox', 'list your DMs still waiting for their recipients'],
  ...TRANSFER_HELP,
  ['/admin [@<relay>] <command>', 'run a command on your (first, or the named) relay, if you are one of its admins'],
  ...ADMIN_HELP,
  ...ACCOUNT_HELP,
  ...GROUP_HELP,
  ['/help', 'show this help'],
  ['/quit', 'leave the chat (also Ctrl-C or end of input)']
]

/** Parses one input line. `//text` sends a message that starts with a slash. */
export function parseCommand(line: string): Command {
  const input = line.replace(/\r?\n$/, '')
  if (input.trim().length === 0) {
    return { type: 'none' }
  }
  if (input.startsWith('//')) {
    return { type: 'broadcast', text: input.slice(1) }
  }
  if (!input.startsWith('/')) {
    return { type: 'broadcast', text: input }
  }
  const match = /^\/(\S+)\s*(.*)$/s.exec(input)
  const name = match?.[1].toLowerCase() ?? ''
  const rest = match?.[2] ?? ''
  switch (name) {
    case 'users':
    case 'who':
      return { type: 'users' }
    case 'msg':
    case 'dm': {
      const args = /^(\S+)\s+(.*\S.*)$/s.exec(rest)
      if (args == null) {
        return { type: 'invalid', code: 'USAGE', message: 'usage: /msg <name|peerId> <text>' }
      }
      return { type: 'msg', to: args[1], text: args[2] }
    }
    case 'outbox':
      return { type: 'outbox' }
    case 'admin': {
      const admin = parseAdminLine(rest)
      return admin.ok
        ? { type: 'admin', command: admin.command, args: admin.args, relay: admin.relay }
        : { type: 'invalid', code: 'USAGE', message: admin.message }
    }
    case 'help':
    case '?':
      return { type: 'help' }
    case 'quit':
    case 'exit':
      return { type: 'quit' }
    default:
      return (
        parseAccountCommand(name, rest) ??
        parseTransferCommand(name, rest) ??
        parseGroupCommand(name, rest) ?? {
          type: 'invalid',
          code: 'UNKNOWN_COMMAND',
          message: `unknown command /${name} (type /help for the list)`
        }
      )
  }
}
