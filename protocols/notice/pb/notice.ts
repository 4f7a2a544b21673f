import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface BanList {
  version: bigint
  peers: Uint8Array<ArrayBuffer>[]
}

export namespace BanList {
  let _codec: Codec<BanList>

  export const codec = (): Codec<BanList> => {
    if (_codec == null) {
      _codec = message<BanList>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0n)) {
          w.uint32(8)
          w.uint64(obj.version)
        }

        if (obj.peers != null && obj.peers.length > 0) {
          for (const value of obj.peers) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0n,
          peers: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint64()
              break
            }
            case 2: {
              if (opts.limits?.peers != null && obj.peers.length === opts.limits.peers) {
                throw new MaxLengthError('Decode error - repeated field "peers" had too many elements')
              }

              obj.peers.push(reader.bytes())
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
          peers: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint64()
              }
              break
            }
            case 2: {
              if (opts.limits?.peers != null && obj.peers === opts.limits.peers) {
                throw new MaxLengthError('Streaming decode error - repeated field "peers" had too many elements')
              }

              yield {
                field: `${prefix}.peers[]`,
                index: obj.peers,
                value: reader.bytes()
              }

              obj.peers++

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

  export interface BanListVersionFieldEvent {
    field: '$.version'
    value: bigint
  }

  export interface BanListPeersFieldEvent {
    field: '$.peers[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<BanList>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BanList.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BanList>): BanList {
    return decodeMessage(buf, BanList.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BanList>): Generator<BanListVersionFieldEvent | BanListPeersFieldEvent> {
    return streamMessage(buf, BanList.codec(), opts)
  }
}

export interface Notice {
  kind: Notice.Kind
  timestamp: bigint
  text: string
  peer: Uint8Array<ArrayBuffer>
  seconds: number
  bans?: BanList
}

export namespace Notice {
  export enum Kind {
    ANNOUNCEMENT = 'ANNOUNCEMENT',
    MESSAGE = 'MESSAGE',
    MOTD = 'MOTD',
    BANS = 'BANS',
    KICKED = 'KICKED',
    BANNED = 'BANNED',
    DEPARTED = 'DEPARTED',
    SHUTDOWN = 'SHUTDOWN'
  }

  enum __KindValues {
    ANNOUNCEMENT = 0,
    MESSAGE = 1,
    MOTD = 2,
    BANS = 3,
    KICKED = 4,
    BANNED = 5,
    DEPARTED = 6,
    SHUTDOWN = 7
  }

  export namespace Kind {
    export const codec = (): Codec<Kind> => {
      return enumeration<Kind>(__KindValues)
    }
  }

  let _codec: Codec<Notice>

  export const codec = (): Codec<Notice> => {
    if (_codec == null) {
      _codec = message<Notice>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.kind != null && __KindValues[obj.kind] !== 0) {
          w.uint32(8)
          Notice.Kind.codec().encode(obj.kind, w)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(16)
          w.uint64(obj.timestamp)
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(26)
          w.string(obj.text)
        }

        if ((obj.peer != null && obj.peer.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.peer)
        }

        if ((obj.seconds != null && obj.seconds !== 0)) {
          w.uint32(40)
          w.uint32(obj.seconds)
        }

        if (obj.bans != null) {
          w.uint32(50)
          BanList.codec().encode(obj.bans, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          kind: Kind.ANNOUNCEMENT,
          timestamp: 0n,
          text: '',
          peer: uint8ArrayAlloc(0),
          seconds: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.kind = Notice.Kind.codec().decode(reader)
              break
            }
            case 2: {
              obj.timestamp = reader.uint64()
              break
            }
            case 3: {
              obj.text = reader.string()
              break
            }
            case 4: {
              obj.peer = reader.bytes()
              break
            }
            case 5: {
              obj.seconds = reader.uint32()
              break
            }
            case 6: {
              obj.bans = BanList.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.bans
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
              yield {
                field: `${prefix}.kind`,
                value: Notice.Kind.codec().decode(reader)
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
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.peer`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.seconds`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield * BanList.codec().stream(reader, reader.uint32(), `${prefix}.bans`, {
                limits: opts.limits?.bans
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

  export interface NoticeKindFieldEvent {
    field: '$.kind'
    value: Notice.Kind
  }

  export interface NoticeTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface NoticeTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface NoticePeerFieldEvent {
    field: '$.peer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface NoticeSecondsFieldEvent {
    field: '$.seconds'
    value: number
  }

  export interface NoticeBansVersionFieldEvent {
    field: '$.bans.version'
    value: bigint
  }

  export interface NoticeBansPeersFieldEvent {
    field: '$.bans.peers[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Notice>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Notice.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Notice>): Notice {
    return decodeMessage(buf, Notice.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Notice>): Generator<NoticeKindFieldEvent | NoticeTimestampFieldEvent | NoticeTextFieldEvent | NoticePeerFieldEvent | NoticeSecondsFieldEvent | NoticeBansVersionFieldEvent | NoticeBansPeersFieldEvent> {
    return streamMessage(buf, Notice.codec(), opts)
  }
}
