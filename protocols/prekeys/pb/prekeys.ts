import { decodeMessage, encodeMessage, enumeration, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface GetBundle {
  peer: Uint8Array<ArrayBuffer>
}

export namespace GetBundle {
  let _codec: Codec<GetBundle>

  export const codec = (): Codec<GetBundle> => {
    if (_codec == null) {
      _codec = message<GetBundle>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peer != null && obj.peer.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.peer)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peer: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peer = reader.bytes()
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
                field: `${prefix}.peer`,
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

  export interface GetBundlePeerFieldEvent {
    field: '$.peer'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GetBundle>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GetBundle.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetBundle>): GetBundle {
    return decodeMessage(buf, GetBundle.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetBundle>): Generator<GetBundlePeerFieldEvent> {
    return streamMessage(buf, GetBundle.codec(), opts)
  }
}

export interface Publish {
  prekeys: Uint8Array<ArrayBuffer>
}

export namespace Publish {
  let _codec: Codec<Publish>

  export const codec = (): Codec<Publish> => {
    if (_codec == null) {
      _codec = message<Publish>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.prekeys != null && obj.prekeys.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.prekeys)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          prekeys: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.prekeys = reader.bytes()
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
                field: `${prefix}.prekeys`,
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

  export interface PublishPrekeysFieldEvent {
    field: '$.prekeys'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Publish>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Publish.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Publish>): Publish {
    return decodeMessage(buf, Publish.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Publish>): Generator<PublishPrekeysFieldEvent> {
    return streamMessage(buf, Publish.codec(), opts)
  }
}

export interface PrekeyRequest {
  get?: GetBundle
  publish?: Publish
}

export namespace PrekeyRequest {
  let _codec: Codec<PrekeyRequest>

  export const codec = (): Codec<PrekeyRequest> => {
    if (_codec == null) {
      _codec = message<PrekeyRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.get != null) {
          w.uint32(10)
          GetBundle.codec().encode(obj.get, w)
        }

        if (obj.publish != null) {
          w.uint32(18)
          Publish.codec().encode(obj.publish, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.get = GetBundle.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.get
              })
              break
            }
            case 2: {
              obj.publish = Publish.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.publish
              })
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
              yield * GetBundle.codec().stream(reader, reader.uint32(), `${prefix}.get`, {
                limits: opts.limits?.get
              })

              break
            }
            case 2: {
              yield * Publish.codec().stream(reader, reader.uint32(), `${prefix}.publish`, {
                limits: opts.limits?.publish
              })

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

  export interface PrekeyRequestGetPeerFieldEvent {
    field: '$.get.peer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyRequestPublishPrekeysFieldEvent {
    field: '$.publish.prekeys'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PrekeyRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PrekeyRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PrekeyRequest>): PrekeyRequest {
    return decodeMessage(buf, PrekeyRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PrekeyRequest>): Generator<PrekeyRequestGetPeerFieldEvent | PrekeyRequestPublishPrekeysFieldEvent> {
    return streamMessage(buf, PrekeyRequest.codec(), opts)
  }
}

export interface PrekeyResponse {
  status: PrekeyResponse.Status
  message: string
  bundle: Uint8Array<ArrayBuffer>
}

export namespace PrekeyResponse {
  export enum Status {
    OK = 'OK',
    BAD_REQUEST = 'BAD_REQUEST',
    NOT_FOUND = 'NOT_FOUND',
    FULL = 'FULL',
    RATE_LIMITED = 'RATE_LIMITED',
    INTERNAL = 'INTERNAL'
  }

  enum __StatusValues {
    OK = 0,
    BAD_REQUEST = 1,
    NOT_FOUND = 2,
    FULL = 3,
    RATE_LIMITED = 4,
    INTERNAL = 5
  }

  export namespace Status {
    export const codec = (): Codec<Status> => {
      return enumeration<Status>(__StatusValues)
    }
  }

  let _codec: Codec<PrekeyResponse>

  export const codec = (): Codec<PrekeyResponse> => {
    if (_codec == null) {
      _codec = message<PrekeyResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.status != null && __StatusValues[obj.status] !== 0) {
          w.uint32(8)
          PrekeyResponse.Status.codec().encode(obj.status, w)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(18)
          w.string(obj.message)
        }

        if ((obj.bundle != null && obj.bundle.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.bundle)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          status: Status.OK,
          message: '',
          bundle: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.status = PrekeyResponse.Status.codec().decode(reader)
              break
            }
            case 2: {
              obj.message = reader.string()
              break
            }
            case 3: {
              obj.bundle = reader.bytes()
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
                value: PrekeyResponse.Status.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.bundle`,
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

  export interface PrekeyResponseStatusFieldEvent {
    field: '$.status'
    value: PrekeyResponse.Status
  }

  export interface PrekeyResponseMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface PrekeyResponseBundleFieldEvent {
    field: '$.bundle'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PrekeyResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PrekeyResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PrekeyResponse>): PrekeyResponse {
    return decodeMessage(buf, PrekeyResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PrekeyResponse>): Generator<PrekeyResponseStatusFieldEvent | PrekeyResponseMessageFieldEvent | PrekeyResponseBundleFieldEvent> {
    return streamMessage(buf, PrekeyResponse.codec(), opts)
  }
}
