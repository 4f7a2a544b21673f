import unhomoglyph from 'unhomoglyph'
import { InvalidNameError } from './errors.ts'

/** Longest display name, in characters (Unicode code points). */
export const MAX_NAME_LENGTH = 32

// Control, format (zero-width, bidi overrides), separators and whitespace: they let one name pose as another
// or break the one-word `/msg <name>` syntax. `#` is reserved for the PeerId suffix that tells equal names apart.
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Zs}\s#]/u

/** Throws InvalidNameError unless `name` is 1-32 characters with no control characters, spaces or '#'. */
export function validateName(name: string): string {
  const length = [...name].length
  if (length === 0) {
    throw new InvalidNameError('name must not be empty')
  }
  if (length > MAX_NAME_LENGTH) {
    throw new InvalidNameError(`name must be at most ${MAX_NAME_LENGTH} characters (got ${length})`)
  }
  if (!name.isWellFormed()) {
    throw new InvalidNameError('name must be valid Unicode (it has a lone surrogate)')
  }
  const bad = FORBIDDEN.exec(name)
  if (bad != null) {
    const what = bad[0] === '#' ? "'#'" : /\s/u.test(bad[0]) ? 'spaces' : 'control or invisible characters'
    throw new InvalidNameError(`name must not contain ${what}`)
  }
  return name
}

/** True when `name` follows the naming rules. */
export function isValidName(name: string): boolean {
  try {
    validateName(name)
    return true
  } catch {
    return false
  }
}

/** UTS #39 skeleton: NFD, each character replaced by its prototype from Unicode's confusables.txt, NFD again. */
function skeleton(text: string): string {
  return unhomoglyph(text.normalize('NFD')).normalize('NFD')
}

/**
 * A key under which names that look alike compare equal: `alice`, Cyrillic `аlice`, fullwidth `ａlice`, `rnike` and
 * `mike` each share one. Compatibility forms are folded first (NFKC), case after the first skeleton so that
 * capitals map to their own look-alikes (`I` like `l`). For comparing only: the key is not meant to be shown.
 */
export function nameSkeleton(name: string): string {
  return skeleton(skeleton(name.normalize('NFKC')).toLowerCase())
}
