import { AdminRefusedError } from './errors.ts'

/** One admin command: how many arguments it takes and whether it needs a running relay. */
export interface AdminCommandSpec {
  minArgs: number
  maxArgs: number
  usage: string
  description: string
  /** only meaningful while the relay runs (it acts on connected users) */
  live: boolean
}

/** Every admin command, the same from a client (`/admin ...`) and on the relay host (`p2pchat relay admin ...`). */
export const ADMIN_COMMANDS = {
  users: { minArgs: 0, maxArgs: 0, usage: 'users', description: 'list the users online on the relay', live: true },
  say: { minArgs: 1, maxArgs: 1, usage: 'say <text>', description: 'announce <text> to everyone', live: true },
  msg: {
    minArgs: 2,
    maxArgs: 2,
    usage: 'msg <user> <text>',
    description: 'send <text> to one user as the relay',
    live: true
  },
  kick: { minArgs: 1, maxArgs: 1, usage: 'kick <user>', description: 'disconnect a user', live: true },
  ban: {
    minArgs: 1,
    maxArgs: 2,
    usage: 'ban <user> [reason]',
    description: 'disconnect a user and refuse them from now on',
    live: false
  },
  unban: { minArgs: 1, maxArgs: 1, usage: 'unban <user>', description: 'lift a ban', live: false },
  bans: { minArgs: 0, maxArgs: 0, usage: 'bans', description: 'list banned users', live: false },
  admins: { minArgs: 0, maxArgs: 0, usage: 'admins', description: 'list the admins', live: false },
  add: { minArgs: 1, maxArgs: 1, usage: 'add <peerId>', description: 'make a user an admin', live: false },
  remove: {
    minArgs: 1,
    maxArgs: 1,
    usage: 'remove <peerId>',
    description: "take away a user's admin rights (never the last admin)",
    live: false
  },
  get: { minArgs: 0, maxArgs: 1, usage: 'get [key]', description: 'show settings and metadata', live: false },
  set: { minArgs: 2, maxArgs: 2, usage: 'set <key> <value>', description: 'change a setting', live: false },
  shutdown: {
    minArgs: 0,
    maxArgs: 1,
    usage: 'shutdown [seconds]',
    description: 'tell users, save state and stop the relay',
    live: true
  }
} as const satisfies Record<string, AdminCommandSpec>

export type AdminCommandName = keyof typeof ADMIN_COMMANDS

/** True for a known command name. */
export function isAdminCommandName(name: string): name is AdminCommandName {
  return Object.hasOwn(ADMIN_COMMANDS, name)
}

/** Throws AdminRefusedError (UNKNOWN_COMMAND or USAGE) unless `command` exists and takes this many arguments. */
export function checkCommand(command: string, args: readonly string[]): AdminCommandName {
  if (!isAdminCommandName(command)) {
    throw new AdminRefusedError('UNKNOWN_COMMAND', `unknown admin command '${command}'`)
  }
  const spec: AdminCommandSpec = ADMIN_COMMANDS[command]
  if (args.length < spec.minArgs || args.length > spec.maxArgs) {
    throw new AdminRefusedError('USAGE', `usage: ${spec.usage}`)
  }
  return command
}
