import { performance } from 'node:perf_hooks'
import { type Case, FuzzFailure, type Session, type Target } from './target.ts'

/** Cases generated per batch: each batch has its own seed, so one case can be replayed without the rest. */
export const BATCH_SIZE = 250

/** Crashes reported in full per target; the rest are counted. */
const MAX_REPORTED = 3

const ACCEPTED = 'accepted'
const REFUSED = 'refused'

export interface Crash {
  target: string
  seed: number
  /** index of the case: `--seed <seed> --target <target> --case <index>` replays it */
  index: number
  error: string
  input: string
}

export interface TargetResult {
  name: string
  kind: Target['kind']
  cases: number
  /** cases that ran through without an error: how deep the generated inputs reach */
  accepted: number
  ms: number
  crashes: number
  reported: Crash[]
}

export interface RunOptions {
  seed: number
  cases: number
  /** replays this one case only */
  only?: number
  /** called after every case with its outcome: 'accepted', 'refused' or the crash */
  onCase?: (index: number, c: Case, outcome: string) => void
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    return `${err.name}: ${err.message}${err.stack == null ? '' : `\n${err.stack.split('\n').slice(1, 6).join('\n')}`}`
  }
  return `non-Error thrown: ${String(err)}`
}

/** Runs one case: 'accepted', 'refused' (an expected error), or what went wrong. */
async function runCase(c: Case, session: Session): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    const result = c.run()
    if (result instanceof Promise) {
      const hang = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new FuzzFailure(`no answer within ${session.timeoutMs} ms (hang)`)),
          session.timeoutMs
        )
      })
      await Promise.race([result, hang])
    }
    return ACCEPTED
  } catch (err) {
    return err instanceof FuzzFailure || !session.expected(err) ? describe(err) : REFUSED
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Runs `options.cases` cases of `target` (or the one case `options.only`). An unhandled rejection or uncaught
 * exception while it runs is a crash of the case running at the time.
 */
export async function runTarget(target: Target, options: RunOptions): Promise<TargetResult> {
  const session = await target.setup()
  const result: TargetResult = {
    name: target.name,
    kind: target.kind,
    cases: 0,
    accepted: 0,
    ms: 0,
    crashes: 0,
    reported: []
  }
  let current: { index: number; c?: Case } = { index: -1 }
  const crash = (index: number, c: Case | undefined, error: string): void => {
    result.crashes++
    if (result.reported.length < MAX_REPORTED) {
      result.reported.push({ target: target.name, seed: options.seed, index, error, input: c?.show() ?? '' })
    }
  }
  const onUnhandled = (err: unknown): void => crash(current.index, current.c, `unhandled: ${describe(err)}`)
  process.on('unhandledRejection', onUnhandled)
  process.on('uncaughtException', onUnhandled)
  const started = performance.now()
  try {
    const first = options.only ?? 0
    const end = options.only == null ? options.cases : options.only + 1
    for (let batch = Math.floor(first / BATCH_SIZE); batch * BATCH_SIZE < end; batch++) {
      const size = Math.min(BATCH_SIZE, options.only == null ? end - batch * BATCH_SIZE : BATCH_SIZE)
      const cases = session.cases(options.seed, batch, BATCH_SIZE).slice(0, size)
      for (let i = 0; i < cases.length; i++) {
        const index = batch * BATCH_SIZE + i
        if (index < first || index >= end) {
          continue
        }
        current = { index, c: cases[i] }
        const outcome = await runCase(cases[i], session)
        result.cases++
        options.onCase?.(index, cases[i], outcome)
        if (outcome === ACCEPTED) {
          result.accepted++
        } else if (outcome !== REFUSED) {
          crash(index, cases[i], outcome)
        }
      }
    }
    // what a case left running (timers, stream reads) fails here rather than in the next target
    await new Promise((resolve) => setImmediate(resolve))
  } finally {
    result.ms = performance.now() - started
    process.off('unhandledRejection', onUnhandled)
    process.off('uncaughtException', onUnhandled)
    await session.close()
  }
  return result
}

/** The results as a Markdown table: one row per target, cases per second and crashes. */
export function formatTable(results: readonly TargetResult[]): string {
  const rows = results.map((r) => [
    r.name,
    r.kind,
    r.cases.toLocaleString('en-US'),
    Math.round(r.cases / (r.ms / 1000)).toLocaleString('en-US'),
    `${r.cases === 0 ? 0 : Math.round((100 * r.accepted) / r.cases)}%`,
    String(r.crashes)
  ])
  const header = ['target', 'kind', 'cases', 'cases/s', 'accepted', 'crashes']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`
  const rule = `| ${widths.map((w, i) => (i >= 2 ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`
  return [line(header), rule, ...rows.map(line)].join('\n')
}
