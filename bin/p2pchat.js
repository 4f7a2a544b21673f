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
// Loading the client allocates a burst of short-lived objects that would grow V8's young generation to its
// maximum (2 x 16 MiB) and keep it there for an idle peer: hold it at its initial size until the client is
// ready (cli/heap-tuning.ts lets it grow again from then on, for the load of real traffic).
Promise.all([import('node:v8'), import('node:module')])
  .then(([v8, module]) => {
    v8.setFlagsFromString('--semi-space-growth-factor=1')
    // Node keeps the compiled code of what a start loads (in the OS's temporary directory, its default), which takes
    // a third off the time to load it the next time. It holds p2pchat's code only, but --ephemeral promises nothing
    // written to disk at all.
    if (!process.argv.includes('--ephemeral')) {
      module.enableCompileCache?.()
    }
    return import('../dist/cli/p2pchat.js')
  })
  .then(
    (cli) => cli.main(process.argv.slice(2)),
    (err) => {
      process.stderr.write(`p2pchat is not built (${err.message}); run 'npm install' first.\n`)
      process.exit(1)
    }
  )
