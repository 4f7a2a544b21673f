import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { loadWebClient, serveWebClient, webUrlOf, withTls } from '../../../relay/web-client.ts'

const dirs: string[] = []
const servers: http.Server[] = []

afterEach(() => {
  for (const s of servers.splice(0)) {
    s.close()
  }
  for (const d of dirs.splice(0)) {
    rmSync(d, { recursive: true, force: true })
  }
})

async function served(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'p2pchat-web-'))
  dirs.push(dir)
  for (const file of ['index.html', 'main.js', 'style.css']) {
    writeFileSync(join(dir, file), `contents of ${file}`)
  }
  writeFileSync(join(dir, 'secret.txt'), 'not served')
  const client = await loadWebClient('12D3KooWPeer', pathToFileURL(`${dir}/`))
  expect(client).toBeDefined()
  const server = http.createServer(serveWebClient(client!))
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return `http://127.0.0.1:${typeof address === 'object' && address != null ? address.port : 0}`
}

describe("the relay's web server", () => {
  it('serves the page, its script and styles, and relay.json, under a strict content security policy', async () => {
    const base = await served()
    const page = await fetch(`${base}/`)
    expect(await page.text()).toBe('contents of index.html')
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    expect((await fetch(`${base}/main.js`)).headers.get('content-type')).toContain('text/javascript')
    expect(await (await fetch(`${base}/relay.json`)).json()).toEqual({ peerId: '12D3KooWPeer' })
    // fetch asks for gzip and unpacks it
    expect((await fetch(`${base}/main.js`)).headers.get('content-encoding')).toBe('gzip')
    expect(await (await fetch(`${base}/main.js`)).text()).toBe('contents of main.js')
  })

  it('serves nothing else: other files, paths that climb out, and methods other than GET and HEAD', async () => {
    const base = await served()
    expect((await fetch(`${base}/secret.txt`)).status).toBe(404)
    expect((await fetch(`${base}/../secret.txt`)).status).toBe(404)
    expect((await fetch(`${base}/%2e%2e/package.json`)).status).toBe(404)
    expect((await fetch(`${base}/`, { method: 'POST', body: 'x' })).status).toBe(405)
  })

  it('answers any request target with a status, never an exception that would end the relay', async () => {
    const base = new URL(await served())
    for (const target of ['http://[', '//', '*', 'http://other.example/index.html', '/%', `/${'a'.repeat(8000)}`]) {
      const status = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(base.port), base.hostname, () => {
          socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
        })
        let answer = ''
        socket.on('data', (d) => {
          answer += String(d)
        })
        socket.on('end', () => resolve(answer.split('\r\n')[0]))
        socket.on('error', reject)
      })
      expect(status).toMatch(/^HTTP\/1\.1 (200|400|404)/)
    }
    expect((await fetch(`${base.origin}/`)).status).toBe(200)
  })

  it('is not there when the web client was not built', async () => {
    expect(await loadWebClient('12D3KooWPeer', pathToFileURL('/nonexistent/'))).toBeUndefined()
  })

  it('says where the page is: the first WebSocket address, over http or https', () => {
    const ws = '/ip4/127.0.0.1/tcp/4101/ws/p2p/12D3KooWPeer'
    expect(webUrlOf(['/ip4/127.0.0.1/tcp/4100/p2p/12D3KooWPeer', ws])).toBe('http://127.0.0.1:4101/')
    expect(webUrlOf(['/dns4/chat.example.org/tcp/443/tls/ws'])).toBe('https://chat.example.org:443/')
    expect(webUrlOf(['/ip6/::1/tcp/80/ws'])).toBe('http://[::1]:80/')
    expect(webUrlOf(['/ip4/127.0.0.1/tcp/4100'])).toBeUndefined()
    // listening on 0.0.0.0: the LAN address, not loopback, which is listed first
    expect(webUrlOf(['/ip4/127.0.0.1/tcp/4101/ws', '/ip4/192.168.1.20/tcp/4101/ws'])).toBe('http://192.168.1.20:4101/')
  })

  it('makes every plain WebSocket listen address a TLS one with a certificate, and leaves the rest', () => {
    expect(
      withTls([
        '/ip4/0.0.0.0/tcp/4100',
        '/ip4/0.0.0.0/tcp/4101/ws',
        '/ip6/::/tcp/4101/tls/ws',
        '/ip4/0.0.0.0/tcp/1/wss'
      ])
    ).toEqual([
      '/ip4/0.0.0.0/tcp/4100',
      '/ip4/0.0.0.0/tcp/4101/tls/ws',
      '/ip6/::/tcp/4101/tls/ws',
      '/ip4/0.0.0.0/tcp/1/wss'
    ])
  })
})
