import { MAX_DESCRIPTION_LENGTH, MAX_GROUP_NAME_LENGTH } from './constants.ts'
import { InvalidGroupNameError } from './errors.ts'

// Control and format characters (zero-width, bidi overrides) let one name pose as another or drive a terminal;
// line breaks would break one-line listings. '#' marks an id suffix and '"' quotes names in commands.
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}#"]|[^\S ]/u
const FORBIDDEN_IN_DESCRIPTION = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u

/** Throws InvalidGroupNameError unless `name` is 1-48 characters, single spaces allowed inside, no controls. */
export function validateGroupName(name: string): string {
  const length = [...name].length
  if (length === 0 || name.trim().length === 0) {
    throw new InvalidGroupNameError('group name must not be empty')
  }
  if (length > MAX_GROUP_NAME_LENGTH) {
    throw new InvalidGroupNameError(`group name must be at most ${MAX_GROUP_NAME_LENGTH} characters (got ${length})`)
  }
  if (name !== name.trim()) {
    throw new InvalidGroupNameError('group name must not start or end with a space')
  }
  if (FORBIDDEN_IN_NAME.test(name)) {
    throw new InvalidGroupNameError("group name must not contain '#', '\"', tabs, line breaks or invisible characters")
  }
  return name
}

/** Throws InvalidGroupNameError unless `description` is at most 280 characters with no control characters. */
export function validateDescription(description: string): string {
  const length = [...description].length
  if (length > MAX_DESCRIPTION_LENGTH) {
    throw new InvalidGroupNameError(`description must be at most ${MAX_DESCRIPTION_LENGTH} characters (got ${length})`)
  }
  if (FORBIDDEN_IN_DESCRIPTION.test(description)) {
    throw new InvalidGroupNameError('description must not contain line breaks or control characters')
  }
  return description
}

export function isValidGroupName(name: string): boolean {
  try {
    validateGroupName(name)
    return true
  } catch {
    return false
  }
}

export function isValidDescription(description: string): boolean {
  try {
    validateDescription(description)
    return true
  } catch {
    return false
  }
}
