import { readFileSync } from 'node:fs'
import { satisfies } from 'semver'
import { describe, expect, it } from 'vitest'

interface LockedPackage {
  version?: string
  engines?: Record<string, string> | string[]
}

const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, LockedPackage>
}

/** The Node the project brings (the `node` dev dependency): npm scripts, the tests and `npm start` run on it. */
const BUNDLED_NODE = lock.packages['node_modules/node']?.version ?? ''

/**
 * npm checks `engines` against the Node that runs npm, which on an older machine is not the Node that runs
 * p2pchat; .npmrc therefore keeps npm to errors, and this test asks the question that matters instead.
 */
describe('dependency engines', () => {
  it('every locked package accepts the bundled Node', () => {
    expect(BUNDLED_NODE).toMatch(/^24\./)
    const refusing = Object.entries(lock.packages)
      .map(([path, pkg]) => [path, Array.isArray(pkg.engines) ? undefined : pkg.engines?.node] as const)
      .filter(([, range]) => range != null && !satisfies(BUNDLED_NODE, range, { includePrerelease: true }))
      .map(([path, range]) => `${path} needs Node ${range}`)
    expect(refusing).toEqual([])
  })
})
