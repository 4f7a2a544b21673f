import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { DM_PROTOCOL } from '../../protocols/dm/index.ts'
import { cliPeer, pageBesideTerminal, webRelay } from './browser-helpers.ts'
import {
  ChatPage,
  cleanup,
  closeBrowsers,
  initRelay,
  launchBrowser,
  newIdentity,
  onlyEvent,
  requireTool,
  runCli,
  tempDir,
  waitForListing
} from './harness.ts'
import { exchange, frame, rawNode, stopRawNodes, varint } from './raw-node.ts'

/** A self-signed certificate for 127.0.0.1, made with openssl. */
function selfSignedCert(): { cert: string; key: string } {
  const dir = tempDir('p2pchat-tls-')
  const cert = join(dir, 'cert.pem')
  const key = join(dir, 'key.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert
    ],
    { stdio: 'ignore' }
  )
  return { cert, key }
}

/** docs/browser.png, the README's picture of the page: made when missing, or anew with UPDATE_SCREENSHOT=1. */
async function screenshotForReadme(page: ChatPage): Promise<void> {
  const path = new URL('../../docs/browser.png', import.meta.url).pathname
  if (process.env.UPDATE_SCREENSHOT === '1' || !existsSync(path)) {
    await page.page.setViewportSize({ width: 1000, height: 560 })
    await page.page.screenshot({ path })
  }
}

describe('the web client in Chromium', () => {
  requireTool('chromium')

  afterEach(async () => {
    await closeBrowsers()
    await stopRawNodes()
    await cleanup()
  })

  it('chats with a terminal peer: lobby both ways, /users on both sides, DMs both ways with delivered', async () => {
    const { bob, alice, aliceId } = await pageBesideTerminal()

    await bob.waitForUsers((users) => users.some((u) => u.peerId === aliceId))
    await alice.waitForOnline('bob')
    await alice.send('/users')
    await alice.waitForLog(/online \(2\): .*alice \(you\)/)

    bob.send('hello from the terminal')
    await alice.waitForLog('bob: hello from the terminal')
    await alice.send('hello from the page')
    await bob.waitFor('message', (m) => m.text === 'hello from the page' && m.from.peerId === aliceId)

    // a DM arrives in its own conversation, with an unread count
    bob.send('/msg alice a secret for the page')
    await bob.waitFor('delivered', (d) => d.to.peerId === aliceId)
    await alice.page.getByRole('button', { name: /@ bob 1 unread/ }).waitFor()
    await alice.openConversation('@ bob')
    await alice.waitForLog('bob: a secret for the page')
    await alice.send('a secret for the terminal')
    await bob.waitFor('message', (m) => m.scope === 'dm' && m.text === 'a secret for the terminal')
    await alice.waitForLog(/a secret for the terminal delivered/)
    expect(alice.errors).toEqual([])
    await alice.openConversation('Lobby')
    await screenshotForReadme(alice)

    // closing the tab: the others see a leave at once, not a timeout. Usually the page's goodbye ('left') arrives;
    // else bob's check of the dropped connection ('unreachable', 1 s) or the relay's word that it went ('left')
    await alice.page.close({ runBeforeUnload: true })
    const leave = await bob.waitFor('leave', (e) => e.peerId === aliceId)
    expect(['left', 'unreachable']).toContain(leave.reason)
  })

  it('shows markup in names and messages as text and never runs it', async () => {
    const { relay, webUrl } = await webRelay()
    const evil = '<img src=x onerror=pwned=1>'
    const browser = await launchBrowser()
    const alice = await ChatPage.open(browser, webUrl)
    const aliceId = await alice.join('alice')
    // names hold no spaces: the markup is one word
    const mallory = await cliPeer('<img/src=x/onerror=pwned=1>', relay)
    await mallory.waitForUsers((users) => users.some((u) => u.peerId === aliceId))
    mallory.send(evil)
    mallory.send(`/msg alice ${evil}`)
    await alice.waitForLog(`<img/src=x/onerror=pwned=1>: ${evil}`)
    await alice.openConversation('@ <img')
    await alice.waitForLog(evil)
    expect(await alice.online()).toContain('<img/src=x/onerror=pwned=1>')
    expect(await alice.page.locator('#chat img').count()).toBe(0)
    expect(await alice.page.evaluate(() => Reflect.get(globalThis, 'pwned'))).toBeUndefined()
  })

  it('keeps its identity across a reload, and two pages chat with each other', async () => {
    const { relay, webUrl } = await webRelay()
    const browser = await launchBrowser()
    const alice = await ChatPage.open(browser, webUrl)
    const aliceId = await alice.join('alice')
    // the relay named in the URL, as when the page is hosted elsewhere
    const wsAddr = relay.addrs.find((a) => a.includes('/ws/'))
    const carol = await ChatPage.open(browser, `${webUrl}?relay=${encodeURIComponent(String(wsAddr))}`)
    const carolId = await carol.join('carol')
    expect(carolId).not.toBe(aliceId)
    await alice.waitForOnline('carol')
    await carol.waitForOnline('alice')

    await carol.send('hi alice, from one page to another')
    await alice.waitForLog('carol: hi alice, from one page to another')
    await alice.send('/msg carol just between pages')
    // a /msg opens its conversation
    await alice.waitForLog(/just between pages delivered/)
    await carol.page.getByRole('button', { name: /@ alice 1 unread/ }).waitFor()
    await alice.openConversation('Lobby')

    // a second tab of the same browser would run the same identity twice: it is refused
    const second = await alice.page.context().newPage()
    await second.goto(webUrl)
    await second.getByText('already open in another tab').waitFor()
    await second.close()

    await alice.goto(webUrl)
    // the name of the last visit is offered again
    expect(await alice.page.getByLabel('Name').inputValue()).toBe('alice')
    expect(await alice.join('alice')).toBe(aliceId)
    // the lobby's history and the DMs are kept in IndexedDB, under the default retention
    await alice.waitForLog('carol: hi alice, from one page to another')
    await alice.openConversation('@ carol')
    await alice.waitForLog('you: just between pages')
    await alice.openConversation('Lobby')
    await carol.waitForOnline('alice')
    await alice.waitForOnline('carol')
    await carol.send('welcome back')
    await alice.waitForLog('carol: welcome back')
  })

  it('meets a terminal peer in a public group the page created: posts both ways in its own conversation', async () => {
    const { bob, alice } = await pageBesideTerminal()
    await alice.waitForOnline('bob')
    await alice.send('/group create team')
    // a group we create opens its conversation, and plain text goes there
    await alice.page.getByRole('heading', { name: 'team' }).waitFor()
    const listed = await waitForListing(bob, (g) => g.name === 'team')
    bob.send(`/join ${listed.id}`)
    await bob.waitFor('group-joined', (e) => e.group.id === listed.id)
    await alice.waitForLog('bob')
    bob.send('/g team hello from the terminal')
    await alice.waitForLog('bob: hello from the terminal')
    await alice.send('hello from the page')
    await bob.waitFor('message', (m) => m.group?.id === listed.id && m.text === 'hello from the page')
    await alice.openConversation('Lobby')
    expect(await alice.log()).not.toContain('hello from the page')
  })

  it('joins a private group by invitation from a terminal peer: encrypted posts both ways', async () => {
    const { webUrl, bob, alice, aliceId } = await pageBesideTerminal()
    await bob.waitForUsers((users) => users.some((u) => u.peerId === aliceId))
    bob.send('/group create secret --private')
    const created = await bob.waitFor('group-joined', (e) => e.group.name === 'secret')
    bob.send('/invite secret alice')
    await bob.waitFor('invite-sent', (e) => e.to.peerId === aliceId && e.delivered)
    const invite = /\/accept (\S+) or \/decline/.exec(await alice.waitForLog('invites you to [secret]'))
    await alice.send(`/accept ${invite?.[1]}`)
    await alice.page.getByRole('heading', { name: 'secret' }).waitFor()
    await bob.waitFor('member-added', (e) => e.group.id === created.group.id && e.member.peerId === aliceId)
    bob.send('/g secret for members only')
    await alice.waitForLog('bob: for members only')
    await alice.send('members only, from the page')
    await bob.waitFor('message', (m) => m.group?.id === created.group.id && m.text === 'members only, from the page')

    // a reload keeps the membership (its key sealed in the group's log in IndexedDB) and the group's history
    await alice.goto(webUrl)
    await alice.join('alice')
    await alice.openConversation('# secret')
    await alice.waitForLog('bob: for members only')
    await alice.send('back after a reload')
    await bob.waitFor('message', (m) => m.group?.id === created.group.id && m.text === 'back after a reload')
  })

  it('survives malformed and oversized DM frames from a hostile peer: an error line each, then chats on', async () => {
    const { relay, bob, alice, aliceId } = await pageBesideTerminal()
    await alice.waitForOnline('bob')
    const mallory = await rawNode({ relayed: true })
    const viaRelay = multiaddr(`${relay.addrOn()}/p2p-circuit/p2p/${aliceId}`)
    const hostileDm = async (chunks: Uint8Array[]): Promise<void> => {
      const stream = await mallory.dialProtocol(viaRelay, DM_PROTOCOL, {
        signal: AbortSignal.timeout(10_000),
        runOnLimitedConnection: true
      })
      await exchange(stream, chunks)
    }
    await hostileDm([frame(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]))])
    await alice.waitForLog(`! bad DM stream from ${mallory.peerId}: malformed message`)
    await hostileDm([varint(10 * 1024 * 1024), new Uint8Array(64 * 1024).fill(0x41)])
    await alice.waitForLog(`! bad DM stream from ${mallory.peerId}: length prefix announces more than`)
    bob.send('/msg alice still here?')
    await alice.page.getByRole('button', { name: /@ bob 1 unread/ }).waitFor()
    expect(alice.errors).toEqual([])
  })

  it('encrypts the stored key with a passphrase: asked for on the next visit, a wrong one refused', async () => {
    const { webUrl } = await webRelay()
    const browser = await launchBrowser()
    const alice = await ChatPage.open(browser, webUrl)
    const aliceId = await alice.join('alice', 'correct horse battery')
    await alice.goto(webUrl)
    const status = alice.page.getByRole('status')
    await alice.page.getByText('This browser keeps your key encrypted').waitFor()
    await alice.page.getByLabel('Name').press('Enter')
    await status.getByText('enter its passphrase').waitFor()
    await alice.page.getByLabel('Passphrase').fill('wrong horse')
    await alice.page.getByLabel('Passphrase').press('Enter')
    await status.getByText('wrong passphrase').waitFor()
    expect(await alice.page.locator('#chat').isHidden()).toBe(true)
    expect(await alice.join('alice', 'correct horse battery')).toBe(aliceId)
  })

  it('destroys the account: nothing of it is left in IndexedDB', async () => {
    const { webUrl } = await webRelay()
    const browser = await launchBrowser()
    const alice = await ChatPage.open(browser, webUrl)
    await alice.join('alice')
    expect(await databases(alice)).not.toEqual([])
    await alice.send('/destroy')
    await alice.waitForLog('/destroy confirm')
    await alice.send('/destroy confirm')
    await alice.page.waitForSelector('#join[data-destroyed]')
    expect(await databases(alice)).toEqual([])
  })
})

/** The names of the page origin's IndexedDB databases. */
async function databases(page: ChatPage): Promise<string[]> {
  const names: unknown = await page.page.evaluate('indexedDB.databases().then((all) => all.map((d) => d.name))')
  return Array.isArray(names) ? names.map(String) : []
}

describe('relay start --tls-cert and --tls-key', () => {
  requireTool('chromium')
  requireTool('openssl')

  afterEach(async () => {
    await closeBrowsers()
    await cleanup()
  })

  it('is served over HTTPS with --tls-cert and --tls-key, and joins over WSS', async () => {
    const { cert, key } = selfSignedCert()
    const { relay, webUrl } = await webRelay(['--tls-cert', cert, '--tls-key', key])
    expect(webUrl).toMatch(/^https:/)
    const bob = await cliPeer('bob', relay)
    const browser = await launchBrowser()
    const alice = await ChatPage.open(browser, webUrl, await browser.newContext({ ignoreHTTPSErrors: true }))
    await alice.join('alice')
    await alice.waitForOnline('bob')
    bob.send('hello over tls')
    await alice.waitForLog('bob: hello over tls')
  })

  it('refuses one without the other as a usage error', async () => {
    const { dataDir } = await initRelay({ admins: [(await newIdentity()).peerId], listen: ['/ip4/127.0.0.1/tcp/0'] })
    const result = await runCli(['relay', 'start', '--json', '--data-dir', dataDir, '--tls-cert', 'cert.pem'])
    expect(result.code).toBe(2)
    expect(onlyEvent(result)).toMatchObject({ type: 'error', code: 'USAGE' })
  })
})
