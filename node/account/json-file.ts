/**
 * Parses untrusted bytes as a UTF-8 JSON object, the first step of every account file decoder (settings, sealed
 * key, backup). Each reports failure as its own named error, made by `fail`.
 */
export function parseJsonObject(bytes: Uint8Array, fail: (why: string) => Error): Record<string, unknown> {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    throw fail('not JSON')
  }
  if (typeof json !== 'object' || json == null || Array.isArray(json)) {
    throw fail('not a JSON object')
  }
  return json as Record<string, unknown>
}
