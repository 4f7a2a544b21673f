import { createHash, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { Browser } from 'playwright-core'
import { expect } from 'vitest'
import {
  ChatPage,
  initRelay,
  launchBrowser,
  newIdentity,
  type PeerProcess,
  type RelayProcess,
  spawnPeer,
  startRelay
} from './harness.ts'

/** A relay on loopback with TCP for terminal clients and WebSockets for pages (and the page itself). */
export async function webRelay(extraArgs: string[] = []): Promise<{ relay: RelayProcess; webUrl: string }> {
  const listen = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws']
  const { dataDir } = await initRelay({ admins: [(await newIdentity()).peerId], listen })
  const relay = await startRelay({ dataDir, extraArgs })
  const ready = relay.events.find((e) => e.type === 'ready')
  const webUrl = String(ready?.webUrl)
  expect(webUrl).toMatch(/^https?:\/\/127\.0\.0\.1:\d+\/$/)
  return { relay, webUrl }
}

/** A terminal client that reaches others only through the relay. */
export async function cliPeer(name: string, relay: RelayProcess, extraArgs: string[] = []): Promise<PeerProcess> {
  const peer = await spawnPeer({ name, extraArgs: ['--relay', relay.addrOn(), ...extraArgs] })
  await peer.waitFor('relay', (e) => e.state === 'reserved')
  return peer
}

/** A relay, a terminal peer bob using it, and a page in Chromium that joined as alice. */
export async function pageBesideTerminal(bobArgs: string[] = []): Promise<{
  relay: RelayProcess
  webUrl: string
  bob: PeerProcess
  browser: Browser
  alice: ChatPage
  aliceId: string
}> {
  const { relay, webUrl } = await webRelay()
  const bob = await cliPeer('bob', relay, bobArgs)
  const browser = await launchBrowser()
  const alice = await ChatPage.open(browser, webUrl)
  const aliceId = await alice.join('alice')
  return { relay, webUrl, bob, browser, alice, aliceId }
}

/** Saves a received file through its link in the page, as a person would; resolves with its SHA-256 (hex). */
export async function savedSha256(page: ChatPage, linkName: string): Promise<string> {
  const link = page.page.getByRole('link', { name: linkName })
  await link.waitFor({ timeout: 120_000 })
  const download = page.page.waitForEvent('download', { timeout: 60_000 })
  await link.click()
  const path = await (await download).path()
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex')
}

/** Types `/send <to>` in the page and picks `file` in the file picker that opens. */
export async function sendFromPage(page: ChatPage, to: string, file: { name: string; buffer: Buffer }): Promise<void> {
  const chooser = page.page.waitForEvent('filechooser', { timeout: 30_000 })
  await page.send(`/send ${to}`)
  await (await chooser).setFiles({ name: file.name, mimeType: 'application/octet-stream', buffer: file.buffer })
}

/** `size` random bytes to pick in a page, with their SHA-256. */
export function payload(name: string, size: number): { name: string; buffer: Buffer; sha256: string } {
  const buffer = randomBytes(size)
  return { name, buffer, sha256: createHash('sha256').update(buffer).digest('hex') }
}
