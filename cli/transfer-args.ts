import { homedir } from 'node:os'
import { InvalidArgumentError } from 'commander'

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4
}

/** Parses a size like `500MB`, `1.5GiB` or `1048576` (units are powers of 1024). */
export function parseSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text)
  const unit = SIZE_UNITS[match?.[2].toLowerCase() ?? 'x']
  if (match == null || unit == null) {
    throw new Error(`'${text}' is not a size (try 500MB, 2GB or a number of bytes)`)
  }
  const bytes = Math.floor(Number(match[1]) * unit)
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new Error(`'${text}' is not a usable size`)
  }
  return bytes
}

const DURATION_UNITS: Record<string, number> = { ms: 1, '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Parses a duration like `90s`, `10m`, `1h`, `2d` or `30` (seconds) into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|)\s*$/i.exec(text)
  if (match == null) {
    throw new Error(`'${text}' is not a duration (try 90s, 10m or 1h)`)
  }
  const ms = Math.round(Number(match[1]) * DURATION_UNITS[match[2].toLowerCase()])
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new Error(`'${text}' is not a usable duration`)
  }
  return ms
}

/** commander argParser for --max-file-size. */
export function sizeArg(value: string): number {
  try {
    return parseSize(value)
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message)
  }
}

/** commander argParser for --offer-ttl. */
export function durationArg(value: string): number {
  try {
    return parseDuration(value)
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message)
  }
}

/**
 * A path as typed or pasted into the chat: surrounding quotes removed, `\ ` unescaped (what terminals
 * paste for dropped files), and a leading `~` expanded, since no shell does it for us here.
 */
export function unquotePath(text: string, home: string = homedir()): string {
  let path = text.trim()
  const quote = path[0]
  if (path.length >= 2 && (quote === '"' || quote === "'") && path.endsWith(quote)) {
    path = path.slice(1, -1)
  } else {
    path = path.replace(/\\(.)/g, '$1')
  }
  if (path === '~' || path.startsWith('~/')) {
    path = home + path.slice(1)
  }
  return path
}
