import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { round } from './stats.ts'

/** One benchmark figure with the baseline measured in the same run, so commits compare on a shared machine. */
export interface Figure {
  name: string
  value: number
  unit: string
  /** what the figure is compared with, measured in the same run; null when there is nothing alike to run */
  baseline: string | null
  baselineValue: number | null
  /** value / baselineValue */
  ratio: number | null
}

/** bench-results.json at the repository root (benchmarks run from dist/bench/). */
export const RESULTS_PATH = fileURLToPath(new URL('../../bench-results.json', import.meta.url))

/** A figure; with a baseline, its ratio. */
export function figure(name: string, value: number, unit: string, baseline?: { name: string; value: number }): Figure {
  if (baseline == null) {
    return { name, value: round(value, 3), unit, baseline: null, baselineValue: null, ratio: null }
  }
  return {
    name,
    value: round(value, 3),
    unit,
    baseline: baseline.name,
    baselineValue: round(baseline.value, 3),
    // a baseline that measured nothing (too short a sample on a busy machine) gives no ratio rather than Infinity
    ratio: baseline.value > 0 ? round(value / baseline.value, 3) : null
  }
}

/** The figures as a table: name, value, baseline, ratio. */
export function formatFigures(figures: Figure[]): string {
  const rows = figures.map((f) => [
    f.name,
    `${f.value} ${f.unit}`,
    f.baseline == null ? '' : `${f.baselineValue} ${f.unit} (${f.baseline})`,
    f.ratio == null ? '' : `${f.ratio}x`
  ])
  const header = ['figure', 'value', 'same-run baseline', 'ratio']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ')).join('\n')
}

/** Writes `{ figures }` to bench-results.json at the repository root. */
export function writeResults(figures: Figure[], path: string = RESULTS_PATH): void {
  writeFileSync(path, `${JSON.stringify({ figures }, null, 2)}\n`)
}

/** Adds `figures` to bench-results.json, replacing figures of the same name (programs run after the main table). */
export function mergeResults(figures: Figure[], path: string = RESULTS_PATH): void {
  let existing: Figure[] = []
  try {
    existing = (JSON.parse(readFileSync(path, 'utf8')) as { figures: Figure[] }).figures
  } catch {
    // no results yet
  }
  const names = new Set(figures.map((f) => f.name))
  writeResults([...existing.filter((f) => !names.has(f.name)), ...figures], path)
}
