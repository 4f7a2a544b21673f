import { decodeMessage, encodeMessage, enumeration, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface DirectMessage {
  id: string
  timestamp: bigint
  senderName: string
  text: string
}

export namespace DirectMessage {
  let _codec: Codec<DirectMessage>

  export const codec = (): Codec<DirectMessage> => {
    if (_codec == null) {
      _codec = message<DirectMessage>((obj, w, opts = {}) => {
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

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: '',
          timestamp: 0n,
          senderName: '',
          text: ''
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

  export interface DirectMessageIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface DirectMessageTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface DirectMessageSenderNameFieldEvent {
    field: '$.senderName'
    value: string
  }

  export interface DirectMessageTextFieldEvent {
    field: '$.text'
    value: string
  }

  export function encode (obj: Partial<DirectMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DirectMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectMessage>): DirectMessage {
    return decodeMessage(buf, DirectMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectMessage>): Generator<DirectMessageIdFieldEvent | DirectMessageTimestampFieldEvent | DirectMessageSenderNameFieldEvent | DirectMessageTextFieldEvent> {
    return streamMessage(buf, DirectMessage.codec(), opts)
  }
}

export interface DirectMessageAck {
  id: string
  status: DirectMessageAck.Status
  reason: string
}

export namespace DirectMessageAck {
  export enum Status {
    OK = 'OK',
    INVALID = 'INVALID',
    REFUSED = 'REFUSED'
  }

  enum __StatusValues {
    OK = 0,
    INVALID = 1,
    REFUSED = 2
  }

  export namespace Status {
    export const codec = (): Codec<Status> => {
      return enumeration<Status>(__StatusValues)
    }
  }

  let _codec: Codec<DirectMessageAck>

  export const codec = (): Codec<DirectMessageAck> => {
    if (_codec == null) {
      _codec = message<DirectMessageAck>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(10)
          w.string(obj.id)
        }

        if (obj.status != null && __StatusValues[obj.status] !== 0) {
          w.uint32(16)
          DirectMessageAck.Status.codec().encode(obj.status, w)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(26)
          w.string(obj.reason)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: '',
          status: Status.OK,
          reason: ''
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
              obj.status = DirectMessageAck.Status.codec().decode(reader)
              break
            }
            case 3: {
              obj.reason = reader.string()
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
                field: `${prefix}.status`,
                value: DirectMessageAck.Status.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.reason`,
                value: reader.string()
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

  export interface DirectMessageAckIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface DirectMessageAckStatusFieldEvent {
    field: '$.status'
    value: DirectMessageAck.Status
  }

  export interface DirectMessageAckReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export function encode (obj: Partial<DirectMessageAck>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DirectMessageAck.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectMessageAck>): DirectMessageAck {
    return decodeMessage(buf, DirectMessageAck.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectMessageAck>): Generator<DirectMessageAckIdFieldEvent | DirectMessageAckStatusFieldEvent | DirectMessageAckReasonFieldEvent> {
    return streamMessage(buf, DirectMessageAck.codec(), opts)
  }
}
