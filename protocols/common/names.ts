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
