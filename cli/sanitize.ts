/** Display names for rendering, keyed by PeerId; the JSON form carries plain names and PeerIds instead. */
export type DisplayNames = (peerId: string, fallback: string) => string

// C0/C1 controls other than tab and newline: a peer's text must not drive our terminal (colour, cursor, title).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g

/** Replaces control characters (other than tab and newline) with U+FFFD. */
export function stripControls(text: string): string {
  return text.replace(UNSAFE, '\uFFFD')
}

/** Makes remote text safe to print: control characters become U+FFFD, continuation lines are indented. */
export function sanitize(text: string): string {
  return stripControls(text).replace(/\n/g, '\n    ')
}
