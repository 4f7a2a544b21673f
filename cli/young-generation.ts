import { setFlagsFromString } from 'node:v8'

/** V8's own factor by which the young generation grows under load (its `--semi-space-growth-factor` default). */
const V8_SEMI_SPACE_GROWTH_FACTOR = 2

/**
 * Lets V8's young generation grow again under load. bin/p2pchat.js holds it at its initial size while the client
 * loads, so that the allocations of start-up do not leave an idle peer with 30 MiB of young generation it never
 * needs; once the peer is ready, real traffic (a file, a burst of messages) grows it as V8 would.
 */
export function releaseYoungGeneration(): void {
  setFlagsFromString(`--semi-space-growth-factor=${V8_SEMI_SPACE_GROWTH_FACTOR}`)
}
