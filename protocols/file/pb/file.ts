import { decodeMessage, encodeMessage, enumeration, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface FileRequest {
  kind: FileRequest.Kind
  id: string
  name: string
  size: number
  sha256: Uint8Array<ArrayBuffer>
  chunkSize: number
  senderName: string
  ttlMs: number
  offset: number
  wantHashes: boolean
  reason: string
}

export namespace FileRequest {
  export enum Kind {
    OFFER = 'OFFER',
    FETCH = 'FETCH',
    DECLINE = 'DECLINE',
    CANCEL = 'CANCEL',
    COMPLETE = 'COMPLETE'
  }

  enum __KindValues {
    OFFER = 0,
    FETCH = 1,
    DECLINE = 2,
    CANCEL = 3,
    COMPLETE = 4
  }

  export namespace Kind {
    export const codec = (): Codec<Kind> => {
      return enumeration<Kind>(__KindValues)
    }
  }

  let _codec: Codec<FileRequest>

  export const codec = (): Codec<FileRequest> => {
    if (_codec == null) {
      _codec = message<FileRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.kind != null && __KindValues[obj.kind] !== 0) {
          w.uint32(8)
          FileRequest.Kind.codec().encode(obj.kind, w)
        }

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(18)
          w.string(obj.id)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(26)
          w.string(obj.name)
        }

        if ((obj.size != null && obj.size !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.size)
        }

        if ((obj.sha256 != null && obj.sha256.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.sha256)
        }

        if ((obj.chunkSize != null && obj.chunkSize !== 0)) {
          w.uint32(48)
          w.uint32(obj.chunkSize)
        }

        if ((obj.senderName != null && obj.senderName !== '')) {
          w.uint32(58)
          w.string(obj.senderName)
        }

        if ((obj.ttlMs != null && obj.ttlMs !== 0)) {
          w.uint32(64)
          w.uint64Number(obj.ttlMs)
        }

        if ((obj.offset != null && obj.offset !== 0)) {
          w.uint32(72)
          w.uint64Number(obj.offset)
        }

        if ((obj.wantHashes != null && obj.wantHashes !== false)) {
          w.uint32(80)
          w.bool(obj.wantHashes)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(90)
          w.string(obj.reason)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          kind: Kind.OFFER,
          id: '',
          name: '',
          size: 0,
          sha256: uint8ArrayAlloc(0),
          chunkSize: 0,
          senderName: '',
          ttlMs: 0,
          offset: 0,
          wantHashes: false,
          reason: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.kind = FileRequest.Kind.codec().decode(reader)
              break
            }
            case 2: {
              obj.id = reader.string()
              break
            }
            case 3: {
              obj.name = reader.string()
              break
            }
            case 4: {
              obj.size = reader.uint64Number()
              break
            }
            case 5: {
              obj.sha256 = reader.bytes()
              break
            }
            case 6: {
              obj.chunkSize = reader.uint32()
              break
            }
            case 7: {
              obj.senderName = reader.string()
              break
            }
            case 8: {
              obj.ttlMs = reader.uint64Number()
              break
            }
            case 9: {
              obj.offset = reader.uint64Number()
              break
            }
            case 10: {
              obj.wantHashes = reader.bool()
              break
            }
            case 11: {
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
                field: `${prefix}.kind`,
                value: FileRequest.Kind.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.id`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.size`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.sha256`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.chunkSize`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.senderName`,
                value: reader.string()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.ttlMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.offset`,
                value: reader.uint64Number()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.wantHashes`,
                value: reader.bool()
              }
              break
            }
            case 11: {
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

  export interface FileRequestKindFieldEvent {
    field: '$.kind'
    value: FileRequest.Kind
  }

  export interface FileRequestIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface FileRequestNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface FileRequestSizeFieldEvent {
    field: '$.size'
    value: number
  }

  export interface FileRequestSha256FieldEvent {
    field: '$.sha256'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileRequestChunkSizeFieldEvent {
    field: '$.chunkSize'
    value: number
  }

  export interface FileRequestSenderNameFieldEvent {
    field: '$.senderName'
    value: string
  }

  export interface FileRequestTtlMsFieldEvent {
    field: '$.ttlMs'
    value: number
  }

  export interface FileRequestOffsetFieldEvent {
    field: '$.offset'
    value: number
  }

  export interface FileRequestWantHashesFieldEvent {
    field: '$.wantHashes'
    value: boolean
  }

  export interface FileRequestReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export function encode (obj: Partial<FileRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileRequest>): FileRequest {
    return decodeMessage(buf, FileRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileRequest>): Generator<FileRequestKindFieldEvent | FileRequestIdFieldEvent | FileRequestNameFieldEvent | FileRequestSizeFieldEvent | FileRequestSha256FieldEvent | FileRequestChunkSizeFieldEvent | FileRequestSenderNameFieldEvent | FileRequestTtlMsFieldEvent | FileRequestOffsetFieldEvent | FileRequestWantHashesFieldEvent | FileRequestReasonFieldEvent> {
    return streamMessage(buf, FileRequest.codec(), opts)
  }
}

export interface FileResponse {
  status: FileResponse.Status
  reason: string
  chunkHashes: Uint8Array<ArrayBuffer>
}

export namespace FileResponse {
  export enum Status {
    OK = 'OK',
    REFUSED = 'REFUSED',
    UNKNOWN = 'UNKNOWN',
    CANCELLED = 'CANCELLED',
    EXPIRED = 'EXPIRED',
    INVALID = 'INVALID',
    FAILED = 'FAILED'
  }

  enum __StatusValues {
    OK = 0,
    REFUSED = 1,
    UNKNOWN = 2,
    CANCELLED = 3,
    EXPIRED = 4,
    INVALID = 5,
    FAILED = 6
  }

  export namespace Status {
    export const codec = (): Codec<Status> => {
      return enumeration<Status>(__StatusValues)
    }
  }

  let _codec: Codec<FileResponse>

  export const codec = (): Codec<FileResponse> => {
    if (_codec == null) {
      _codec = message<FileResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.status != null && __StatusValues[obj.status] !== 0) {
          w.uint32(8)
          FileResponse.Status.codec().encode(obj.status, w)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(18)
          w.string(obj.reason)
        }

        if ((obj.chunkHashes != null && obj.chunkHashes.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.chunkHashes)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          status: Status.OK,
          reason: '',
          chunkHashes: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.status = FileResponse.Status.codec().decode(reader)
              break
            }
            case 2: {
              obj.reason = reader.string()
              break
            }
            case 3: {
              obj.chunkHashes = reader.bytes()
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
                field: `${prefix}.status`,
                value: FileResponse.Status.codec().decode(reader)
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
              yield {
                field: `${prefix}.chunkHashes`,
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

  export interface FileResponseStatusFieldEvent {
    field: '$.status'
    value: FileResponse.Status
  }

  export interface FileResponseReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export interface FileResponseChunkHashesFieldEvent {
    field: '$.chunkHashes'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<FileResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileResponse>): FileResponse {
    return decodeMessage(buf, FileResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileResponse>): Generator<FileResponseStatusFieldEvent | FileResponseReasonFieldEvent | FileResponseChunkHashesFieldEvent> {
    return streamMessage(buf, FileResponse.codec(), opts)
  }
}
