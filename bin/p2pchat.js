#!/usr/bin/env node
// Plain JavaScript with no imports at the top, so that an old Node reaches the version check
// instead of failing on libp2p's syntax or APIs with a stack trace.
var REQUIRED_MAJOR = 22
var major = Number(process.versions.node.split('.')[0])
if (major < REQUIRED_MAJOR) {
  process.stderr.write(
    'p2pchat needs Node.js ' +
      REQUIRED_MAJOR +
      ' or newer (this is ' +
      process.version +
      '); ' +
      "run it with 'npm start' or 'npx p2pchat' inside the project, which use the Node it brings along.\n"
  )
  process.exit(1)
}
import('../dist/cli/main.js').then(
  (cli) => cli.main(process.argv.slice(2)),
  (err) => {
    process.stderr.write(`p2pchat is not built (${err.message}); run 'npm install' first.\n`)
    process.exit(1)
  }
)
