import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Presence {
  kind: Presence.Kind
  name: string
  timestamp: bigint
  addrs: Uint8Array<ArrayBuffer>[]
  lobbyEpoch: bigint
  lobbySeq: bigint
  lifetimeMs: number
}

export namespace Presence {
  export enum Kind {
    ALIVE = 'ALIVE',
    JOIN = 'JOIN',
    LEAVE = 'LEAVE'
  }

  enum __KindValues {
    ALIVE = 0,
    JOIN = 1,
    LEAVE = 2
  }

  export namespace Kind {
    export const codec = (): Codec<Kind> => {
      return enumeration<Kind>(__KindValues)
    }
  }

  let _codec: Codec<Presence>

  export const codec = (): Codec<Presence> => {
    if (_codec == null) {
      _codec = message<Presence>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.kind != null && __KindValues[obj.kind] !== 0) {
          w.uint32(8)
          Presence.Kind.codec().encode(obj.kind, w)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(18)
          w.string(obj.name)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(24)
          w.uint64(obj.timestamp)
        }

        if (obj.addrs != null && obj.addrs.length > 0) {
          for (const value of obj.addrs) {
            w.uint32(34)
            w.bytes(value)
          }
        }

        if ((obj.lobbyEpoch != null && obj.lobbyEpoch !== 0n)) {
          w.uint32(40)
          w.uint64(obj.lobbyEpoch)
        }

        if ((obj.lobbySeq != null && obj.lobbySeq !== 0n)) {
          w.uint32(48)
          w.uint64(obj.lobbySeq)
        }

        if ((obj.lifetimeMs != null && obj.lifetimeMs !== 0)) {
          w.uint32(56)
          w.uint32(obj.lifetimeMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          kind: Kind.ALIVE,
          name: '',
          timestamp: 0n,
          addrs: [],
          lobbyEpoch: 0n,
          lobbySeq: 0n,
          lifetimeMs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.kind = Presence.Kind.codec().decode(reader)
              break
            }
            case 2: {
              obj.name = reader.string()
              break
            }
            case 3: {
              obj.timestamp = reader.uint64()
              break
            }
            case 4: {
              if (opts.limits?.addrs != null && obj.addrs.length === opts.limits.addrs) {
                throw new MaxLengthError('Decode error - repeated field "addrs" had too many elements')
              }

              obj.addrs.push(reader.bytes())
              break
            }
            case 5: {
              obj.lobbyEpoch = reader.uint64()
              break
            }
            case 6: {
              obj.lobbySeq = reader.uint64()
              break
            }
            case 7: {
              obj.lifetimeMs = reader.uint32()
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
          addrs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.kind`,
                value: Presence.Kind.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              if (opts.limits?.addrs != null && obj.addrs === opts.limits.addrs) {
                throw new MaxLengthError('Streaming decode error - repeated field "addrs" had too many elements')
              }

              yield {
                field: `${prefix}.addrs[]`,
                index: obj.addrs,
                value: reader.bytes()
              }

              obj.addrs++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.lobbyEpoch`,
                value: reader.uint64()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.lobbySeq`,
                value: reader.uint64()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.lifetimeMs`,
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

  export interface PresenceKindFieldEvent {
    field: '$.kind'
    value: Presence.Kind
  }

  export interface PresenceNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface PresenceTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface PresenceAddrsFieldEvent {
    field: '$.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface PresenceLobbyEpochFieldEvent {
    field: '$.lobbyEpoch'
    value: bigint
  }

  export interface PresenceLobbySeqFieldEvent {
    field: '$.lobbySeq'
    value: bigint
  }

  export interface PresenceLifetimeMsFieldEvent {
    field: '$.lifetimeMs'
    value: number
  }

  export function encode (obj: Partial<Presence>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Presence.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Presence>): Presence {
    return decodeMessage(buf, Presence.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Presence>): Generator<PresenceKindFieldEvent | PresenceNameFieldEvent | PresenceTimestampFieldEvent | PresenceAddrsFieldEvent | PresenceLobbyEpochFieldEvent | PresenceLobbySeqFieldEvent | PresenceLifetimeMsFieldEvent> {
    return streamMessage(buf, Presence.codec(), opts)
  }
}
