import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface LobbyMessage {
  id: string
  timestamp: bigint
  senderName: string
  text: string
  epoch: bigint
  seq: bigint
}

export namespace LobbyMessage {
  let _codec: Codec<LobbyMessage>

  export const codec = (): Codec<LobbyMessage> => {
    if (_codec == null) {
      _codec = message<LobbyMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(10)
          w.string(obj.id)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(16)
          w.uint64(obj.timestamp)
        }

        if ((obj.senderName != null && obj.senderName !== '')) {
          w.uint32(26)
          w.string(obj.senderName)
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(34)
          w.string(obj.text)
        }

        if ((obj.epoch != null && obj.epoch !== 0n)) {
          w.uint32(40)
          w.uint64(obj.epoch)
        }

        if ((obj.seq != null && obj.seq !== 0n)) {
          w.uint32(48)
          w.uint64(obj.seq)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: '',
          timestamp: 0n,
          senderName: '',
          text: '',
          epoch: 0n,
          seq: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.string()
              break
            }
            case 2: {
              obj.timestamp = reader.uint64()
              break
            }
            case 3: {
              obj.senderName = reader.string()
              break
            }
            case 4: {
              obj.text = reader.string()
              break
            }
            case 5: {
              obj.epoch = reader.uint64()
              break
            }
            case 6: {
              obj.seq = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.id`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.senderName`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint64()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface LobbyMessageIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface LobbyMessageTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface LobbyMessageSenderNameFieldEvent {
    field: '$.senderName'
    value: string
  }

  export interface LobbyMessageTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface LobbyMessageEpochFieldEvent {
    field: '$.epoch'
    value: bigint
  }

  export interface LobbyMessageSeqFieldEvent {
    field: '$.seq'
    value: bigint
  }

  export function encode (obj: Partial<LobbyMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LobbyMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LobbyMessage>): LobbyMessage {
    return decodeMessage(buf, LobbyMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LobbyMessage>): Generator<LobbyMessageIdFieldEvent | LobbyMessageTimestampFieldEvent | LobbyMessageSenderNameFieldEvent | LobbyMessageTextFieldEvent | LobbyMessageEpochFieldEvent | LobbyMessageSeqFieldEvent> {
    return streamMessage(buf, LobbyMessage.codec(), opts)
  }
}
