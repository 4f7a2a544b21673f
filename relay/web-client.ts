import { readFile } from 'node:fs/promises'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import https from 'node:https'
import { gzipSync } from 'node:zlib'
import type { Listener, Transport } from '@libp2p/interface'
import { isLoopback } from '@libp2p/utils'
import { type WebSocketsComponents, type WebSocketsInit, webSockets } from '@libp2p/websockets'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'

/** Where `npm run build` puts the web client, next to this module's folder in dist/. */
export const WEB_DIR = new URL('../web/', import.meta.url)

/** The files of the web client the relay serves by URL path: read once at start, nothing else on disk is reachable. */
const WEB_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/main.js': { file: 'main.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' }
}

/**
 * What the page may do: its own scripts and styles only (no inline script, so markup that slips into the page
 * cannot run), WebSockets to any relay (`?relay=` may name another), images from the page itself or blobs.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

/** One file of the web client. */
export interface WebFile {
  body: Uint8Array
  gzipped: Uint8Array
  type: string
}

/** A plain HTTP request handler. */
export type WebHandler = (req: IncomingMessage, res: ServerResponse) => void

/** The web client in memory, and the relay's PeerId for the page to dial back. */
export interface WebClient {
  /** each file as is and gzipped (compressed once at start: the script is ~1 MB, ~0.3 MB gzipped) */
  files: Map<string, WebFile>
  relayPeerId: string
}

/** Reads the built web client; undefined when it was not built (the relay then serves WebSockets only). */
export async function loadWebClient(relayPeerId: string, dir: URL = WEB_DIR): Promise<WebClient | undefined> {
  const files = new Map<string, WebFile>()
  try {
    for (const [path, { file, type }] of Object.entries(WEB_FILES)) {
      const body = await readFile(new URL(file, dir))
      files.set(path, { body, gzipped: gzipSync(body, { level: 9 }), type })
    }
  } catch {
    return undefined
  }
  return { files, relayPeerId }
}

/** Answers the plain HTTP requests that reach a WebSocket listener: the page's files, `/relay.json`, else 404. */
export function serveWebClient(client: WebClient): WebHandler {
  const json = new TextEncoder().encode(JSON.stringify({ peerId: client.relayPeerId }))
  const relayJson: WebFile = { body: json, gzipped: gzipSync(json), type: 'application/json' }
  return (req, res) => {
    const found = fileFor(req.url, client, relayJson)
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    res.setHeader('Referrer-Policy', 'no-referrer')
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end()
      return
    }
    if (found == null) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found')
      return
    }
    const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')
    const body = gzip ? found.gzipped : found.body
    res.writeHead(200, {
      'Content-Type': found.type,
      'Content-Length': body.byteLength,
      'Cache-Control': 'no-cache',
      Vary: 'Accept-Encoding',
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {})
    })
    res.end(req.method === 'HEAD' ? undefined : body)
  }
}

/** The file a request target names, if any: whatever a client sends as the target must not throw here. */
function fileFor(target: string | undefined, client: WebClient, relayJson: WebFile): WebFile | undefined {
  let path: string
  try {
    path = new URL(target ?? '/', 'http://relay').pathname
  } catch {
    return undefined
  }
  return path === '/relay.json' ? relayJson : client.files.get(path)
}

/**
 * The WebSockets transport, with plain HTTP requests on its port answered by `handler` instead of the library's
 * fixed 400. @libp2p/websockets has no option for this: its listener keeps the HTTP(S) server it upgrades from in
 * a field, so once a listener is listening, its server's request handler is swapped. If a later version renames
 * that field, the page stops being served (the browser e2e test fails) while WebSockets keep working.
 */
export function webSocketsServing(
  handler: WebHandler | undefined,
  init?: WebSocketsInit
): (components: WebSocketsComponents) => Transport {
  const factory = webSockets(init)
  if (handler == null) {
    return factory
  }
  return (components) => {
    const transport = factory(components)
    const createListener = transport.createListener.bind(transport)
    transport.createListener = (options) => {
      const listener = createListener(options)
      listener.addEventListener('listening', () => takeRequests(listener, handler))
      return listener
    }
    return transport
  }
}

function takeRequests(listener: Listener, handler: WebHandler): void {
  for (const field of ['http', 'https']) {
    const server: unknown = field in listener ? Reflect.get(listener, field) : undefined
    if (server instanceof http.Server || server instanceof https.Server) {
      server.removeAllListeners('request')
      server.on('request', handler)
    }
  }
}

/** A certificate and its private key, PEM, for serving the page over HTTPS and WebSockets over TLS (WSS). */
export interface TlsFiles {
  cert: string
  key: string
}

/** The listen addresses with every plain WebSocket one (`.../ws`) made a TLS one (`.../tls/ws`). */
export function withTls(addrs: string[]): string[] {
  return addrs.map((addr) => {
    const names = multiaddr(addr)
      .getComponents()
      .map((c) => c.name)
    const ws = names.lastIndexOf('ws')
    return ws > 0 && names[ws - 1] !== 'tls' ? addr.replace(/\/ws(?=$|\/)/, '/tls/ws') : addr
  })
}

/**
 * The page's URL on a WebSocket address among `addrs` (http for /ws, https for /wss or /tls/ws): the first one
 * others can reach (not loopback, as a relay listening on 0.0.0.0 lists first), else the first one.
 */
export function webUrlOf(addrs: string[]): string | undefined {
  const urls = addrs.flatMap((addr) => urlOf(multiaddr(addr)) ?? [])
  return (urls.find((u) => !isLoopback(u.addr)) ?? urls[0])?.url
}

function urlOf(addr: Multiaddr): { url: string; addr: Multiaddr } | undefined {
  const parts = addr.getComponents()
  const names = parts.map((c) => c.name)
  if (!names.includes('ws') && !names.includes('wss')) {
    return undefined
  }
  const secure = names.includes('wss') || names.includes('tls')
  const host = parts.find((c) => ['ip4', 'ip6', 'dns', 'dns4', 'dns6'].includes(c.name))
  const port = parts.find((c) => c.name === 'tcp')?.value
  if (host?.value == null || port == null) {
    return undefined
  }
  const shown = host.name === 'ip6' ? `[${host.value}]` : host.value
  return { url: `${secure ? 'https' : 'http'}://${shown}:${port}/`, addr }
}
