/**
 * The layers of p2pchat, checked by `npm run check` (depcruise): shells over the core over the wire protocols.
 *
 *   cli/ ──> relay/ ──> node/ ──> protocols/        bench/ and test/ may import anything; nothing imports them.
 *   web/ ──> cli/ (its command parser and controller) ──> node/
 *
 * Each protocol is used from outside its folder through its index.ts only.
 *
 * The CLI may import relay/ because `p2pchat relay` runs the relay server; the relay never imports the CLI.
 * Type-only imports count too (tsPreCompilationDeps), so a cycle cannot hide behind `import type`.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle ties modules together so that neither can be understood, tested or moved alone.',
      severity: 'error',
      from: {},
      to: { circular: true }
    },
    {
      name: 'protocols-at-the-bottom',
      comment: 'protocols/ are the wire protocols: they never reach up into the core or the shells.',
      severity: 'error',
      from: { path: '^protocols/' },
      to: { path: '^(node|cli|relay|web|bench|test)/' }
    },
    {
      name: 'node-below-the-shells',
      comment: 'node/ is the core every front end uses: it may import protocols/, never cli/ or relay/.',
      severity: 'error',
      from: { path: '^node/' },
      to: { path: '^(cli|relay|web|bench|test)/' }
    },
    {
      name: 'shared-types-at-the-bottom',
      comment:
        "node/'s event and error modules are what every part of the core and every front end shares: they import " +
        'only each other, the user type and pure leaves (retention arithmetic, the transfer state machine), never a ' +
        'service or store, so nothing that uses them can end up in a cycle.',
      severity: 'error',
      from: { path: '^node/(account/|groups/|transfers/|direct/)?(events|errors)[.]ts$' },
      to: {
        path: '^node/',
        pathNot:
          '^node/((account/|groups/|transfers/|direct/)?(events|errors)|users|retention|offers|transfers/(state|rate))[.]ts$'
      }
    },
    {
      name: 'web-over-the-core',
      comment:
        'web/ is the browser client: the same core, command parser and controller as the terminal, with browser ' +
        'transports and storage. It never runs the relay, the terminal UI or the CLI entry point; nothing imports it.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^(relay|bench|test)/|^cli/(main|tui/)' }
    },
    {
      name: 'nothing-over-web',
      comment: 'web/ is a shell like cli/: the core and the other shells never import it.',
      severity: 'error',
      from: { path: '^(cli|node|protocols|relay)/' },
      to: { path: '^web/' }
    },
    {
      name: 'relay-not-over-cli',
      comment: 'relay/ assembles a node with relay services; the terminal client is not its business.',
      severity: 'error',
      from: { path: '^relay/' },
      to: { path: '^(cli|bench|test)/' }
    },
    {
      name: 'cli-not-over-tests',
      comment: 'bench/ and test/ may import anything, and shipped code imports neither.',
      severity: 'error',
      from: { path: '^cli/' },
      to: { path: '^(bench|test)/' }
    },
    {
      name: 'protocols-through-their-index',
      comment:
        'Outside protocols/, a protocol is used through its index.ts (its public surface), so its files can move ' +
        'and change without touching the core or the shells. bench/ and test/ may reach inside.',
      severity: 'error',
      from: { pathNot: '^(protocols|bench|test)/' },
      to: { path: '^protocols/[^/]+/', pathNot: '^protocols/[^/]+/index[.]ts$' }
    },
    {
      name: 'protocols-use-each-other-through-their-index',
      comment: 'Between protocols the same holds; protocols/common is their shared base and is imported directly.',
      severity: 'error',
      from: { path: '^protocols/([^/]+)/' },
      to: {
        path: '^protocols/[^/]+/',
        pathNot: ['^protocols/$1/', '^protocols/common/', '^protocols/[^/]+/index[.]ts$']
      }
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing fails at run time.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true }
    }
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    // resolve packages the way Node does (ESM `exports` maps), so every import is checked as it will load
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types']
    },
    reporterOptions: { text: { highlightFocused: true } }
  }
}
