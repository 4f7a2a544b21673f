import { readFile } from 'node:fs/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { pageBesideTerminal, payload, savedSha256, sendFromPage, webRelay } from './browser-helpers.ts'
import { ChatPage, cleanup, closeBrowsers, launchBrowser, type RelayProcess, requireTool } from './harness.ts'

const MB = 1024 * 1024

/** Bytes the relay process has written so far (sockets included): what it forwarded shows here. */
async function relayWrote(relay: RelayProcess): Promise<number> {
  const io = await readFile(`/proc/${relay.child.pid}/io`, 'utf8')
  return Number(/^wchar:\s+(\d+)$/m.exec(io)?.[1] ?? Number.NaN)
}

/** Waits until the page's online list marks `name` as reached `via`. */
async function waitForRoute(page: ChatPage, name: string, via: 'direct' | 'relay'): Promise<void> {
  await page.page.locator('#online li', { hasText: name }).locator(`[data-route="${via}"]`).waitFor({ timeout: 90_000 })
}

describe('direct WebRTC connections of the web client in Chromium', () => {
  requireTool('chromium')

  afterEach(async () => {
    await closeBrowsers()
    await cleanup()
  })

  it('two pages upgrade to a direct connection, and a file between them does not go through the relay', async () => {
    const { relay, webUrl } = await webRelay()
    const browser = await launchBrowser()
    const alice = await ChatPage.open(browser, webUrl)
    const carol = await ChatPage.open(browser, webUrl)
    await alice.join('alice')
    await carol.join('carol')
    await alice.waitForOnline('carol')
    await alice.send('/msg carol hello')
    await waitForRoute(alice, 'carol', 'direct')
    await waitForRoute(carol, 'alice', 'direct')

    const file = payload('direct.bin', 8 * MB)
    const before = await relayWrote(relay)
    await sendFromPage(alice, 'carol', file)
    await carol.page.getByRole('button', { name: /@ alice/ }).waitFor({ timeout: 60_000 })
    await carol.openConversation('@ alice')
    await carol.page.getByRole('button', { name: 'Accept direct.bin' }).click({ timeout: 60_000 })
    expect(await savedSha256(carol, 'Save direct.bin')).toBe(file.sha256)
    const carried = (await relayWrote(relay)) - before
    // presence and gossip go on through the relay meanwhile; the file's 8 MiB do not
    expect(carried).toBeLessThan(file.buffer.length / 8)
    expect(alice.errors).toEqual([])
    expect(carol.errors).toEqual([])
  })

  it('a page and a terminal peer with --relay upgrade to a direct connection', async () => {
    const { bob, alice, aliceId } = await pageBesideTerminal()
    await alice.waitForOnline('bob')
    await alice.send('/msg bob hello')
    await bob.waitFor('message', (m) => m.scope === 'dm' && m.text === 'hello')
    await waitForRoute(alice, 'bob', 'direct')
    await bob.waitFor('route', (r) => r.peerId === aliceId && r.via === 'direct', { timeoutMs: 90_000 })
  })

  it('a tab that crashes while directly connected is seen leaving on the word of the relay, not when WebRTC times out', async () => {
    const { bob, alice, aliceId } = await pageBesideTerminal()
    await alice.waitForOnline('bob')
    bob.send('/msg alice hello')
    await bob.waitFor('delivered', (d) => d.to.peerId === aliceId)
    await bob.waitFor('route', (r) => r.peerId === aliceId && r.via === 'direct', { timeoutMs: 90_000 })

    // a crashed renderer says no goodbye and closes nothing over WebRTC: bob's direct connection would look open
    // until its checks fail. The relay sees the page's WebSocket close and tells its clients, who check and forget.
    const from = bob.events.length
    const cdp = await alice.page.context().newCDPSession(alice.page)
    // the answer never comes: the page it was sent to is gone
    void cdp.send('Page.crash').catch(() => {})
    const leave = await bob.waitFor('leave', (e) => e.peerId === aliceId, { from, timeoutMs: 60_000 })
    expect(leave.reason).toBe('left')
  }, 120_000)
})
