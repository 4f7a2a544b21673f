import { describe, expect, it } from 'vitest'
import { MAX_DESCRIPTION_LENGTH, MAX_GROUP_NAME_LENGTH } from '../../../protocols/group/constants.ts'
import { InvalidGroupNameError } from '../../../protocols/group/errors.ts'
import { validateDescription, validateGroupName } from '../../../protocols/group/names.ts'

describe('group names and descriptions', () => {
  it('accepts names with inner spaces and any script, up to the limit', () => {
    for (const name of ['team', 'Book Club', 'Équipe 42', '读书会', 'x'.repeat(MAX_GROUP_NAME_LENGTH)]) {
      expect(validateGroupName(name)).toBe(name)
    }
  })

  it('refuses empty, too long, padded, quoted, tagged or invisible-character names', () => {
    for (const name of [
      '',
      '   ',
      'x'.repeat(MAX_GROUP_NAME_LENGTH + 1),
      ' team',
      'team ',
      'a"b',
      'a#b',
      'a\tb',
      'a\nb',
      'ad\u202Emin',
      'a\u200Bb'
    ]) {
      expect(() => validateGroupName(name), JSON.stringify(name)).toThrow(InvalidGroupNameError)
    }
  })

  it('accepts descriptions up to the limit and refuses line breaks and control characters', () => {
    expect(validateDescription('')).toBe('')
    expect(validateDescription('d'.repeat(MAX_DESCRIPTION_LENGTH))).toHaveLength(MAX_DESCRIPTION_LENGTH)
    for (const d of ['d'.repeat(MAX_DESCRIPTION_LENGTH + 1), 'two\nlines', 'bell\u0007']) {
      expect(() => validateDescription(d)).toThrow(InvalidGroupNameError)
    }
  })
})
