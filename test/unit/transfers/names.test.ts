import { join, resolve } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_SAFE_NAME_BYTES, numberedName, sanitizeFileName } from '../../../node/transfers/names.ts'

const bytes = (s: string): number => new TextEncoder().encode(s).byteLength

describe('sanitizeFileName', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['/etc/passwd', 'passwd'],
    ['C:\\Windows\\evil.exe', 'evil.exe'],
    ['..', 'file'],
    ['.', 'file'],
    ['', 'file'],
    ['a/b/', 'b'],
    ['.bashrc', 'bashrc'],
    ['name.  ', 'name'],
    ['\u0000\u0001\u001f', 'file'],
    ['in\u202evoice.exe', 'invoice.exe'],
    ['what?<>|*".txt', 'what.txt'],
    ['CON', '_CON'],
    ['lpt1.txt', '_lpt1.txt'],
    ['tab\there', 'tab here'],
    ['ok name (1).tar.gz', 'ok name (1).tar.gz'],
    ['Übersicht 日本.pdf', 'Übersicht 日本.pdf']
  ])('%j -> %j', (offered, safe) => {
    expect(sanitizeFileName(offered)).toBe(safe)
  })

  it('keeps the extension when shortening to 255 bytes', () => {
    const long = `${'é'.repeat(300)}.jpeg`
    const safe = sanitizeFileName(long)
    expect(bytes(safe)).toBeLessThanOrEqual(MAX_SAFE_NAME_BYTES)
    expect(safe.endsWith('.jpeg')).toBe(true)
  })

  it('always yields one harmless path segment inside the folder', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (offered) => {
        const safe = sanitizeFileName(offered)
        expect(safe.length).toBeGreaterThan(0)
        expect(bytes(safe)).toBeLessThanOrEqual(MAX_SAFE_NAME_BYTES)
        expect(safe).not.toMatch(/[/\\]/)
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must be absent
        expect(safe).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/)
        expect(safe.startsWith('.')).toBe(false)
        expect(resolve(join('/downloads', safe)).startsWith('/downloads/')).toBe(true)
      }),
      { numRuns: 3000 }
    )
  })
})

describe('numberedName', () => {
  it('numbers before the extension', () => {
    expect(numberedName('photo.jpg', 0)).toBe('photo.jpg')
    expect(numberedName('photo.jpg', 2)).toBe('photo (2).jpg')
    expect(numberedName('README', 1)).toBe('README (1)')
  })

  it('stays within 255 bytes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.nat({ max: 99_999 }), (name, n) => {
        const safe = sanitizeFileName(name)
        expect(bytes(numberedName(safe, n))).toBeLessThanOrEqual(MAX_SAFE_NAME_BYTES)
      })
    )
  })
})
