/**
 * `npm run chaos`: runs the chaos scenarios (test/e2e/chaos-*.test.ts) in their long versions, one file at a time,
 * then prints their figures as a table. P2PCHAT_CHAOS_PEERS and P2PCHAT_CHAOS_ROUNDS scale them up; arguments
 * are passed to vitest (a file name runs one scenario).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChaosRow } from '../e2e/harness/chaos.ts'

const dir = mkdtempSync(join(tmpdir(), 'p2pchat-chaos-'))
const results = join(dir, 'results.jsonl')
const files = process.argv.slice(2)
const run = spawnSync(
  'npx',
  ['vitest', 'run', '--no-file-parallelism', ...(files.length > 0 ? files : ['test/e2e/chaos-'])],
  {
    stdio: 'inherit',
    env: { ...process.env, P2PCHAT_CHAOS: 'long', P2PCHAT_CHAOS_RESULTS: results }
  }
)
let rows: ChaosRow[] = []
try {
  rows = readFileSync(results, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as ChaosRow)
} catch {
  // no scenario got as far as its figures
}
rmSync(dir, { recursive: true, force: true })
console.log(table(rows))
process.exitCode = run.status ?? 1

function table(rows: ChaosRow[]): string {
  const head = [
    'scenario',
    'messages sent',
    'deliveries owed',
    'delivered exactly once',
    'duplicates',
    'lost',
    'DMs and posts reported failed',
    'time to heal',
    'peak RSS',
    'violations'
  ]
  const lines = rows.map((r) => [
    r.scenario,
    String(r.sent),
    String(r.owed),
    String(r.deliveredOnce),
    String(r.duplicates),
    String(r.lost),
    String(r.reportedFailed),
    `${(r.healMs / 1000).toFixed(1)} s${r.note ? ` (${r.note})` : ''}`,
    `${Math.round(r.peakRssBytes / 1024 / 1024)} MB`,
    String(r.violations)
  ])
  return [head, head.map(() => '---'), ...lines].map((cells) => `| ${cells.join(' | ')} |`).join('\n')
}
