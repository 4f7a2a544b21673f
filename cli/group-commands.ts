/** Group commands of the input line. Parsing is pure, like the rest of commands.ts. */
export type GroupCommand =
  | { type: 'group-create'; name: string; private: boolean; description: string }
  | { type: 'group-edit'; group: string; name?: string; description?: string }
  | { type: 'group-rekey'; group: string }
  | { type: 'groups' }
  | { type: 'join'; group: string }
  | { type: 'leave'; group: string }
  | { type: 'members'; group: string }
  | { type: 'group-send'; group: string; text: string }
  /** no group: show the current room; 'lobby' goes back to the lobby */
  | { type: 'room'; group?: string }
  | { type: 'invite'; group: string; user: string }
  | { type: 'invites' }
  | { type: 'accept'; id: string }
  | { type: 'decline'; id: string }
  | { type: 'member-op'; op: 'remove' | 'promote' | 'demote'; group: string; user: string }

type Invalid = { type: 'invalid'; code: 'USAGE'; message: string }

/** One line per group command, for /help and the README. */
export const GROUP_HELP: ReadonlyArray<[string, string]> = [
  ['/group create <name> [--private] [--description "..."]', 'create a group (private: by invitation, encrypted)'],
  ['/groups', 'list your groups and the public groups around'],
  ['/join <group>', 'join a public group'],
  ['/g <group> <text>', 'send <text> to a group'],
  ['/room <group>|lobby', 'send plain text to that group (or back to the lobby)'],
  ['/members <group>', 'list the members of a group'],
  ['/leave <group>', 'leave a group'],
  ['/invite <group> <user>', 'invite a user (admins)'],
  ['/invites', 'list your pending invitations'],
  ['/accept <id>', 'accept an invitation'],
  ['/decline <id>', 'decline an invitation'],
  ['/remove <group> <user>', 'remove a member (admins); a private group gets a new key'],
  ['/promote <group> <user>', 'make a member admin (admins)'],
  ['/demote <group> <user>', 'make an admin a plain member again (owner)'],
  ['/group edit <group> [--name "..."] [--description "..."]', "change a group's name or description (owner)"],
  ['/group rekey <group>', "rotate a private group's key (admins)"]
]

const usage = (message: string): Invalid => ({ type: 'invalid', code: 'USAGE', message: `usage: ${message}` })

/**
 * Splits arguments on spaces; "double quotes" keep spaces together (\" and \\ inside them).
 * Returns undefined for an unterminated quote.
 */
export function tokenize(input: string): string[] | undefined {
  const out: string[] = []
  let i = 0
  while (i < input.length) {
    while (i < input.length && /\s/.test(input[i])) {
      i++
    }
    if (i >= input.length) {
      break
    }
    let token = ''
    if (input[i] === '"') {
      i++
      for (;;) {
        if (i >= input.length) {
          return undefined
        }
        const c = input[i++]
        if (c === '"') {
          break
        }
        token += c === '\\' && i < input.length ? input[i++] : c
      }
    } else {
      while (i < input.length && !/\s/.test(input[i])) {
        token += input[i++]
      }
    }
    out.push(token)
  }
  return out
}

/** The first argument (quoted or not) and the untouched rest of the line. */
function firstAndRest(input: string): [string, string] | undefined {
  const m = /^\s*(?:"((?:[^"\\]|\\.)*)"|(\S+))\s+(.*\S.*)$/s.exec(input)
  if (m == null) {
    return undefined
  }
  return [m[1] != null ? m[1].replace(/\\(.)/g, '$1') : m[2], m[3]]
}

/** The rest of the line as one argument (group names may have spaces), without quotes if quoted. */
function wholeArgument(input: string): string | undefined {
  const trimmed = input.trim()
  if (trimmed.startsWith('"')) {
    const tokens = tokenize(trimmed)
    return tokens?.length === 1 ? tokens[0] : undefined
  }
  return trimmed.replace(/\s+/g, ' ')
}

/** Reads `--flag value` options; returns undefined on an unknown flag or a missing value. */
function options(
  tokens: string[],
  known: { values: string[]; switches: string[] }
): { positional: string[]; values: Map<string, string>; switches: Set<string> } | undefined {
  const positional: string[] = []
  const values = new Map<string, string>()
  const switches = new Set<string>()
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]
    if (known.switches.includes(t)) {
      switches.add(t)
    } else if (known.values.includes(t)) {
      if (i + 1 >= tokens.length) {
        return undefined
      }
      values.set(t, tokens[++i])
    } else if (t.startsWith('--')) {
      return undefined
    } else {
      positional.push(t)
    }
  }
  return { positional, values, switches }
}

/** Parses a group command; undefined when `name` is not one. */
export function parseGroupCommand(name: string, rest: string): GroupCommand | Invalid | undefined {
  switch (name) {
    case 'group':
      return parseGroupSubcommand(rest)
    case 'groups':
      return { type: 'groups' }
    case 'invites':
      return { type: 'invites' }
    case 'g': {
      const parts = firstAndRest(rest)
      return parts == null ? usage('/g <group> <text>') : { type: 'group-send', group: parts[0], text: parts[1] }
    }
    case 'room':
    case 'switch': {
      const arg = wholeArgument(rest)
      return arg === undefined
        ? usage('/room <group>|lobby')
        : arg === ''
          ? { type: 'room' }
          : { type: 'room', group: arg }
    }
    case 'join':
    case 'leave':
    case 'members': {
      const arg = wholeArgument(rest)
      return arg ? { type: name, group: arg } : usage(`/${name} <group>`)
    }
    case 'accept':
    case 'decline': {
      const arg = wholeArgument(rest)
      return arg ? { type: name, id: arg } : usage(`/${name} <invitation id> (see /invites)`)
    }
    case 'invite':
    case 'remove':
    case 'kick':
    case 'promote':
    case 'demote': {
      const args = tokenize(rest)
      const op = name === 'kick' ? 'remove' : name
      if (args?.length !== 2) {
        return usage(`/${op} <group> <user>`)
      }
      return op === 'invite'
        ? { type: 'invite', group: args[0], user: args[1] }
        : { type: 'member-op', op, group: args[0], user: args[1] }
    }
    default:
      return undefined
  }
}

function parseGroupSubcommand(rest: string): GroupCommand | Invalid {
  const tokens = tokenize(rest)
  const [sub, ...args] = tokens ?? []
  switch (sub) {
    case 'create': {
      const o = options(args, { values: ['--description'], switches: ['--private'] })
      if (o == null || o.positional.length !== 1) {
        return usage('/group create <name> [--private] [--description "..."] (quote names with spaces)')
      }
      return {
        type: 'group-create',
        name: o.positional[0],
        private: o.switches.has('--private'),
        description: o.values.get('--description') ?? ''
      }
    }
    case 'edit': {
      const o = options(args, { values: ['--name', '--description'], switches: [] })
      if (o == null || o.positional.length !== 1 || o.values.size === 0) {
        return usage('/group edit <group> [--name "..."] [--description "..."]')
      }
      return {
        type: 'group-edit',
        group: o.positional[0],
        ...(o.values.has('--name') ? { name: o.values.get('--name') } : {}),
        ...(o.values.has('--description') ? { description: o.values.get('--description') } : {})
      }
    }
    case 'rekey': {
      const arg = wholeArgument(rest.trim().slice('rekey'.length))
      return arg ? { type: 'group-rekey', group: arg } : usage('/group rekey <group>')
    }
    default:
      return usage('/group create|edit|rekey ... (see /help)')
  }
}
