import fc from 'fast-check'
import { mutate, randomMutations } from './mutate.ts'

/** Mutations of JSON files and typed lines: what a damaged disk, a hand edit or a hostile paste produces. */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** Values that break assumptions: wrong types, edges of numbers, long and odd strings, prototype keys. */
const oddValueArb: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    true,
    false,
    0,
    -1,
    0.5,
    -0,
    2 ** 53,
    1e308,
    -1e308,
    '',
    ' ',
    '__proto__',
    'constructor',
    '\u0000',
    '\u202e',
    'x'.repeat(70_000),
    [],
    {},
    [null],
    { __proto__: null }
  ),
  fc.jsonValue({ maxDepth: 2 }).map((v) => v as Json),
  fc.string({ unit: 'binary', maxLength: 40 })
)

/** One edit of a parsed JSON value, at a path chosen by the numbers in `path`. */
export interface JsonEdit {
  path: number[]
  action: 'replace' | 'delete' | 'add' | 'wrap'
  key: string
  value: Json
}

const jsonEditArb: fc.Arbitrary<JsonEdit> = fc.record({
  path: fc.array(fc.nat(), { maxLength: 5 }),
  action: fc.constantFrom('replace' as const, 'delete' as const, 'add' as const, 'wrap' as const),
  key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'length', ''), fc.string({ maxLength: 12 })),
  value: oddValueArb
})

function isObject(v: Json): v is { [key: string]: Json } {
  return typeof v === 'object' && v != null && !Array.isArray(v)
}

/** The value with `edit` applied (a structural copy along the edited path). */
function editJson(value: Json, edit: JsonEdit, depth = 0): Json {
  const children = Array.isArray(value) ? value.length : isObject(value) ? Object.keys(value).length : 0
  const step = edit.path[depth]
  if (step == null || children === 0) {
    switch (edit.action) {
      case 'replace':
        return edit.value
      case 'wrap':
        return [value]
      case 'add':
        if (Array.isArray(value)) {
          return [...value, edit.value]
        }
        return isObject(value) ? { ...value, [edit.key]: edit.value } : edit.value
      case 'delete':
        return null
    }
  }
  const index = step % children
  if (Array.isArray(value)) {
    if (edit.action === 'delete' && depth === edit.path.length - 1) {
      return value.filter((_, i) => i !== index)
    }
    return value.map((v, i) => (i === index ? editJson(v, edit, depth + 1) : v))
  }
  const obj = value as { [key: string]: Json }
  const key = Object.keys(obj)[index]
  if (edit.action === 'delete' && depth === edit.path.length - 1) {
    const { [key]: _, ...rest } = obj
    return rest
  }
  return { ...obj, [key]: editJson(obj[key], edit, depth + 1) }
}

/** JSON text for a file decoder: valid, edited structurally, damaged as bytes, or random. */
export function jsonTextFrom(valid: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  const validText = valid.map((v) => JSON.stringify(v))
  return fc.oneof(
    { weight: 2, arbitrary: validText },
    {
      weight: 6,
      arbitrary: fc
        .tuple(valid, fc.array(jsonEditArb, { minLength: 1, maxLength: 3 }))
        .map(([v, edits]) => JSON.stringify(edits.reduce((acc, e) => editJson(acc, e), JSON.parse(JSON.stringify(v)))))
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(validText, fc.integer())
        .map(([text, seed]) => new TextDecoder().decode(mutate(new TextEncoder().encode(text), randomMutations(seed))))
    },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) }
  )
}

/** The same as bytes (UTF-8), plus some that are not UTF-8 at all. */
export function jsonBytesFrom(valid: fc.Arbitrary<unknown>): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 9, arbitrary: jsonTextFrom(valid).map((t) => new TextEncoder().encode(t)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) }
  )
}

/** Characters an attacker pastes: controls, separators, quotes, escapes, bidi, combining marks, emoji. */
const oddCharArb = fc.constantFrom(
  ' ',
  '\t',
  '\n',
  '\r',
  '\u0000',
  '\u001b',
  '\u2028',
  '\u202e',
  '\u200b',
  '\ufeff',
  '"',
  "'",
  '\\',
  '/',
  '~',
  '#',
  '@',
  '-',
  '--',
  '=',
  '\u0301',
  '😀',
  '\ud800'
)

/** Lines for a line parser: valid templates, edited character by character, or random text. */
export function lineFrom(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edited = fc
    .tuple(valid, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), oddCharArb), { minLength: 1, maxLength: 4 }))
    .map(([line, edits]) =>
      edits.reduce((s, [at, op, ch]) => {
        const i = s.length === 0 ? 0 : at % (s.length + 1)
        if (op === 0) {
          return s.slice(0, i) + ch + s.slice(i)
        }
        if (op === 1) {
          return s.slice(0, i) + s.slice(i + 1)
        }
        return op === 2 ? s.slice(0, i) : s + ch.repeat(1 + (at % 300))
      }, line)
    )
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 5, arbitrary: edited },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 5000 }) }
  )
}
