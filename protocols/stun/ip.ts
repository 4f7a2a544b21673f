/** The 4 bytes of a dotted IPv4 address, or undefined. */
function ipv4Bytes(text: string): Uint8Array | undefined {
  const parts = text.split('.')
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    return undefined
  }
  return Uint8Array.from(parts.map(Number))
}

/** The 16 bytes of an IPv6 address (`::` shorthand, a dotted IPv4 tail and a `%zone` allowed), or undefined. */
function ipv6Bytes(text: string): Uint8Array | undefined {
  const [head, tail, ...rest] = text.replace(/%.*$/, '').split('::')
  if (rest.length > 0) {
    return undefined
  }
  const groups = (part: string | undefined): number[] | undefined => {
    if (part == null || part === '') {
      return []
    }
    const out: number[] = []
    const pieces = part.split(':')
    for (const [i, piece] of pieces.entries()) {
      const v4 = i === pieces.length - 1 && piece.includes('.') ? ipv4Bytes(piece) : undefined
      if (v4 != null) {
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3])
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        out.push(Number.parseInt(piece, 16))
      } else {
        return undefined
      }
    }
    return out
  }
  const front = groups(head)
  const back = groups(tail)
  if (front == null || back == null) {
    return undefined
  }
  const missing = 8 - front.length - back.length
  if ((tail == null && missing !== 0) || (tail != null && missing < 1)) {
    return undefined
  }
  const all = [...front, ...new Array<number>(tail == null ? 0 : missing).fill(0), ...back]
  const out = new Uint8Array(16)
  all.forEach((g, i) => {
    out[2 * i] = g >> 8
    out[2 * i + 1] = g & 0xff
  })
  return out
}

/** The bytes of an IP address as Node's sockets print it (4 for IPv4, 16 for IPv6), or undefined if it is neither. */
export function ipBytes(text: string): Uint8Array | undefined {
  return text.includes(':') ? ipv6Bytes(text) : ipv4Bytes(text)
}
