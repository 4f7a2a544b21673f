import { extname } from 'node:path'

/** Longest file name most file systems take, in UTF-8 bytes. */
export const MAX_SAFE_NAME_BYTES = 255

/** What an unusable name (empty, dots only, all control characters) becomes. */
export const FALLBACK_NAME = 'file'

// Control and format characters (bidi overrides can disguise `exe.txt` as `txt.exe`), and characters
// Windows forbids in names.
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}<>:"|?*]/gu

// Device names Windows reserves with any extension; a file called `con.txt` cannot be opened there.
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i

const encoder = new TextEncoder()

function byteLength(text: string): number {
  return encoder.encode(text).byteLength
}

/** Cuts `text` to at most `max` UTF-8 bytes without splitting a character. */
function truncateBytes(text: string, max: number): string {
  let out = ''
  for (const ch of text) {
    if (byteLength(out + ch) > max) {
      break
    }
    out += ch
  }
  return out
}

/**
 * Turns a name chosen by a remote peer into a plain file name that is safe to create in a download folder:
 * the last path segment only (no traversal, no absolute paths), no control or invisible characters, not
 * hidden, not a reserved device name, at most 255 bytes with the extension kept.
 */
export function sanitizeFileName(offered: string): string {
  const segments = offered.split(/[/\\]/)
  let name = segments.filter((s) => s.length > 0).at(-1) ?? ''
  // tabs and line breaks read as spaces; other controls go
  name = name.replace(/\s+/g, ' ').replace(FORBIDDEN, '')
  // leading dots hide a file (and `..` would climb); trailing dots and spaces vanish on Windows
  name = name.replace(/^[\s.]+/, '').replace(/[\s.]+$/, '')
  if (name.length === 0) {
    return FALLBACK_NAME
  }
  if (RESERVED.test(name)) {
    name = `_${name}`
  }
  return fitName(name, MAX_SAFE_NAME_BYTES)
}

/** Shortens `name` to `max` bytes, keeping a short extension. */
function fitName(name: string, max: number): string {
  if (byteLength(name) <= max) {
    return name
  }
  const ext = extname(name)
  if (ext.length > 1 && byteLength(ext) <= 32) {
    return truncateBytes(name.slice(0, -ext.length), max - byteLength(ext)) + ext
  }
  return truncateBytes(name, max)
}

/** The n-th alternative to a taken name: `photo.jpg` -> `photo (1).jpg`, kept within 255 bytes. */
export function numberedName(name: string, n: number): string {
  if (n === 0) {
    return name
  }
  const ext = extname(name)
  const stem = ext.length > 0 && ext.length < name.length ? name.slice(0, -ext.length) : name
  const tail = ` (${n})${stem === name ? '' : ext}`
  return truncateBytes(stem, MAX_SAFE_NAME_BYTES - byteLength(tail)) + tail
}
