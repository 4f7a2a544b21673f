import { afterEach, describe, expect, it } from 'vitest'
import { cliPeer, pageBesideTerminal, payload, savedSha256, sendFromPage, webRelay } from './browser-helpers.ts'
import { randomFile, sha256File } from './files-helpers.ts'
import { ChatPage, cleanup, closeBrowsers, launchBrowser, requireTool, tempDir } from './harness.ts'

const MB = 1024 * 1024
/** A file that spans several chunks and several of the page's Blob parts. */
const SIZE = 5 * MB + 12_345

describe('files to and from the web client in Chromium', () => {
  requireTool('chromium')

  afterEach(async () => {
    await closeBrowsers()
    await cleanup()
  })

  it('takes a file from a terminal peer: offer, accept, progress, saved with its SHA-256 checked', async () => {
    const { bob, alice, aliceId } = await pageBesideTerminal()
    await bob.waitForUsers((users) => users.some((u) => u.peerId === aliceId))

    const file = await randomFile(SIZE, 'from-terminal.bin')
    bob.send(`/send alice ${file.path}`)
    await alice.page.getByRole('button', { name: /@ bob/ }).waitFor({ timeout: 60_000 })
    await alice.openConversation('@ bob')
    await alice.page.getByRole('button', { name: 'Accept from-terminal.bin' }).click({ timeout: 60_000 })
    expect(await savedSha256(alice, 'Save from-terminal.bin')).toBe(file.sha256)
    await alice.page.locator('.transfer[data-state="done"] progress[value]').waitFor()
    const done = await bob.waitFor('done', (d) => d.direction === 'out', { timeoutMs: 60_000 })
    expect(done.sha256).toBe(file.sha256)
    expect(alice.errors).toEqual([])
  })

  it('sends a file from one page to another, and from a page to a terminal peer', async () => {
    const { relay, webUrl } = await webRelay()
    const downloads = tempDir('p2pchat-dl-')
    const bob = await cliPeer('bob', relay, ['--download-dir', downloads])
    const browser = await launchBrowser()
    const alice = await ChatPage.open(browser, webUrl)
    const carol = await ChatPage.open(browser, webUrl)
    await alice.join('alice')
    await carol.join('carol')
    await alice.waitForOnline('carol')
    await alice.waitForOnline('bob')

    const toCarol = payload('page-to-page.bin', SIZE)
    await sendFromPage(alice, 'carol', toCarol)
    await carol.page.getByRole('button', { name: /@ alice/ }).waitFor({ timeout: 60_000 })
    await carol.openConversation('@ alice')
    await carol.page.getByRole('button', { name: 'Accept page-to-page.bin' }).click({ timeout: 60_000 })
    expect(await savedSha256(carol, 'Save page-to-page.bin')).toBe(toCarol.sha256)
    // the sender hears that the recipient verified it
    await alice.openConversation('@ carol')
    await alice.waitForLog(/page-to-page\.bin .*delivered, SHA-256 verified by them/, 60_000)

    const toBob = payload('page-to-terminal.bin', SIZE)
    await sendFromPage(alice, 'bob', toBob)
    const offer = await bob.waitFor('offer', (o) => o.name === 'page-to-terminal.bin', { timeoutMs: 60_000 })
    expect(offer.size).toBe(SIZE)
    bob.send(`/accept ${offer.shortId}`)
    const done = await bob.waitFor('done', (d) => d.id === offer.id, { timeoutMs: 120_000 })
    expect(done.sha256).toBe(toBob.sha256)
    expect(await sha256File(done.path ?? '')).toBe(toBob.sha256)
    expect(alice.errors).toEqual([])
    expect(carol.errors).toEqual([])
  })

  it('refuses to open a picker without a recipient, and a declined offer shows as declined to the sender', async () => {
    const { bob, alice, aliceId } = await pageBesideTerminal()
    await alice.send('/send')
    await alice.waitForLog('/send <name> opens a file picker')
    await bob.waitForUsers((users) => users.some((u) => u.peerId === aliceId))

    const file = await randomFile(1000, 'unwanted.bin')
    bob.send(`/send alice ${file.path}`)
    await alice.page.getByRole('button', { name: /@ bob/ }).waitFor({ timeout: 60_000 })
    await alice.openConversation('@ bob')
    await alice.page.getByRole('button', { name: 'Decline unwanted.bin' }).click({ timeout: 60_000 })
    await bob.waitFor('transfer', (t) => t.state === 'declined', { timeoutMs: 60_000 })
    await alice.page.locator('.transfer[data-state="declined"]').waitFor()
  })
})
