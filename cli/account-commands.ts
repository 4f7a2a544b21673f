import { parseScope, type RetentionScope } from '../node/retention.ts'

/** Input lines about the account: history, retention, blocking, destroying. Parsing is pure, like commands.ts. */
export type AccountCommand =
  /** `target` undefined means the lobby; otherwise a user (online, known, or a PeerId) */
  | { type: 'history'; target?: string; limit: number }
  /** no `policy`: show the policies; `scope` undefined: every scope */
  | { type: 'retention'; scope?: RetentionScope; policy?: string }
  | { type: 'block'; who: string }
  | { type: 'unblock'; who: string }
  | { type: 'blocked' }
  | { type: 'destroy'; confirmed: boolean }

type Invalid = { type: 'invalid'; code: 'USAGE'; message: string }

/** Messages /history shows when no count is given, and the most it shows at once. */
export const DEFAULT_HISTORY = 20
export const MAX_HISTORY = 1000

/** One line per command, for /help and the README. */
export const ACCOUNT_HELP: ReadonlyArray<[string, string]> = [
  ['/history [user|lobby] [n]', `show the last n kept messages (default ${DEFAULT_HISTORY}) of the lobby or a DM`],
  ['/retention [scope] [policy]', 'show or set how long messages are kept (scope: lobby, dm, groups)'],
  ['/block <user>', 'hide a user and refuse their messages and connections'],
  ['/unblock <user>', 'lift a block'],
  ['/blocked', 'list blocked users'],
  ['/destroy', 'delete your account everywhere (asks to confirm)']
]

/** Parses the account commands; undefined for any other command name. */
export function parseAccountCommand(name: string, rest: string): AccountCommand | Invalid | undefined {
  const args = rest
    .trim()
    .split(/\s+/)
    .filter((a) => a.length > 0)
  switch (name) {
    case 'history':
    case 'log':
      return parseHistory(args)
    case 'retention':
      return parseRetentionCommand(args)
    case 'block':
    case 'unblock':
      return args.length === 1
        ? { type: name, who: args[0] }
        : { type: 'invalid', code: 'USAGE', message: `usage: /${name} <name|name#suffix|peerId>` }
    case 'blocked':
      return { type: 'blocked' }
    case 'destroy':
      if (args.length === 0) {
        return { type: 'destroy', confirmed: false }
      }
      return args.length === 1 && ['confirm', 'yes', '--yes'].includes(args[0].toLowerCase())
        ? { type: 'destroy', confirmed: true }
        : { type: 'invalid', code: 'USAGE', message: 'usage: /destroy, then /destroy confirm' }
    default:
      return undefined
  }
}

function parseHistory(args: string[]): AccountCommand | Invalid {
  const usage: Invalid = { type: 'invalid', code: 'USAGE', message: 'usage: /history [user|lobby] [n]' }
  const count = (text: string): number | undefined => {
    if (!/^\d{1,7}$/.test(text)) {
      return undefined
    }
    const n = Number(text)
    return n >= 1 ? Math.min(n, MAX_HISTORY) : undefined
  }
  if (args.length > 2) {
    return usage
  }
  if (args.length === 0) {
    return { type: 'history', limit: DEFAULT_HISTORY }
  }
  // one argument that is a number is a count for the lobby; a user named like a number: /history 42 20
  const single = args.length === 1 ? count(args[0]) : undefined
  if (single != null) {
    return { type: 'history', limit: single }
  }
  const limit = args.length === 2 ? count(args[1]) : DEFAULT_HISTORY
  if (limit == null) {
    return usage
  }
  const target = args[0].toLowerCase() === 'lobby' ? undefined : args[0]
  return { type: 'history', ...(target == null ? {} : { target }), limit }
}

function parseRetentionCommand(args: string[]): AccountCommand | Invalid {
  if (args.length === 0) {
    return { type: 'retention' }
  }
  const scope = parseScope(args[0])
  if (args.length === 1) {
    // `/retention dm` shows one scope's policy the same way `/retention` shows all; a policy sets every scope
    return scope == null ? { type: 'retention', policy: args[0] } : { type: 'retention' }
  }
  if (args.length === 2 && scope != null) {
    return { type: 'retention', scope, policy: args[1] }
  }
  return {
    type: 'invalid',
    code: 'USAGE',
    message: 'usage: /retention [lobby|dm|groups] [none|session|forever|<duration like 24h, 7d>]'
  }
}
