import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface SignedGossip {
  from: Uint8Array<ArrayBuffer>
  data: Uint8Array<ArrayBuffer>
  seqno: Uint8Array<ArrayBuffer>
  topic: string
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedGossip {
  let _codec: Codec<SignedGossip>

  export const codec = (): Codec<SignedGossip> => {
    if (_codec == null) {
      _codec = message<SignedGossip>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.from != null && obj.from.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.from)
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.data)
        }

        if ((obj.seqno != null && obj.seqno.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.seqno)
        }

        if ((obj.topic != null && obj.topic !== '')) {
          w.uint32(34)
          w.string(obj.topic)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          from: uint8ArrayAlloc(0),
          data: uint8ArrayAlloc(0),
          seqno: uint8ArrayAlloc(0),
          topic: '',
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.from = reader.bytes()
              break
            }
            case 2: {
              obj.data = reader.bytes()
              break
            }
            case 3: {
              obj.seqno = reader.bytes()
              break
            }
            case 4: {
              obj.topic = reader.string()
              break
            }
            case 5: {
              obj.signature = reader.bytes()
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
                field: `${prefix}.from`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.data`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.seqno`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.topic`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.signature`,
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

  export interface SignedGossipFromFieldEvent {
    field: '$.from'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedGossipDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedGossipSeqnoFieldEvent {
    field: '$.seqno'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedGossipTopicFieldEvent {
    field: '$.topic'
    value: string
  }

  export interface SignedGossipSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedGossip>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedGossip.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedGossip>): SignedGossip {
    return decodeMessage(buf, SignedGossip.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedGossip>): Generator<SignedGossipFromFieldEvent | SignedGossipDataFieldEvent | SignedGossipSeqnoFieldEvent | SignedGossipTopicFieldEvent | SignedGossipSignatureFieldEvent> {
    return streamMessage(buf, SignedGossip.codec(), opts)
  }
}

export interface CatchUpRequest {
  topic: string
  since: bigint
  limit: number
}

export namespace CatchUpRequest {
  let _codec: Codec<CatchUpRequest>

  export const codec = (): Codec<CatchUpRequest> => {
    if (_codec == null) {
      _codec = message<CatchUpRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.topic != null && obj.topic !== '')) {
          w.uint32(10)
          w.string(obj.topic)
        }

        if ((obj.since != null && obj.since !== 0n)) {
          w.uint32(16)
          w.uint64(obj.since)
        }

        if ((obj.limit != null && obj.limit !== 0)) {
          w.uint32(24)
          w.uint32(obj.limit)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          topic: '',
          since: 0n,
          limit: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.topic = reader.string()
              break
            }
            case 2: {
              obj.since = reader.uint64()
              break
            }
            case 3: {
              obj.limit = reader.uint32()
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
                field: `${prefix}.topic`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.since`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.limit`,
                value: reader.uint32()
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

  export interface CatchUpRequestTopicFieldEvent {
    field: '$.topic'
    value: string
  }

  export interface CatchUpRequestSinceFieldEvent {
    field: '$.since'
    value: bigint
  }

  export interface CatchUpRequestLimitFieldEvent {
    field: '$.limit'
    value: number
  }

  export function encode (obj: Partial<CatchUpRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CatchUpRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CatchUpRequest>): CatchUpRequest {
    return decodeMessage(buf, CatchUpRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CatchUpRequest>): Generator<CatchUpRequestTopicFieldEvent | CatchUpRequestSinceFieldEvent | CatchUpRequestLimitFieldEvent> {
    return streamMessage(buf, CatchUpRequest.codec(), opts)
  }
}

export interface CatchUpResponse {
  status: CatchUpResponse.Status
  reason: string
  messages: SignedGossip[]
  last: boolean
  truncated: boolean
}

export namespace CatchUpResponse {
  export enum Status {
    OK = 'OK',
    REFUSED = 'REFUSED',
    INVALID = 'INVALID',
    RATE_LIMITED = 'RATE_LIMITED'
  }

  enum __StatusValues {
    OK = 0,
    REFUSED = 1,
    INVALID = 2,
    RATE_LIMITED = 3
  }

  export namespace Status {
    export const codec = (): Codec<Status> => {
      return enumeration<Status>(__StatusValues)
    }
  }

  let _codec: Codec<CatchUpResponse>

  export const codec = (): Codec<CatchUpResponse> => {
    if (_codec == null) {
      _codec = message<CatchUpResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.status != null && __StatusValues[obj.status] !== 0) {
          w.uint32(8)
          CatchUpResponse.Status.codec().encode(obj.status, w)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(18)
          w.string(obj.reason)
        }

        if (obj.messages != null && obj.messages.length > 0) {
          for (const value of obj.messages) {
            w.uint32(26)
            SignedGossip.codec().encode(value, w)
          }
        }

        if ((obj.last != null && obj.last !== false)) {
          w.uint32(32)
          w.bool(obj.last)
        }

        if ((obj.truncated != null && obj.truncated !== false)) {
          w.uint32(40)
          w.bool(obj.truncated)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          status: Status.OK,
          reason: '',
          messages: [],
          last: false,
          truncated: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.status = CatchUpResponse.Status.codec().decode(reader)
              break
            }
            case 2: {
              obj.reason = reader.string()
              break
            }
            case 3: {
              if (opts.limits?.messages != null && obj.messages.length === opts.limits.messages) {
                throw new MaxLengthError('Decode error - repeated field "messages" had too many elements')
              }

              obj.messages.push(SignedGossip.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.messages$
              }))
              break
            }
            case 4: {
              obj.last = reader.bool()
              break
            }
            case 5: {
              obj.truncated = reader.bool()
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
          messages: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.status`,
                value: CatchUpResponse.Status.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.reason`,
                value: reader.string()
              }
              break
            }
            case 3: {
              if (opts.limits?.messages != null && obj.messages === opts.limits.messages) {
                throw new MaxLengthError('Streaming decode error - repeated field "messages" had too many elements')
              }

              for (const evt of SignedGossip.codec().stream(reader, reader.uint32(), `${prefix}.messages[]`, {
                limits: opts.limits?.messages$
              })) {
                yield {
                  ...evt,
                  index: obj.messages
                }
              }

              obj.messages++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.last`,
                value: reader.bool()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.truncated`,
                value: reader.bool()
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

  export interface CatchUpResponseStatusFieldEvent {
    field: '$.status'
    value: CatchUpResponse.Status
  }

  export interface CatchUpResponseReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export interface CatchUpResponseMessagesFromFieldEvent {
    field: '$.messages[].from'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface CatchUpResponseMessagesDataFieldEvent {
    field: '$.messages[].data'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface CatchUpResponseMessagesSeqnoFieldEvent {
    field: '$.messages[].seqno'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface CatchUpResponseMessagesTopicFieldEvent {
    field: '$.messages[].topic'
    value: string
    index: number
  }

  export interface CatchUpResponseMessagesSignatureFieldEvent {
    field: '$.messages[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface CatchUpResponseLastFieldEvent {
    field: '$.last'
    value: boolean
  }

  export interface CatchUpResponseTruncatedFieldEvent {
    field: '$.truncated'
    value: boolean
  }

  export function encode (obj: Partial<CatchUpResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CatchUpResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CatchUpResponse>): CatchUpResponse {
    return decodeMessage(buf, CatchUpResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CatchUpResponse>): Generator<CatchUpResponseStatusFieldEvent | CatchUpResponseReasonFieldEvent | CatchUpResponseMessagesFromFieldEvent | CatchUpResponseMessagesDataFieldEvent | CatchUpResponseMessagesSeqnoFieldEvent | CatchUpResponseMessagesTopicFieldEvent | CatchUpResponseMessagesSignatureFieldEvent | CatchUpResponseLastFieldEvent | CatchUpResponseTruncatedFieldEvent> {
    return streamMessage(buf, CatchUpResponse.codec(), opts)
  }
}
