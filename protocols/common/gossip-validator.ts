import { type Message, TopicValidatorResult } from '@libp2p/gossipsub'

/**
 * A gossipsub topic validator for messages that must be signed and must decode: anything else is rejected, so it
 * is neither delivered nor forwarded and junk dies at the first hop.
 */
export function decodingValidator(decode: (data: Uint8Array) => unknown): (msg: Message) => TopicValidatorResult {
  return (msg) => {
    if (msg.type !== 'signed') {
      return TopicValidatorResult.Reject
    }
    try {
      decode(msg.data)
      return TopicValidatorResult.Accept
    } catch {
      return TopicValidatorResult.Reject
    }
  }
}
