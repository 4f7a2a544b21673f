import { type Command, Option } from 'commander'
import { Account } from '../node/account/account.ts'
import { exportAccount, importAccount } from '../node/account/backup.ts'
import {
  ConfirmationRequiredError,
  InvalidPassphraseFileError,
  InvalidRetentionError,
  PassphraseRequiredError,
  UnknownSettingError
} from '../node/account/errors.ts'
import { changeSettings, wipeOffline } from '../node/account/offline.ts'
import { ChatNode } from '../node/chat-node.ts'
import { defaultDataDir } from '../node/data-dir.ts'
import { errorCode } from '../node/errors.ts'
import { parseRetention, parseRetentionSpec, parseScope, type RetentionSettings } from '../node/retention.ts'
import { validateName } from '../protocols/common/index.ts'
import { type AccountOutputEvent, accountEvent, accountTextLine, retentionEvent } from './account-output.ts'
import { collectMultiaddr, nameArg } from './args.ts'
import {
  canPrompt,
  choosePassphrase,
  confirm,
  NEW_PASSPHRASE_ENV,
  PASSPHRASE_ENV,
  passphraseSource,
  requirePassphrase
} from './passphrase.ts'

const EXIT_FAILURE = 1
const EXIT_USAGE = 2

/** Longest `account destroy --wait`: ten minutes is past any sensible wait for peers to come online. */
const MAX_DESTROY_WAIT_S = 600

/** Errors that mean the command line was wrong or incomplete: exit 2, like commander's usage errors. */
const USAGE_ERRORS = [
  InvalidRetentionError.name,
  PassphraseRequiredError.name,
  InvalidPassphraseFileError.name,
  ConfirmationRequiredError.name,
  UnknownSettingError.name,
  'InvalidNameError',
  'UsageError'
]

class UsageError extends Error {
  static override readonly name = 'UsageError'
  override readonly name = 'UsageError'
}

/** The exit code for a failure: 2 for bad or missing input, 1 for everything else. */
export function exitCodeFor(err: unknown): number {
  return err instanceof Error && USAGE_ERRORS.includes(err.name) ? EXIT_USAGE : EXIT_FAILURE
}

/** Reports a failure in the mode asked for, with the stable code, and sets the exit code. */
export function report(json: boolean, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err)
  const code = err instanceof UsageError ? 'USAGE' : errorCode(err)
  if (json) {
    process.stdout.write(`${JSON.stringify({ type: 'error', code, message })}\n`)
  } else {
    process.stderr.write(`p2pchat: ${message}\n`)
  }
  process.exitCode = exitCodeFor(err)
}

function print(json: boolean, event: AccountOutputEvent): void {
  const text = json
    ? JSON.stringify(event)
    : accountTextLine(
        event,
        (peerId, name) => name || peerId,
        (t) => t
      )
  process.stdout.write(`${text}\n`)
}

interface CommonOptions {
  dataDir?: string
  json?: boolean
  passphraseFile?: string
}

/** Runs an account subcommand, turning any failure into a report. */
function action<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args) => {
    // commander passes the positional arguments, then the options, then the command itself
    const opts = args.at(-2) as CommonOptions | undefined
    try {
      await run(...args)
    } catch (err) {
      report(opts?.json === true, err)
    }
  }
}

/** The name `start` uses when none is given: the account's, if there is an account (errors surface later). */
export async function savedName(dataDir: string): Promise<string | undefined> {
  return (await Account.inspect(dataDir).catch(() => undefined))?.name
}

/** The account `start` runs as: ephemeral, the existing one (asking for its passphrase), or a new one. */
export async function openStartAccount(opts: {
  dataDir: string
  ephemeral: boolean
  passphraseFile?: string
  json: boolean
}): Promise<Account> {
  if (opts.ephemeral) {
    return Account.ephemeral()
  }
  const source = passphraseSource(opts, opts.json)
  if (opts.passphraseFile != null) {
    // read it now even if the key turns out unencrypted: a wrong path in a script deserves an error
    await source()
  }
  if (await Account.exists(opts.dataDir)) {
    return Account.openOrCreate(opts.dataDir, source)
  }
  // a passphrase given by file or env var on first run encrypts the new key; no prompt, starting stays one step
  const given = opts.passphraseFile != null || (process.env[PASSPHRASE_ENV] ?? '') !== ''
  return Account.create(opts.dataDir, given ? { passphrase: await source() } : {})
}

/** Makes the first name an account is started with its profile name. */
export async function rememberName(account: Account, name: string): Promise<void> {
  if (account.settings.name == null) {
    account.settings.name = name
    await account.save()
  }
}

/** The PeerId for `p2pchat id`, readable without the passphrase; creates an account on first use. */
export async function accountPeerId(dataDir: string): Promise<string> {
  if (await Account.exists(dataDir)) {
    return (await Account.inspect(dataDir)).peerId
  }
  return (await Account.create(dataDir)).peerId
}

/** `p2pchat account ...`: create, show, set, export, import, destroy. */
export function registerAccountCommands(cli: Command): void {
  const account = cli
    .command('account')
    .description('your account: identity, profile, retention, backups; destroy it')
    .exitOverride()
  registerProfileCommands(account)
  registerBackupCommands(account)
  registerDestroyCommand(account)
}

/** The options every account command takes. */
function common(cmd: Command): Command {
  return cmd
    .option('-d, --data-dir <dir>', 'where the account lives')
    .option('--passphrase-file <file>', `read the passphrase from this file's first line (or set ${PASSPHRASE_ENV})`)
    .option('--json', 'print JSON events')
    .exitOverride()
}

/** `account create`, `show` and `set`. */
function registerProfileCommands(account: Command): void {
  common(account.command('create').description('create your identity, profile and settings'))
    .option('-n, --name <name>', 'your profile name', nameArg)
    .option(
      '-r, --retention <policy>',
      'none | session | forever | a duration like 24h, 7d; or lobby=24h,dm=7d,groups=none'
    )
    .option('--no-passphrase', 'store the key unencrypted, without asking')
    .action(
      action(async (opts: CommonOptions & { name?: string; retention?: string; passphrase: boolean }) => {
        const json = opts.json === true
        const dir = opts.dataDir ?? defaultDataDir()
        const retention = opts.retention == null ? undefined : parseRetentionSpec(opts.retention)
        const passphrase = opts.passphrase
          ? await choosePassphrase(opts.passphraseFile, PASSPHRASE_ENV, json)
          : undefined
        await Account.create(dir, { name: opts.name, retention, passphrase })
        print(json, accountEvent(await Account.inspect(dir)))
      })
    )

  common(account.command('show').description('show your account (no passphrase needed)')).action(
    action(async (opts: CommonOptions) => {
      print(opts.json === true, accountEvent(await Account.inspect(opts.dataDir ?? defaultDataDir())))
    })
  )

  common(
    account
      .command('set <key> [value]')
      .description(
        'change a setting: name <N> | retention <policy or scope=policy,...> | retention.<lobby|dm|groups> <policy> | passphrase [off]'
      )
  )
    .option('--new-passphrase-file <file>', `for 'set passphrase': the new one (or set ${NEW_PASSPHRASE_ENV})`)
    .action(
      action(async (key: string, value: string | undefined, opts: CommonOptions & { newPassphraseFile?: string }) => {
        await setSetting(opts.dataDir ?? defaultDataDir(), key, value, opts)
      })
    )
}

/** `account export` and `import`: encrypted backups. */
function registerBackupCommands(account: Command): void {
  common(
    account.command('export <file>').description('write an encrypted backup of your identity and settings')
  ).action(
    action(async (file: string, opts: CommonOptions) => {
      const json = opts.json === true
      const source = passphraseSource(opts, json)
      const acct = await Account.open(opts.dataDir ?? defaultDataDir(), source)
      const passphrase = acct.encrypted
        ? ((await source()) as string)
        : await requirePassphrase(opts.passphraseFile, json, 'backup')
      await exportAccount(acct, file, passphrase)
      print(json, { type: 'exported', peerId: acct.peerId, file })
    })
  )

  common(account.command('import <file>').description('restore a backup into an empty data directory')).action(
    action(async (file: string, opts: CommonOptions) => {
      const json = opts.json === true
      const dir = opts.dataDir ?? defaultDataDir()
      const source = passphraseSource(opts, json)
      await importAccount(dir, file, async () => {
        const passphrase = await source()
        if (passphrase == null) {
          throw new PassphraseRequiredError(`give the backup's passphrase: --passphrase-file F or ${PASSPHRASE_ENV}`)
        }
        return passphrase
      })
      print(json, accountEvent(await Account.inspect(dir)))
    })
  )
}

function registerDestroyCommand(account: Command): void {
  common(
    account
      .command('destroy')
      .description('tell peers your account is gone (signed notice), then delete every file of it')
  )
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--no-notice', 'only delete the files (no key or passphrase needed, peers are not told)')
    .option('-b, --bootstrap <multiaddr>', 'peer to tell, repeatable', collectMultiaddr)
    .option('-l, --listen <multiaddr>', 'address to listen on while telling peers, repeatable', collectMultiaddr)
    .option('--no-mdns', 'do not look for peers on the LAN')
    .addOption(new Option('--wait <seconds>', 'how long to look for peers to tell').default('5'))
    .action(action(destroy))
}

async function setSetting(
  dir: string,
  key: string,
  value: string | undefined,
  opts: CommonOptions & { newPassphraseFile?: string }
): Promise<void> {
  const json = opts.json === true
  const need = (): string => {
    if (value == null) {
      throw new UsageError(`usage: p2pchat account set ${key} <value>`)
    }
    return value
  }
  if (key === 'name') {
    const name = validateName(need())
    await changeSettings(dir, (s) => {
      s.name = name
    })
    print(json, accountEvent(await Account.inspect(dir)))
    return
  }
  if (key === 'retention' || key.startsWith('retention.')) {
    const scope = key === 'retention' ? undefined : parseScope(key.slice('retention.'.length))
    if (key !== 'retention' && scope == null) {
      throw new UnknownSettingError(`unknown setting ${key}: retention.lobby, retention.dm or retention.groups`)
    }
    const changes: Partial<RetentionSettings> =
      scope == null ? parseRetentionSpec(need()) : { [scope]: parseRetention(need()) }
    const { settings, deleted } = await changeSettings(dir, (s) => {
      s.retention = { ...s.retention, ...changes }
    })
    print(json, retentionEvent(settings.retention, deleted))
    return
  }
  if (key === 'passphrase') {
    const acct = await Account.open(dir, passphraseSource(opts, json))
    let next: string | undefined
    if (value === 'off' || value === 'none') {
      next = undefined
    } else if (value != null) {
      throw new UsageError(
        "usage: p2pchat account set passphrase [off] (the new passphrase is never an argument: it would show in 'ps')"
      )
    } else {
      next = await choosePassphrase(opts.newPassphraseFile, NEW_PASSPHRASE_ENV, json)
      if (next == null && !canPrompt(json)) {
        throw new PassphraseRequiredError(`give the new passphrase: --new-passphrase-file F or ${NEW_PASSPHRASE_ENV}`)
      }
    }
    await acct.setPassphrase(next)
    print(json, accountEvent(await Account.inspect(dir)))
    return
  }
  throw new UnknownSettingError(`unknown setting '${key}': name, retention, retention.<scope> or passphrase`)
}

interface DestroyOptions extends CommonOptions {
  yes?: boolean
  notice: boolean
  bootstrap?: string[]
  listen?: string[]
  mdns: boolean
  wait: string
}

async function destroy(opts: DestroyOptions): Promise<void> {
  const json = opts.json === true
  const dir = opts.dataDir ?? defaultDataDir()
  const wait = Number(opts.wait)
  if (!Number.isFinite(wait) || wait < 0 || wait > MAX_DESTROY_WAIT_S) {
    throw new UsageError(`--wait takes a number of seconds between 0 and ${MAX_DESTROY_WAIT_S}`)
  }
  const info = await Account.inspect(dir)
  if (opts.yes !== true) {
    const sure =
      canPrompt(json) &&
      (await confirm(
        `This deletes the account ${info.name ?? ''} (${info.peerId}) in ${dir} for good: its key, messages and settings.\nType 'destroy' to go ahead: `,
        'destroy'
      ))
    if (!sure) {
      throw new ConfirmationRequiredError('not destroyed: confirm in a terminal, or pass --yes')
    }
  }
  if (!opts.notice) {
    const result = await wipeOffline(dir)
    print(json, {
      type: 'destroyed',
      peerId: result.peerId,
      notified: 0,
      removedDir: result.removedDir,
      kept: result.kept,
      dataDir: dir
    })
    return
  }
  const acct = await Account.open(dir, passphraseSource(opts, json))
  const node = await ChatNode.create({
    name: acct.settings.name ?? 'p2pchat',
    account: acct,
    listen: opts.listen ?? ['/ip4/0.0.0.0/tcp/0'],
    bootstrap: opts.bootstrap,
    mdns: opts.mdns
  })
  await node.start()
  const result = await node.destroy({ waitForPeersMs: wait * 1000 })
  print(json, { type: 'destroyed', peerId: acct.peerId, ...result, dataDir: dir })
}
