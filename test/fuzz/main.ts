import { parseArgs } from 'node:util'
import { TARGETS } from './registry.ts'
import { formatTable, runTarget, type TargetResult } from './runner.ts'

/**
 * `npm run fuzz`: every target with at least 100,000 cases. Options: --seed N (default 1), --target NAME (exact, or
 * a prefix such as `dm.`), --cases N, --case I (replays one case of the seed and prints it), --list.
 */

/** Cases per target of a full run. */
const FULL_RUN_CASES = 100_000

/** The seed when none is given: runs are repeatable unless asked otherwise. */
const DEFAULT_SEED = 1

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    target: { type: 'string' },
    cases: { type: 'string' },
    case: { type: 'string' },
    list: { type: 'boolean' }
  }
})

function integer(text: string | undefined, fallback: number, what: string): number {
  if (text == null) {
    return fallback
  }
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new Error(`--${what} must be a non-negative integer, not '${text}'`)
  }
  return n
}

async function main(): Promise<number> {
  if (values.list === true) {
    for (const t of TARGETS) {
      console.log(`${t.kind.padEnd(8)} ${t.name}`)
    }
    return 0
  }
  const seed = integer(values.seed, DEFAULT_SEED, 'seed')
  const cases = integer(values.cases, FULL_RUN_CASES, 'cases')
  const only = values.case == null ? undefined : integer(values.case, 0, 'case')
  const chosen = TARGETS.filter(
    (t) => values.target == null || t.name === values.target || t.name.startsWith(values.target)
  )
  if (chosen.length === 0) {
    console.error(`no target matches '${values.target}' (see --list)`)
    return 2
  }
  console.log(
    `fuzzing ${chosen.length} targets, seed ${seed}, ${only == null ? `${cases} cases each` : `case ${only}`}`
  )
  const results: TargetResult[] = []
  for (const target of chosen) {
    const result = await runTarget(target, {
      seed,
      cases,
      only,
      // a replay shows the input and what became of it
      onCase:
        only == null
          ? undefined
          : (index, c, outcome) => console.log(`  case ${index}: ${outcome}\n  input: ${c.show()}`)
    })
    results.push(result)
    const rate = Math.round(result.cases / (result.ms / 1000))
    console.log(`  ${target.name}: ${result.cases} cases, ${rate}/s, ${result.crashes} crashes`)
    for (const c of result.reported) {
      console.log(
        `    CRASH case ${c.index} (replay: npm run fuzz -- --seed ${c.seed} --target ${c.target} --case ${c.index})`
      )
      console.log(`      ${c.error.replaceAll('\n', '\n      ')}`)
      console.log(`      input: ${c.input}`)
    }
  }
  const total = results.reduce((n, r) => n + r.ms, 0)
  console.log(`\nseed ${seed}, ${(total / 1000).toFixed(1)} s\n${formatTable(results)}`)
  return results.some((r) => r.crashes > 0) ? 1 : 0
}

process.exitCode = await main()
