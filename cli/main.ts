import { readFileSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import type { Account } from '../node/account/account.ts'
import { ChatNode } from '../node/chat-node.ts'
import { defaultDataDir } from '../node/data-dir.ts'
import { errorCode } from '../node/errors.ts'
import {
  accountPeerId,
  exitCodeFor,
  openStartAccount,
  registerAccountCommands,
  rememberName,
  savedName
} from './account-command.ts'
import { collectMultiaddr, collectRelayAddr, nameArg } from './args.ts'
import { ChatController } from './controller.ts'
import { PEER_OLD_GENERATION_GROWTH_PERCENT, tuneHeapForTraffic } from './heap-tuning.ts'
import { jsonLine } from './json-line.ts'
import { holdOutput, lineBars, lineWriter, runLineMode } from './line-ui.ts'
import { stripControls } from './output.ts'
import { registerRelayCommands } from './relay-command.ts'
import { durationArg, sizeArg } from './transfer-args.ts'

/** Exit codes: 0 ok, 1 runtime failure, 2 bad usage. */
const EXIT_FAILURE = 1
const EXIT_USAGE = 2

/** How long the last output may take to drain before the process exits anyway (a reader that stopped reading). */
const EXIT_GRACE_MS = 2000

interface StartOptions {
  name?: string
  dataDir?: string
  listen?: string[]
  bootstrap?: string[]
  relay?: string[]
  mdns: boolean
  json?: boolean
  ephemeral?: boolean
  passphraseFile?: string
  downloadDir?: string
  maxFileSize?: number
  offerTtl?: number
  maxUploadRate?: number
  dmTtl?: number
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
}

/** Reports a failure in the mode the user asked for and sets the exit code. */
function fail(json: boolean, err: unknown, code = errorCode(err), exit = EXIT_FAILURE): void {
  const message = err instanceof Error ? err.message : String(err)
  if (json) {
    process.stdout.write(`${jsonLine({ type: 'error', code, message })}\n`)
  } else {
    process.stderr.write(`p2pchat: ${message}\n`)
  }
  process.exitCode = exit
}

/**
 * Creates the node and brings it online. `beforeStart` sees the node before any protocol runs: whoever shows its
 * events attaches there, or a DM acknowledged while the node was still starting would never be shown.
 */
async function startNode(
  name: string,
  account: Account,
  opts: StartOptions,
  beforeStart: (node: ChatNode) => void = () => {}
): Promise<ChatNode> {
  await rememberName(account, name)
  const node = await ChatNode.create({
    name,
    account,
    listen: opts.listen,
    bootstrap: opts.bootstrap,
    relays: opts.relay,
    mdns: opts.mdns,
    dmTtlMs: opts.dmTtl,
    transfers: {
      downloadDir: opts.downloadDir,
      maxFileSize: opts.maxFileSize,
      offerTtlMs: opts.offerTtl,
      maxUploadRate: opts.maxUploadRate
    }
  })
  beforeStart(node)
  await node.start()
  tuneHeapForTraffic(PEER_OLD_GENERATION_GROWTH_PERCENT)
  return node
}

async function start(opts: StartOptions): Promise<void> {
  const json = opts.json === true
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true && !json
  if (opts.ephemeral && opts.dataDir != null) {
    fail(json, new Error('--ephemeral writes nothing, so it takes no --data-dir'), 'USAGE', EXIT_USAGE)
    return
  }
  const dataDir = opts.dataDir ?? defaultDataDir()
  // the account's profile name, when there is one, so that `start` needs no --name after the first time
  const name = opts.name ?? (opts.ephemeral ? undefined : await savedName(dataDir))
  if (name == null && !interactive) {
    fail(json, new Error('--name is required when input is not a terminal'), 'NAME_REQUIRED', EXIT_USAGE)
    return
  }
  let account: Account
  try {
    // before the full-screen client takes the terminal: this may ask for the key's passphrase
    account = await openStartAccount({ ...opts, dataDir, ephemeral: opts.ephemeral === true, json })
  } catch (err) {
    fail(json, err, errorCode(err), exitCodeFor(err))
    return
  }

  const shutdown = new AbortController()
  const onSignal = (): void => shutdown.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    if (interactive) {
      // the full-screen client asks for a missing name itself, then starts and stops the node
      const { runTui } = await import('./tui/run-tui.js')
      await runTui({ name, connect: (chosen) => startNode(chosen, account, opts), signal: shutdown.signal })
    } else if (name != null) {
      await runLines(name, account, opts, json, shutdown.signal)
    }
  } catch (err) {
    fail(json, err, errorCode(err), exitCodeFor(err))
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/** Line and JSON mode: one event per output line, one command per input line. */
async function runLines(
  name: string,
  account: Account,
  opts: StartOptions,
  json: boolean,
  signal: AbortSignal
): Promise<void> {
  let controller: ChatController | undefined
  const write = lineWriter(json, () => controller, await lineBars(json))
  // events of the start itself (a DM, a resumed transfer) are held and shown right after `ready`
  const held = holdOutput(write)
  const node = await startNode(name, account, opts, (created) => {
    controller = new ChatController(created, held.write)
    controller.attach()
  })
  if (controller == null) {
    throw new Error('the node started without its controller')
  }
  // whoever reads our output went away (`| head`, a closed terminal): leave as if the input ended
  const outputGone = new AbortController()
  const onOutputError = (err: NodeJS.ErrnoException): void => {
    outputGone.abort(err)
  }
  process.stdout.on('error', onOutputError)
  write(controller.ready())
  held.release()
  await runLineMode(controller, AbortSignal.any([signal, outputGone.signal]))
  await controller.settle()
  controller.dispose()
  await node.stop()
  process.stdout.off('error', onOutputError)
}

async function showId(opts: { dataDir?: string; json?: boolean }): Promise<void> {
  try {
    const peerId = await accountPeerId(opts.dataDir ?? defaultDataDir())
    process.stdout.write(opts.json ? `${jsonLine({ type: 'id', peerId })}\n` : `${peerId}\n`)
  } catch (err) {
    fail(opts.json === true, err)
  }
}

function program(json: boolean): Command {
  const cli = new Command('p2pchat')
    .description('Peer-to-peer chat: no server on a LAN, direct messages nobody else sees')
    .version(version(), '-v, --version')
    // in JSON mode the error is reported as a JSON event by main(); a bad value is echoed, so strip controls
    .configureOutput({ outputError: (text, write) => (json ? undefined : write(stripControls(text))) })
    .showHelpAfterError(json ? false : '(run p2pchat --help for usage)')
    .exitOverride()

  cli
    .command('start')
    .description('join the chat (full-screen in a terminal, line mode when piped, JSON with --json)')
    .option('-n, --name <name>', 'your name for this session (asked for if omitted in a terminal)', nameArg)
    .option('-d, --data-dir <dir>', 'where your identity and history live', undefined)
    .option(
      '-l, --listen <multiaddr>',
      'address to listen on, repeatable (default /ip4/0.0.0.0/tcp/0)',
      collectMultiaddr
    )
    .option('-b, --bootstrap <multiaddr>', 'peer to connect to and stay connected with, repeatable', collectMultiaddr)
    .option(
      '-r, --relay <multiaddr>',
      'relay to stay reachable through, ending in /p2p/<relay PeerId>; repeatable',
      collectRelayAddr
    )
    .option('--no-mdns', 'do not look for peers on the LAN')
    .option('--json', 'machine-readable events, one JSON object per line')
    .option('--ephemeral', 'a throwaway identity; nothing at all is written to disk')
    .option(
      '--passphrase-file <file>',
      'read the passphrase of an encrypted key from this file (or P2PCHAT_PASSPHRASE)'
    )
    .option('--download-dir <dir>', 'where accepted files are saved (default ~/Downloads)')
    .option('--max-file-size <size>', 'largest file you accept, e.g. 2GB (default 100GB)', sizeArg)
    .option('--offer-ttl <duration>', 'how long your offers wait for an answer, e.g. 10m (default 1h)', durationArg)
    .option('--dm-ttl <duration>', 'how long a DM waits for a recipient who is away, e.g. 2d (default 7d)', durationArg)
    .option(
      '--max-upload-rate <size>',
      'cap each upload at this many bytes per second, e.g. 5MB (default none)',
      sizeArg
    )
    .exitOverride()
    .action(start)

  cli
    .command('id')
    .description('print your PeerId (creates the identity on first use)')
    .option('-d, --data-dir <dir>', 'where your identity lives')
    .option('--json', 'print {"type":"id","peerId":...}')
    .exitOverride()
    .action(showId)

  registerRelayCommands(cli)
  registerAccountCommands(cli)
  return cli
}

/** Entry point used by bin/p2pchat.js. */
export async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json')
  try {
    await program(json).parseAsync(argv, { from: 'user' })
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; every parse error is a usage error
      if (err.exitCode !== 0 && json) {
        fail(true, new Error(err.message.replace(/^error: /, '')), 'USAGE', EXIT_USAGE)
      }
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_USAGE
      return
    }
    fail(json, err)
  }
  await exitOnceOutputIsOut()
}

/**
 * Ends the process as soon as everything it printed is out. The command is done, its node stopped: what would
 * otherwise hold the process open are timers libraries leave behind after their stop (libp2p's address manager
 * arms a 1 s one as its listeners close, gossipsub's next heartbeat is up to 1 s away), which cost every exit a
 * second. Sockets still closing are the kernel's to finish: their data is already written to it.
 */
async function exitOnceOutputIsOut(): Promise<void> {
  setTimeout(() => process.exit(), EXIT_GRACE_MS).unref()
  await Promise.all([drained(process.stdout), drained(process.stderr)])
  process.exit()
}

/** Resolves once what was written to `stream` before now has been handed to the OS (or the stream failed). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.errored != null || !stream.writable) {
      resolve()
      return
    }
    // a reader that went away (EPIPE) fails this write: nothing is left to drain then
    stream.once('error', () => resolve())
    stream.write('', () => resolve())
  })
}
