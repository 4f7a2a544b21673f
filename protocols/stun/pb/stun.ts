import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface StunService {
  port: number
}

export namespace StunService {
  let _codec: Codec<StunService>

  export const codec = (): Codec<StunService> => {
    if (_codec == null) {
      _codec = message<StunService>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.port != null && obj.port !== 0)) {
          w.uint32(8)
          w.uint32(obj.port)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          port: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.port = reader.uint32()
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
                field: `${prefix}.port`,
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

  export interface StunServicePortFieldEvent {
    field: '$.port'
    value: number
  }

  export function encode (obj: Partial<StunService>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, StunService.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StunService>): StunService {
    return decodeMessage(buf, StunService.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StunService>): Generator<StunServicePortFieldEvent> {
    return streamMessage(buf, StunService.codec(), opts)
  }
}
