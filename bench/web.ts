/**
 * The web client: page load to ready (the peer online through the relay) and to the first lobby message received,
 * the lobby round trip from a page to a terminal peer and back against the same round trip between two terminal
 * peers through the same relay in the same run, and the gzipped size of what the page loads. Drives the system
 * Chromium; without it the benchmark is skipped, except under CI=true where it fails.
 * Run: npm run bench:web (`--quick` for fewer samples); `npm run bench` includes it.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { ChatPage, closeBrowsers, launchBrowser } from '../test/e2e/harness/browser.ts'
import { type PeerProcess, spawnPeer } from '../test/e2e/harness/peers.ts'
import { cleanup } from '../test/e2e/harness/process.ts'
import { initRelay, killRelays, newIdentity, type RelayProcess, startRelay } from '../test/e2e/harness/relay.ts'
import { inCi, MissingToolError, toolMissing } from '../test/e2e/harness/tools.ts'
import { runBench } from './peers.ts'
import { type Figure, figure, formatFigures } from './results.ts'
import { summarize } from './stats.ts'

export interface WebBenchInit {
  /** page loads measured */
  loads: number
  /** round trips each way */
  roundTrips: number
}

export const WEB_FULL: WebBenchInit = { loads: 5, roundTrips: 50 }
export const WEB_QUICK: WebBenchInit = { loads: 2, roundTrips: 10 }

const WEB_DIR = new URL('../web/', import.meta.url)

/** In the page: posts `text` from the message box, resolves with the ms until the log shows `reply`. */
const ROUND_TRIP = `(text, reply) => new Promise((resolve) => {
  const log = document.getElementById('log')
  const started = performance.now()
  const seen = () => log.textContent.includes(reply)
  const observer = new MutationObserver(() => {
    if (seen()) {
      observer.disconnect()
      resolve(performance.now() - started)
    }
  })
  observer.observe(log, { childList: true, subtree: true, characterData: true })
  document.getElementById('message').value = text
  document.getElementById('compose').requestSubmit()
})`

/** gzip -9 sizes of the files the page loads, in KB. */
function bundleKb(): number {
  const bytes = ['main.js', 'index.html', 'style.css']
    .map((f) => gzipSync(readFileSync(fileURLToPath(new URL(f, WEB_DIR))), { level: 9 }).byteLength)
    .reduce((a, b) => a + b, 0)
  return bytes / 1000
}

async function webRelay(): Promise<{ relay: RelayProcess; webUrl: string }> {
  const listen = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws']
  const { dataDir } = await initRelay({ admins: [(await newIdentity()).peerId], listen })
  const relay = await startRelay({ dataDir })
  const webUrl = relay.events.find((e) => e.type === 'ready')?.webUrl
  if (typeof webUrl !== 'string') {
    throw new Error('the relay serves no web client: run npm run build first')
  }
  return { relay, webUrl }
}

async function relayedPeer(name: string, relay: RelayProcess): Promise<PeerProcess> {
  const peer = await spawnPeer({ name, extraArgs: ['--relay', relay.addrOn()] })
  await peer.waitFor('relay', (e) => e.state === 'reserved')
  return peer
}

/** Bob answers every lobby line `ping <n>` with `pong <n>`. */
function echo(bob: PeerProcess): () => void {
  let stop = false
  void (async () => {
    let from = bob.events.length
    while (!stop) {
      const ping = await bob
        .waitFor('message', (m) => m.scope === 'lobby' && m.text.startsWith('ping '), { from, timeoutMs: 3_600_000 })
        .catch(() => undefined)
      if (ping == null) {
        return
      }
      from = bob.events.indexOf(ping) + 1
      bob.send(`pong ${ping.text.slice(5)}`)
    }
  })()
  return () => {
    stop = true
  }
}

/** Opens a page and joins; ms to ready and to the first lobby message bob posts once it sees the page. */
async function pageLoad(webUrl: string, bob: PeerProcess, n: number): Promise<{ ready: number; first: number }> {
  const browser = await launchBrowser()
  try {
    const started = performance.now()
    const page = await ChatPage.open(browser, webUrl)
    const peerId = await page.join(`page${n}`)
    const ready = performance.now() - started
    await bob.waitForUsers((users) => users.some((u) => u.peerId === peerId), 60_000)
    bob.send(`welcome ${n}`)
    await page.waitForLog(`welcome ${n}`, 60_000)
    return { ready, first: performance.now() - started }
  } finally {
    await closeBrowsers()
  }
}

async function measure(init: WebBenchInit): Promise<Figure[]> {
  const { relay, webUrl } = await webRelay()
  const bob = await relayedPeer('bob', relay)
  const carol = await relayedPeer('carol', relay)
  const loads: Array<{ ready: number; first: number }> = []
  for (let i = 0; i < init.loads; i++) {
    loads.push(await pageLoad(webUrl, bob, i))
  }
  const stopEcho = echo(bob)
  const browser = await launchBrowser()
  const page = await ChatPage.open(browser, webUrl)
  const pageId = await page.join('alice')
  await bob.waitForUsers((users) => users.some((u) => u.peerId === pageId), 60_000)
  await carol.waitForUsers((users) => users.some((u) => u.peerId === bob.peerId), 60_000)
  const fromPage: number[] = []
  const fromCli: number[] = []
  for (let i = 0; i < init.roundTrips; i++) {
    const ms: unknown = await page.page.evaluate(`(${ROUND_TRIP})('ping p${i}', 'pong p${i}')`)
    fromPage.push(Number(ms))
    const started = performance.now()
    const from = carol.events.length
    carol.send(`ping c${i}`)
    await carol.waitFor('message', (m) => m.text === `pong c${i}`, { from, timeoutMs: 60_000 })
    fromCli.push(performance.now() - started)
  }
  stopEcho()
  const p50 = (xs: number[]): number => summarize(xs).p50
  return [
    figure('web.load.ready', p50(loads.map((l) => l.ready)), 'ms'),
    figure('web.load.first-message', p50(loads.map((l) => l.first)), 'ms'),
    figure('web.lobby.rtt.p50', p50(fromPage), 'ms', { name: 'terminal peer to terminal peer', value: p50(fromCli) }),
    figure('web.bundle.gzip', bundleKb(), 'KB')
  ]
}

/** The web client's figures, or none (with the reason on stderr) when Chromium is missing outside CI. */
export async function benchWeb(init: WebBenchInit): Promise<Figure[]> {
  const why = await toolMissing('chromium')
  if (why != null) {
    if (inCi()) {
      throw new MissingToolError(`CI=true and the web benchmark ${why}`)
    }
    process.stderr.write(`web client benchmark skipped: ${why}\n`)
    return []
  }
  try {
    return await measure(init)
  } finally {
    await closeBrowsers()
    await cleanup()
    await killRelays()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runBench(async () => {
    const figures = await benchWeb(process.argv.includes('--quick') ? WEB_QUICK : WEB_FULL)
    if (figures.length > 0) {
      process.stdout.write(`\nweb client (Chromium, loopback)\n${formatFigures(figures)}\n`)
    }
  })
}
