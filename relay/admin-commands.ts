import { peerIdFromString } from '@libp2p/peer-id'
import { AmbiguousNameError, UnknownUserError } from '../node/errors.ts'
import { resolveUser, type User, withDisplayNames } from '../node/users.ts'
import {
  ADMIN_COMMANDS,
  type AdminCommandName,
  AdminRefusedError,
  type AdminResult,
  type UserRow,
  type VerifiedCommand
} from '../protocols/admin/index.ts'
import { validateText } from '../protocols/common/index.ts'
import { MAX_SHUTDOWN_SECONDS } from '../protocols/notice/index.ts'
import type { DirectoryEntry } from '../protocols/presence/index.ts'
import type { KnownUsers } from './known-users.ts'
import {
  addAdmin,
  addBan,
  adminRows,
  banRows,
  type RelayState,
  removeAdmin,
  removeBan,
  setSetting,
  settingRows
} from './state.ts'

/** What admin commands act on: the relay's state and, while it runs, its users. */
export interface RelayOps {
  readonly state: RelayState
  readonly known: KnownUsers
  /** false for `p2pchat relay admin` on a stopped relay: commands that act on users are refused */
  readonly running: boolean
  /** the relay host operator's PeerId: an admin that is not in the list and cannot be removed */
  readonly operator: string
  online(): DirectoryEntry[]
  /**
   * whether `peer` is one of this relay's own clients: connected, holding a slot (peer relays' users are online, but
   * not here, also when one reached someone through this relay)
   */
  here(peer: string): boolean
  /** disconnects `peer` after telling them and everyone why */
  disconnect(peer: string, how: 'kicked' | 'banned', reason: string): Promise<void>
  announce(text: string): Promise<number>
  message(peer: string, text: string): Promise<void>
  /** publishes the ban list to clients */
  publishBans(): Promise<void>
  /** persists state (snapshot, and relay.json when settings changed) before the answer goes out */
  persist(settingsChanged: boolean): Promise<void>
  /** applies a setting that takes effect without a restart */
  applyLive(key: string): void
  shutdown(seconds: number): void
}

/** One command's handler: `args` were checked against the command's arity before it runs. */
type AdminHandler = (ops: RelayOps, args: string[], signer: string, now: number) => Promise<AdminResult>

/** Every command, by name: a Record so that a new command without a handler does not compile. */
const HANDLERS: Record<AdminCommandName, AdminHandler> = {
  users: listUsers,
  say: announceText,
  msg: messageUser,
  kick: kickUser,
  ban: banUser,
  unban: unbanUser,
  bans: listBans,
  admins: listAdmins,
  add: addAdminKey,
  remove: removeAdminKey,
  get: getSettings,
  set: changeSetting,
  shutdown: scheduleShutdown
}

/** Runs one verified admin command; throws AdminRefusedError for anything refused. */
export async function executeAdmin(ops: RelayOps, cmd: VerifiedCommand, now = Date.now()): Promise<AdminResult> {
  if (ADMIN_COMMANDS[cmd.command].live && !ops.running) {
    throw new AdminRefusedError('NOT_RUNNING', `'${cmd.command}' needs the relay to be running`)
  }
  return HANDLERS[cmd.command](ops, cmd.args, cmd.signer, now)
}

/** `users`: who is online now, and how many the relay has ever seen. */
async function listUsers(ops: RelayOps): Promise<AdminResult> {
  const users: UserRow[] = ops
    .online()
    .filter((e) => ops.here(e.peerId))
    .map((e) => ({
      peerId: e.peerId,
      name: e.name,
      online: true,
      lastSeen: BigInt(e.lastSeen)
    }))
  return { message: `${users.length} user${users.length === 1 ? '' : 's'} online (${ops.known.size} known)`, users }
}

/** `say`: an announcement to every connected peer. */
async function announceText(ops: RelayOps, args: string[]): Promise<AdminResult> {
  checkText(args[0])
  const recipients = await ops.announce(args[0])
  return { message: `announced to ${recipients} peer${recipients === 1 ? '' : 's'}` }
}

/** `msg`: a message from the relay to one online user. */
async function messageUser(ops: RelayOps, args: string[]): Promise<AdminResult> {
  const user = resolveOnline(ops, args[0])
  checkText(args[1])
  await ops.message(user.peerId, args[1])
  return { message: `message sent to ${user.displayName}` }
}

/** `kick`: disconnects an online user other than the signer. */
async function kickUser(ops: RelayOps, args: string[], signer: string): Promise<AdminResult> {
  const user = resolveOnline(ops, args[0])
  if (user.peerId === signer) {
    throw new AdminRefusedError('PROTECTED_PEER', 'you cannot kick yourself')
  }
  await ops.disconnect(user.peerId, 'kicked', '')
  return { message: `${user.displayName} was disconnected` }
}

/** `ban`: records the ban, persists it, and while running publishes it and disconnects the user. */
async function banUser(ops: RelayOps, args: string[], signer: string, now: number): Promise<AdminResult> {
  const user = resolveAny(ops, args[0])
  const reason = args[1] ?? ''
  const message = addBan(ops.state, { peerId: user.peerId, name: user.name, reason, by: signer, at: now }, now)
  await ops.persist(false)
  if (ops.running) {
    await ops.publishBans()
    await ops.disconnect(user.peerId, 'banned', reason)
  }
  return { message }
}

/** `unban`: lifts a ban, persists it, and while running publishes the shorter list. */
async function unbanUser(ops: RelayOps, args: string[], _signer: string, now: number): Promise<AdminResult> {
  const target = resolveBanned(ops.state, args[0])
  const ban = removeBan(ops.state, target, now)
  await ops.persist(false)
  if (ops.running) {
    await ops.publishBans()
  }
  return { message: `${ban.name || ban.peerId} is no longer banned` }
}

/** `bans`: the ban list. */
async function listBans(ops: RelayOps): Promise<AdminResult> {
  return { message: `${ops.state.bans.length} banned`, bans: banRows(ops.state) }
}

/** `admins`: the admin list, plus the operator key that is not in it. */
async function listAdmins(ops: RelayOps): Promise<AdminResult> {
  const count = ops.state.admins.length
  return {
    message: `${count} admin${count === 1 ? '' : 's'}, plus the relay host's operator key ${ops.operator}`,
    admins: adminRows(ops.state)
  }
}

/** `add`: a new admin key, persisted. */
async function addAdminKey(ops: RelayOps, args: string[], signer: string, now: number): Promise<AdminResult> {
  const message = addAdmin(ops.state, args[0], signer, now)
  await ops.persist(false)
  return { message }
}

/** `remove`: drops an admin key, persisted; the operator key cannot be removed. */
async function removeAdminKey(ops: RelayOps, args: string[]): Promise<AdminResult> {
  if (args[0] === ops.operator) {
    throw new AdminRefusedError(
      'PROTECTED_PEER',
      'the operator key is an admin by being on the relay host; it cannot be removed'
    )
  }
  const message = removeAdmin(ops.state, args[0])
  await ops.persist(false)
  return { message }
}

/** `get`: one setting, or all of them. */
async function getSettings(ops: RelayOps, args: string[]): Promise<AdminResult> {
  return { message: args[0] == null ? 'settings' : args[0], settings: settingRows(ops.state, args[0]) }
}

/** `set`: changes a setting, persists relay.json, and applies it at once when it can be applied live. */
async function changeSetting(ops: RelayOps, args: string[]): Promise<AdminResult> {
  const { live, message } = setSetting(ops.state, args[0], args[1])
  await ops.persist(true)
  if (live && ops.running) {
    ops.applyLive(args[0])
  }
  return { message }
}

/** `shutdown`: stops the relay now or after a delay of up to MAX_SHUTDOWN_SECONDS. */
async function scheduleShutdown(ops: RelayOps, args: string[]): Promise<AdminResult> {
  const seconds = args[0] == null ? 0 : Number(args[0])
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_SHUTDOWN_SECONDS) {
    throw new AdminRefusedError('USAGE', `usage: shutdown [seconds], from 0 to ${MAX_SHUTDOWN_SECONDS}`)
  }
  ops.shutdown(seconds)
  return { message: seconds === 0 ? 'the relay is shutting down' : `the relay shuts down in ${seconds} s` }
}

function checkText(text: string): void {
  try {
    validateText(text)
  } catch (err) {
    throw new AdminRefusedError('USAGE', err instanceof Error ? err.message : String(err))
  }
}

function pick(query: string, users: Array<{ peerId: string; name: string }>): User {
  try {
    return resolveUser(query, withDisplayNames(users))
  } catch (err) {
    if (err instanceof AmbiguousNameError) {
      throw new AdminRefusedError('AMBIGUOUS_NAME', err.message)
    }
    if (err instanceof UnknownUserError) {
      throw new AdminRefusedError('UNKNOWN_USER', `no user called '${query}' on this relay`)
    }
    throw err
  }
}

/** An online user by PeerId, name#suffix or unambiguous name. */
function resolveOnline(ops: RelayOps, query: string): User {
  return pick(query, ops.online())
}

/** Anyone: a PeerId (seen or not), or the name of an online or known user, online ones first. */
function resolveAny(ops: RelayOps, query: string): User {
  const online = ops.online()
  try {
    const peerId = peerIdFromString(query).toString()
    const name = online.find((u) => u.peerId === peerId)?.name ?? ops.known.get(peerId)?.name ?? ''
    return { peerId, name, displayName: name || peerId }
  } catch {
    // not a PeerId: a name
  }
  try {
    return pick(query, online)
  } catch (err) {
    if (err instanceof AdminRefusedError && err.code === 'UNKNOWN_USER') {
      return pick(query, ops.known.list())
    }
    throw err
  }
}

function resolveBanned(state: RelayState, query: string): string {
  if (state.bans.some((b) => b.peerId === query)) {
    return query
  }
  try {
    return pick(
      query,
      state.bans.map((b) => ({ peerId: b.peerId, name: b.name || b.peerId }))
    ).peerId
  } catch (err) {
    if (err instanceof AdminRefusedError && err.code === 'UNKNOWN_USER') {
      throw new AdminRefusedError('NOT_BANNED', `nobody called '${query}' is banned`)
    }
    throw err
  }
}
