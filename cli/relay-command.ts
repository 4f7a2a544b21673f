import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { type Command, InvalidArgumentError } from 'commander'
import { defaultDataDir } from '../node/data-dir.ts'
import { errorCode } from '../node/errors.ts'
import { describeSuppressed } from '../protocols/common/index.ts'
import type { RelayServer } from '../relay/relay-server.ts'
import type { TlsFiles } from '../relay/web-client.ts'
import { adminOutput, adminText, splitAdminWords } from './admin-command.ts'
import { collectMultiaddr } from './args.ts'
import { RELAY_OLD_GENERATION_GROWTH_PERCENT, tuneHeapForTraffic } from './heap-tuning.ts'
import { jsonLine } from './json-line.ts'
import { sanitize } from './sanitize.ts'

const EXIT_FAILURE = 1
const EXIT_USAGE = 2

/** Where a relay lives unless --data-dir says otherwise: next to the client's folder, never inside it. */
function defaultRelayDir(): string {
  return join(dirname(defaultDataDir()), 'p2pchat-relay')
}

function out(json: boolean, event: Record<string, unknown>, text: string): void {
  process.stdout.write(`${json ? jsonLine(event) : text}\n`)
}

function fail(json: boolean, err: unknown, code = errorCode(err), exit = EXIT_FAILURE): void {
  const message = err instanceof Error ? err.message : String(err)
  if (json) {
    process.stdout.write(`${jsonLine({ type: 'error', code, message })}\n`)
  } else {
    process.stderr.write(`p2pchat relay: ${message}\n`)
  }
  process.exitCode = exit
}

function collect(value: string, previous: string[] = []): string[] {
  if (value.trim().length === 0) {
    throw new InvalidArgumentError('must not be empty')
  }
  return [...previous, value]
}

interface InitOptions {
  dataDir?: string
  name: string
  description?: string
  admin?: string[]
  listen?: string[]
  json?: boolean
}

async function init(opts: InitOptions): Promise<void> {
  const json = opts.json === true
  try {
    // the relay's code loads only for relay commands: a chat peer's start never pays for it
    const { initRelay } = await import('../relay/init.ts')
    const { peerId, dataDir } = await initRelay({
      dataDir: opts.dataDir ?? defaultRelayDir(),
      name: opts.name,
      description: opts.description,
      admins: opts.admin ?? [],
      listen: opts.listen
    })
    out(
      json,
      { type: 'relay-created', peerId, dataDir },
      `created relay ${peerId} in ${dataDir}\nsettings: ${join(dataDir, 'relay.json')}\nstart it with: p2pchat relay start --data-dir ${dataDir}`
    )
  } catch (err) {
    fail(json, err, errorCode(err), errorCode(err) === 'INVALID_CONFIG' ? EXIT_USAGE : EXIT_FAILURE)
  }
}

interface StartOptions {
  dataDir?: string
  listen?: string[]
  peer?: string[]
  json?: boolean
  tlsCert?: string
  tlsKey?: string
}

/** `--peer` addresses, which must name the peer relay: `<multiaddr>/p2p/<PeerId>`. */
async function peerRelayAddrs(addrs: string[]): Promise<string[]> {
  // loaded here, not at start: a chat peer never loads the relay's modules
  const { peerOfAddr } = await import('../relay/config.ts')
  for (const addr of addrs) {
    if (peerOfAddr(addr) == null) {
      throw new InvalidArgumentError(`--peer ${addr}: give the relay's address ending in /p2p/<its PeerId>`)
    }
  }
  return addrs
}

/** The PEM files of --tls-cert and --tls-key, which come together or not at all. */
async function tlsFiles(opts: StartOptions): Promise<TlsFiles | undefined> {
  if ((opts.tlsCert == null) !== (opts.tlsKey == null)) {
    throw new InvalidArgumentError('--tls-cert and --tls-key go together')
  }
  if (opts.tlsCert == null || opts.tlsKey == null) {
    return undefined
  }
  return { cert: await readFile(opts.tlsCert, 'utf8'), key: await readFile(opts.tlsKey, 'utf8') }
}

async function start(opts: StartOptions): Promise<void> {
  const json = opts.json === true
  let server: RelayServer
  try {
    const tls = await tlsFiles(opts)
    const peers = await peerRelayAddrs(opts.peer ?? [])
    // this process is the relay: size V8's heap for many connections before any of them arrives
    const { tuneRelayHeap } = await import('../relay/process-limits.ts')
    tuneRelayHeap()
    const { lightenEventListeners } = await import('../relay/light-listeners.ts')
    lightenEventListeners()
    const { RelayServer } = await import('../relay/relay-server.ts')
    server = await RelayServer.open({ dataDir: opts.dataDir ?? defaultRelayDir(), listen: opts.listen, tls, peers })
  } catch (err) {
    if (err instanceof InvalidArgumentError) {
      fail(json, err, 'USAGE', EXIT_USAGE)
      return
    }
    fail(json, err)
    return
  }
  const stopped = new Promise<string>((resolve) => {
    server.addEventListener('stopped', (evt) => resolve(evt.detail.reason))
  })
  printServerState(server, json)
  printPeerRequests(server, json)
  const onSignal = (): void => void server.stop('signal')
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    await server.start()
    tuneHeapForTraffic(RELAY_OLD_GENERATION_GROWTH_PERCENT)
  } catch (err) {
    fail(json, err)
    await server.stop('failed to start').catch(() => {})
    return
  }
  const reason = await stopped
  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)
  out(json, { type: 'stopped', reason }, `relay stopped (${reason}); state saved`)
}

/** Prints the relay's own lifecycle: ready with its addresses, warnings, snapshots and an admin-ordered shutdown. */
function printServerState(server: RelayServer, json: boolean): void {
  server.addEventListener('ready', ({ detail }) =>
    out(
      json,
      { type: 'ready', role: 'relay', ...detail },
      `relay ${detail.name} (${detail.peerId})\nlistening on:\n${detail.addrs.map((a) => `  ${a}`).join('\n')}\nclients connect with: p2pchat start --relay <one of the addresses above>${detail.webUrl == null ? '' : `\nin a browser: ${detail.webUrl}`}`
    )
  )
  server.addEventListener('warning', ({ detail }) => {
    if (json) {
      out(json, { type: 'warning', ...detail }, '')
    } else {
      process.stderr.write(`warning: ${detail.message}\n`)
    }
  })
  server.addEventListener('snapshot', ({ detail }) => {
    if (json) {
      out(json, { type: 'snapshot', ...detail }, '')
    }
  })
  server.addEventListener('peer-relay', ({ detail }) =>
    out(json, { type: 'peer-relay', ...detail }, `peer relay ${detail.peerId}: ${detail.state}`)
  )
  server.addEventListener('shutdown', ({ detail }) =>
    out(json, { type: 'shutdown', ...detail }, `shutting down in ${detail.seconds} s (admin request)`)
  )
}

/** Prints what peers asked of the relay: admin requests, their suppressed floods, and what the relay refused them. */
function printPeerRequests(server: RelayServer, json: boolean): void {
  // a refused request was never verified: what it asked for, and our message quoting it, are a peer's text
  server.addEventListener('admin', ({ detail: d }) =>
    out(
      json,
      { type: 'admin-request', ...d },
      `admin ${d.peer}: ${sanitize([d.command, ...d.args].join(' ')) || '(unreadable request)'} -> ${d.ok ? 'ok' : `REFUSED ${d.code}`}: ${sanitize(d.message)}`
    )
  )
  server.addEventListener('admin-suppressed', ({ detail: d }) =>
    out(
      json,
      { type: 'admin-suppressed', count: d.count, peers: d.sources, top: d.top },
      `admin: ${describeSuppressed(d, 'refused requests')}`
    )
  )
  server.addEventListener('refused', ({ detail: d }) =>
    out(json, { type: 'refused', ...d }, `refused ${d.what} from ${d.peerId}: ${d.reason}`)
  )
}

async function admin(words: string[], opts: { dataDir?: string; json?: boolean }): Promise<void> {
  const json = opts.json === true
  const input = splitAdminWords(words)
  if (!input.ok) {
    fail(json, new Error(input.message.replace('/admin', 'p2pchat relay admin')), 'USAGE', EXIT_USAGE)
    return
  }
  try {
    const { runLocalAdmin } = await import('../relay/local-admin.ts')
    const reply = await runLocalAdmin({ dataDir: opts.dataDir ?? defaultRelayDir(), ...input })
    const event = adminOutput(input.command, reply)
    out(json, { ...event }, adminText(event))
  } catch (err) {
    fail(json, err)
  }
}

/** Adds `p2pchat relay init|start|admin`. */
export function registerRelayCommands(cli: Command): void {
  const relay = cli.command('relay').description('run a relay that connects people across networks').exitOverride()
  relay
    .command('init')
    .description('create a relay: its identity, settings file and first admins')
    .requiredOption('--name <name>', 'the relay name people see')
    .option('--description <text>', 'a line about the relay')
    .option('--admin <peerId>', 'an admin (repeatable; at least one; `p2pchat id` prints yours)', collect)
    .option('-d, --data-dir <dir>', 'where the relay keeps its identity and state')
    .option('-l, --listen <multiaddr>', 'address to listen on, repeatable (saved in relay.json)', collectMultiaddr)
    .option('--json', 'print {"type":"relay-created",...}')
    .exitOverride()
    .action(init)
  relay
    .command('start')
    .description('run the relay (stops on Ctrl-C, SIGTERM or /admin shutdown, saving its state)')
    .option('-d, --data-dir <dir>', 'the relay data directory made by relay init')
    .option(
      '-l, --listen <multiaddr>',
      'address to listen on instead of those in relay.json, repeatable',
      collectMultiaddr
    )
    .option(
      '--peer <multiaddr>',
      'another relay to federate with (ending in /p2p/<its PeerId>), repeatable, besides relay.json peers',
      collectMultiaddr
    )
    .option('--tls-cert <file>', 'certificate (PEM): serve the web client over HTTPS and WebSockets over TLS (WSS)')
    .option('--tls-key <file>', "the certificate's private key (PEM)")
    .option('--json', 'machine-readable events, one JSON object per line')
    .exitOverride()
    .action(start)
  relay
    .command('admin')
    .description(
      'run an admin command on the relay of this host (users, say, msg, kick, ban, unban, bans, admins, add, remove, get, set, shutdown)'
    )
    .argument('<command...>', 'the command and its arguments')
    .option('-d, --data-dir <dir>', 'the relay data directory')
    .option('--json', 'print the answer as JSON')
    .exitOverride()
    .action(admin)
}
