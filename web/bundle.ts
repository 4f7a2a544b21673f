/**
 * Builds the browser client into dist/web/ (run by `npm run build`): one ES module bundle, the page and its styles.
 *
 * The page runs the same core (node/) and command parser and controller (cli/) as the terminal client. A few of
 * their modules import Node built-ins for what a page never does (files in a data directory, downloads to disk,
 * the terminal's argument parser): those imports resolve to a module whose every export throws when called, so a
 * path that should never run in a page fails loudly instead of silently. Node's global `Buffer` is the `buffer`
 * package's there (web/buffer-global.ts).
 */

import { copyFile, mkdir } from 'node:fs/promises'
import { builtinModules } from 'node:module'
import { build, type Plugin } from 'esbuild'

const ROOT = new URL('../', import.meta.url)
const OUT = new URL('dist/web/', ROOT)

/** The npm packages that stand in for these two in a browser (LevelDB's browser build needs them) are real. */
const POLYFILLED = new Set(['events', 'buffer'])
const BUILTINS = new Set(builtinModules.filter((m) => !POLYFILLED.has(m)).flatMap((m) => [m, `node:${m}`]))

/** Node built-ins, and packages made only of them, that the core imports but never calls in a page. */
const UNUSED_IN_PAGE = new Set(['write-file-atomic', 'env-paths', 'commander', '@libp2p/mdns'])

const nodeOnly: Plugin = {
  name: 'node-only',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) =>
      BUILTINS.has(args.path) || UNUSED_IN_PAGE.has(args.path) ? { path: args.path, namespace: 'node-only' } : undefined
    )
    b.onLoad({ filter: /.*/, namespace: 'node-only' }, (args) => ({
      contents: `const fail = () => { throw new Error(${JSON.stringify(`${args.path} is not available in a browser`)}) }
module.exports = new Proxy({}, { get: (_t, key) => (key === '__esModule' ? false : key === 'default' ? module.exports : fail) })`,
      loader: 'js'
    }))
  }
}

await mkdir(OUT, { recursive: true })
const result = await build({
  entryPoints: [new URL('web/main.ts', ROOT).pathname],
  outfile: new URL('main.js', OUT).pathname,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  metafile: true,
  legalComments: 'linked',
  define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
  inject: [new URL('web/buffer-global.ts', ROOT).pathname],
  plugins: [nodeOnly],
  logLevel: 'warning'
})
for (const file of ['index.html', 'style.css']) {
  await copyFile(new URL(`web/${file}`, ROOT), new URL(file, OUT))
}
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0)
console.log(`web client: dist/web/ (${Math.round(bytes / 1024)} KiB with source maps)`)
