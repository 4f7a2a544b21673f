/**
 * One JSON value on one line. JSON allows U+2028 and U+2029 unescaped inside strings, but line readers such as
 * Node's readline (and JavaScript before ES2019) treat them as line breaks, so a peer's text could split one event
 * in two; escaped, every event is exactly one line for every reader.
 */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(/[\u2028\u2029]/g, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'))
}
