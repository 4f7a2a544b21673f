import { writeFileSync } from 'node:fs'

/**
 * Preloaded into the benchmark's relay process (`--expose-gc --import relay-probe.js`): on SIGUSR2 it collects
 * garbage and writes the process's memory to BENCH_PROBE_FILE, so memory per client is read after collection and not
 * at whatever point of its garbage cycle the relay happened to be.
 */
const file = process.env.BENCH_PROBE_FILE
const collect = (globalThis as { gc?: () => void }).gc
if (file != null && collect != null) {
  process.on('SIGUSR2', () => {
    collect()
    collect()
    const m = process.memoryUsage()
    writeFileSync(
      file,
      JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external })
    )
  })
}
