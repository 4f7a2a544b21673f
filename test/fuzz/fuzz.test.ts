import { describe, expect, it } from 'vitest'
import { TARGETS } from './registry.ts'
import { runTarget } from './runner.ts'

/** Cases per target in the unit suite: every target runs, a few seconds in all; `npm run fuzz` runs 100,000 each. */
const SUITE_CASES = 150

/** Fixed, so that a failure here replays with `npm run fuzz -- --seed 1 --target <name> --case <index>`. */
const SUITE_SEED = 1

describe('fuzz targets (short run)', () => {
  for (const target of TARGETS) {
    it(`${target.name} survives ${SUITE_CASES} generated and mutated inputs`, async () => {
      const result = await runTarget(target, { seed: SUITE_SEED, cases: SUITE_CASES })
      expect(result.cases).toBe(SUITE_CASES)
      expect(result.reported.map((c) => `case ${c.index}: ${c.error}\ninput: ${c.input}`)).toEqual([])
      expect(result.crashes).toBe(0)
    })
  }
})
