import { EmptyMessageError, MessageTooLargeError } from './errors.ts'
import { MAX_TEXT_BYTES } from './limits.ts'

const encoder = new TextEncoder()

/** UTF-8 size of a string, which is what the wire limit counts. */
export function utf8Length(text: string): number {
  return encoder.encode(text).byteLength
}

/** Throws unless `text` has something visible in it and fits in MAX_TEXT_BYTES. */
export function validateText(text: string, maxBytes: number = MAX_TEXT_BYTES): string {
  if (text.trim().length === 0) {
    throw new EmptyMessageError('message is empty')
  }
  const size = utf8Length(text)
  if (size > maxBytes) {
    throw new MessageTooLargeError(`message is ${size} bytes, the limit is ${maxBytes}`)
  }
  return text
}
