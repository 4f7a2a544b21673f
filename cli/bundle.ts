/**
 * Builds the command-line client into one file, dist/cli/p2pchat.js (run by `npm run build`; bin/p2pchat.js loads
 * it). A start loads some 1,500 modules: Node finding, reading and linking them one by one took about 0.3 s of each
 * start (more than half of it before a peer is ready), one file takes a fraction of that. It sits beside
 * dist/cli/main.js so that the paths code finds relative to its own module (package.json, the web client's files)
 * are the same in both. Packages with native code stay outside: they find their binaries relative to themselves.
 */

import { build } from 'esbuild'

const ROOT = new URL('../', import.meta.url)

/** Native addons, loaded from node_modules as they are. */
const NATIVE = ['classic-level', 'node-datachannel']

const result = await build({
  entryPoints: [new URL('cli/main.ts', ROOT).pathname],
  outfile: new URL('dist/cli/p2pchat.js', ROOT).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  external: NATIVE,
  // no keepNames: it names every function with a property of its own when it is made, which cost a relay about
  // 11 KiB of heap per client in the closures of its connections (error classes set their `name` themselves)
  sourcemap: 'linked',
  metafile: true,
  // CommonJS dependencies require() Node's built-ins, and write-file-atomic hashes its own __filename: an ES module
  // has neither
  banner: {
    js: [
      "import { createRequire as createRequireForBundle } from 'node:module'",
      "import { fileURLToPath as fileURLToPathForBundle } from 'node:url'",
      'const require = createRequireForBundle(import.meta.url)',
      'const __filename = fileURLToPathForBundle(import.meta.url)'
    ].join(';')
  },
  logLevel: 'warning'
})
const bytes = Object.entries(result.metafile.outputs)
  .filter(([file]) => file.endsWith('.js'))
  .reduce((n, [, o]) => n + o.bytes, 0)
console.log(`command-line client: dist/cli/p2pchat.js (${Math.round(bytes / 1024)} KiB)`)
