/** Display names for rendering, keyed by PeerId; the JSON form carries plain names and PeerIds instead. */
export type DisplayNames = (peerId: string, fallback: string) => string

// C0/C1 controls other than tab and newline: a peer's text must not drive our terminal (colour, cursor, title).
// Bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069) and marks (U+061C, U+200E-200F) reorder what
// follows them, so `abc\u202Eevil` shows as another text than it is ("Trojan Source"); invisible format characters
// (zero width space, word joiner and invisible operators, deprecated format controls, BOM, interlinear annotation)
// hide text or make two texts look alike. ZWJ and ZWNJ (U+200C-200D) stay: emoji sequences and scripts need them.
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g

/** Replaces control, bidi and invisible format characters (other than tab, newline, ZWJ, ZWNJ) with U+FFFD. */
export function stripControls(text: string): string {
  return text.replace(UNSAFE, '\uFFFD')
}

/** Makes remote text safe to print: control characters become U+FFFD, continuation lines are indented. */
export function sanitize(text: string): string {
  return stripControls(text).replace(/\n/g, '\n    ')
}
