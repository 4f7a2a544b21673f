import { execFileSync } from 'node:child_process'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { until } from './feed.ts'

/** Chromium from the system (Playwright's own download is not used): `apt-get install chromium`. */
function chromiumPath(): string {
  return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim()
}

const browsers = new Set<Browser>()

/** Starts a headless Chromium; closed by closeBrowsers(). */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    // no sandbox: tests run as root in containers; the rest keeps Chromium from calling home
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-default-apps',
      '--disable-domain-reliability',
      '--disable-client-side-phishing-detection'
    ]
  })
  browsers.add(browser)
  return browser
}

/** Closes every browser launchBrowser() started; for afterEach. */
export async function closeBrowsers(): Promise<void> {
  const open = [...browsers]
  browsers.clear()
  await Promise.all(open.map((b) => b.close().catch(() => undefined)))
}

/** One tab of the web client, driven through its labelled controls like a person would. */
export class ChatPage {
  readonly errors: string[] = []

  constructor(readonly page: Page) {
    page.on('pageerror', (err) => this.errors.push(err.message))
  }

  /** A new tab (in its own storage unless `context` is shared) at `url`, ready for a name. */
  static async open(browser: Browser, url: string, context?: BrowserContext): Promise<ChatPage> {
    const page = await (context ?? (await browser.newContext())).newPage()
    const chat = new ChatPage(page)
    await chat.goto(url)
    return chat
  }

  async goto(url: string): Promise<void> {
    await this.page.goto(url)
    await this.page.waitForSelector('#join[data-ready]', { state: 'attached' })
  }

  /** Enters `name` (and `passphrase`) and waits until the peer is online; resolves with its PeerId. */
  async join(name: string, passphrase?: string): Promise<string> {
    await this.page.getByLabel('Name').fill(name)
    if (passphrase != null) {
      await this.page.getByLabel('Passphrase').fill(passphrase)
    }
    await this.page.getByLabel('Name').press('Enter')
    await this.page.waitForSelector('#chat[data-ready]', { timeout: 30_000 })
    return this.peerId()
  }

  async peerId(): Promise<string> {
    return (await this.page.locator('#me').getAttribute('data-peer-id')) ?? ''
  }

  /** Types a line into the message box and sends it. */
  async send(line: string): Promise<void> {
    const box = this.page.getByRole('textbox', { name: 'Message', exact: true })
    await box.fill(line)
    await box.press('Enter')
  }

  /** The text of the conversation on screen. */
  async log(): Promise<string> {
    // biome-ignore lint/performance/useDomNodeTextContent: what a person sees, one line per message
    return this.page.getByRole('log').innerText()
  }

  /** Waits until the conversation on screen shows `text`. */
  async waitForLog(text: string | RegExp, timeoutMs = 20_000): Promise<string> {
    let last = ''
    return until(
      `the page's log to show ${text}`,
      async () => {
        last = await this.log()
        return (typeof text === 'string' ? last.includes(text) : text.test(last)) && last
      },
      timeoutMs,
      () => last
    )
  }

  /** The names in the list labelled "Online". */
  async online(): Promise<string> {
    // biome-ignore lint/performance/useDomNodeTextContent: what a person sees, one name per line
    return this.page.getByRole('list', { name: 'Online' }).innerText()
  }

  /** Waits until the list labelled "Online" shows `name`. */
  async waitForOnline(name: string, timeoutMs = 20_000): Promise<void> {
    let last = ''
    await until(
      `${name} to be listed online`,
      async () => {
        last = await this.online()
        return last.includes(name)
      },
      timeoutMs,
      () => last
    )
  }

  /** Opens a conversation by the start of its label in the conversation list ("Lobby", "@ bob"). */
  async openConversation(label: string): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: label }).click()
  }
}
