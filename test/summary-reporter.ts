import type { Reporter, TestModule } from 'vitest/node'

/**
 * Ends the run with one plain 'N passed, N failed, N skipped' line that any CI can read, followed by why tests
 * were skipped (requireTool's reasons), so that a skip is never silent.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    const reasons = new Map<string, number>()
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const result = test.result()
        if (result.state === 'passed') passed++
        else if (result.state === 'failed') failed++
        else {
          skipped++
          const why = result.state === 'skipped' && result.note != null ? result.note : 'skipped without a reason'
          reasons.set(why, (reasons.get(why) ?? 0) + 1)
        }
      }
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) {
        failed++
      }
    }
    const why = [...reasons].map(([reason, count]) => `  ${count} skipped: ${reason}\n`).join('')
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n${why}`)
  }
}
