import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface DirectMessage {
  id: string
  timestamp: bigint
  senderName: string
  text: string
  sealed: Uint8Array<ArrayBuffer>
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

        if ((obj.sealed != null && obj.sealed.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.sealed)
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
          sealed: uint8ArrayAlloc(0)
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
              obj.sealed = reader.bytes()
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
                field: `${prefix}.sealed`,
                value: reader.bytes()
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

  export interface DirectMessageSealedFieldEvent {
    field: '$.sealed'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<DirectMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DirectMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectMessage>): DirectMessage {
    return decodeMessage(buf, DirectMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectMessage>): Generator<DirectMessageIdFieldEvent | DirectMessageTimestampFieldEvent | DirectMessageSenderNameFieldEvent | DirectMessageTextFieldEvent | DirectMessageSealedFieldEvent> {
    return streamMessage(buf, DirectMessage.codec(), opts)
  }
}

export interface DmContent {
  id: string
  timestamp: bigint
  senderName: string
  text: string
  delivered: string[]
}

export namespace DmContent {
  let _codec: Codec<DmContent>

  export const codec = (): Codec<DmContent> => {
    if (_codec == null) {
      _codec = message<DmContent>((obj, w, opts = {}) => {
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

        if (obj.delivered != null && obj.delivered.length > 0) {
          for (const value of obj.delivered) {
            w.uint32(42)
            w.string(value)
          }
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
          delivered: []
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
              if (opts.limits?.delivered != null && obj.delivered.length === opts.limits.delivered) {
                throw new MaxLengthError('Decode error - repeated field "delivered" had too many elements')
              }

              obj.delivered.push(reader.string())
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
        const obj = {
          delivered: 0
        }

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
              if (opts.limits?.delivered != null && obj.delivered === opts.limits.delivered) {
                throw new MaxLengthError('Streaming decode error - repeated field "delivered" had too many elements')
              }

              yield {
                field: `${prefix}.delivered[]`,
                index: obj.delivered,
                value: reader.string()
              }

              obj.delivered++

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

  export interface DmContentIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface DmContentTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface DmContentSenderNameFieldEvent {
    field: '$.senderName'
    value: string
  }

  export interface DmContentTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface DmContentDeliveredFieldEvent {
    field: '$.delivered[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<DmContent>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DmContent.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DmContent>): DmContent {
    return decodeMessage(buf, DmContent.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DmContent>): Generator<DmContentIdFieldEvent | DmContentTimestampFieldEvent | DmContentSenderNameFieldEvent | DmContentTextFieldEvent | DmContentDeliveredFieldEvent> {
    return streamMessage(buf, DmContent.codec(), opts)
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
    REFUSED = 'REFUSED',
    UNDECRYPTABLE = 'UNDECRYPTABLE'
  }

  enum __StatusValues {
    OK = 0,
    INVALID = 1,
    REFUSED = 2,
    UNDECRYPTABLE = 3
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
