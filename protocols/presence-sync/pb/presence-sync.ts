import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface PresenceSyncRequest {
  limit: number
}

export namespace PresenceSyncRequest {
  let _codec: Codec<PresenceSyncRequest>

  export const codec = (): Codec<PresenceSyncRequest> => {
    if (_codec == null) {
      _codec = message<PresenceSyncRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.limit != null && obj.limit !== 0)) {
          w.uint32(8)
          w.uint32(obj.limit)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          limit: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
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

  export interface PresenceSyncRequestLimitFieldEvent {
    field: '$.limit'
    value: number
  }

  export function encode (obj: Partial<PresenceSyncRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PresenceSyncRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceSyncRequest>): PresenceSyncRequest {
    return decodeMessage(buf, PresenceSyncRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceSyncRequest>): Generator<PresenceSyncRequestLimitFieldEvent> {
    return streamMessage(buf, PresenceSyncRequest.codec(), opts)
  }
}

export interface SignedAnnouncement {
  from: Uint8Array<ArrayBuffer>
  seqno: Uint8Array<ArrayBuffer>
  data: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedAnnouncement {
  let _codec: Codec<SignedAnnouncement>

  export const codec = (): Codec<SignedAnnouncement> => {
    if (_codec == null) {
      _codec = message<SignedAnnouncement>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.from != null && obj.from.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.from)
        }

        if ((obj.seqno != null && obj.seqno.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.seqno)
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.data)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          from: uint8ArrayAlloc(0),
          seqno: uint8ArrayAlloc(0),
          data: uint8ArrayAlloc(0),
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
              obj.seqno = reader.bytes()
              break
            }
            case 3: {
              obj.data = reader.bytes()
              break
            }
            case 4: {
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
                field: `${prefix}.seqno`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.data`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
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

  export interface SignedAnnouncementFromFieldEvent {
    field: '$.from'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedAnnouncementSeqnoFieldEvent {
    field: '$.seqno'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedAnnouncementDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedAnnouncementSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedAnnouncement>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedAnnouncement.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedAnnouncement>): SignedAnnouncement {
    return decodeMessage(buf, SignedAnnouncement.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedAnnouncement>): Generator<SignedAnnouncementFromFieldEvent | SignedAnnouncementSeqnoFieldEvent | SignedAnnouncementDataFieldEvent | SignedAnnouncementSignatureFieldEvent> {
    return streamMessage(buf, SignedAnnouncement.codec(), opts)
  }
}

export interface PresenceSyncEntry {
  announcement?: SignedAnnouncement
  ageMs: number
}

export namespace PresenceSyncEntry {
  let _codec: Codec<PresenceSyncEntry>

  export const codec = (): Codec<PresenceSyncEntry> => {
    if (_codec == null) {
      _codec = message<PresenceSyncEntry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.announcement != null) {
          w.uint32(10)
          SignedAnnouncement.codec().encode(obj.announcement, w)
        }

        if ((obj.ageMs != null && obj.ageMs !== 0)) {
          w.uint32(16)
          w.uint32(obj.ageMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ageMs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.announcement = SignedAnnouncement.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.announcement
              })
              break
            }
            case 2: {
              obj.ageMs = reader.uint32()
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
              yield * SignedAnnouncement.codec().stream(reader, reader.uint32(), `${prefix}.announcement`, {
                limits: opts.limits?.announcement
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.ageMs`,
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

  export interface PresenceSyncEntryAnnouncementFromFieldEvent {
    field: '$.announcement.from'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PresenceSyncEntryAnnouncementSeqnoFieldEvent {
    field: '$.announcement.seqno'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PresenceSyncEntryAnnouncementDataFieldEvent {
    field: '$.announcement.data'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PresenceSyncEntryAnnouncementSignatureFieldEvent {
    field: '$.announcement.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PresenceSyncEntryAgeMsFieldEvent {
    field: '$.ageMs'
    value: number
  }

  export function encode (obj: Partial<PresenceSyncEntry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PresenceSyncEntry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceSyncEntry>): PresenceSyncEntry {
    return decodeMessage(buf, PresenceSyncEntry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceSyncEntry>): Generator<PresenceSyncEntryAnnouncementFromFieldEvent | PresenceSyncEntryAnnouncementSeqnoFieldEvent | PresenceSyncEntryAnnouncementDataFieldEvent | PresenceSyncEntryAnnouncementSignatureFieldEvent | PresenceSyncEntryAgeMsFieldEvent> {
    return streamMessage(buf, PresenceSyncEntry.codec(), opts)
  }
}

export interface PresenceSyncPage {
  entries: PresenceSyncEntry[]
  last: boolean
}

export namespace PresenceSyncPage {
  let _codec: Codec<PresenceSyncPage>

  export const codec = (): Codec<PresenceSyncPage> => {
    if (_codec == null) {
      _codec = message<PresenceSyncPage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.entries != null && obj.entries.length > 0) {
          for (const value of obj.entries) {
            w.uint32(10)
            PresenceSyncEntry.codec().encode(value, w)
          }
        }

        if ((obj.last != null && obj.last !== false)) {
          w.uint32(16)
          w.bool(obj.last)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          entries: [],
          last: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.entries != null && obj.entries.length === opts.limits.entries) {
                throw new MaxLengthError('Decode error - repeated field "entries" had too many elements')
              }

              obj.entries.push(PresenceSyncEntry.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.entries$
              }))
              break
            }
            case 2: {
              obj.last = reader.bool()
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
          entries: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.entries != null && obj.entries === opts.limits.entries) {
                throw new MaxLengthError('Streaming decode error - repeated field "entries" had too many elements')
              }

              for (const evt of PresenceSyncEntry.codec().stream(reader, reader.uint32(), `${prefix}.entries[]`, {
                limits: opts.limits?.entries$
              })) {
                yield {
                  ...evt,
                  index: obj.entries
                }
              }

              obj.entries++

              break
            }
            case 2: {
              yield {
                field: `${prefix}.last`,
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

  export interface PresenceSyncPageEntriesAnnouncementFromFieldEvent {
    field: '$.entries[].announcement.from'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface PresenceSyncPageEntriesAnnouncementSeqnoFieldEvent {
    field: '$.entries[].announcement.seqno'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface PresenceSyncPageEntriesAnnouncementDataFieldEvent {
    field: '$.entries[].announcement.data'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface PresenceSyncPageEntriesAnnouncementSignatureFieldEvent {
    field: '$.entries[].announcement.signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface PresenceSyncPageEntriesAgeMsFieldEvent {
    field: '$.entries[].ageMs'
    value: number
    index: number
  }

  export interface PresenceSyncPageLastFieldEvent {
    field: '$.last'
    value: boolean
  }

  export function encode (obj: Partial<PresenceSyncPage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PresenceSyncPage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceSyncPage>): PresenceSyncPage {
    return decodeMessage(buf, PresenceSyncPage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceSyncPage>): Generator<PresenceSyncPageEntriesAnnouncementFromFieldEvent | PresenceSyncPageEntriesAnnouncementSeqnoFieldEvent | PresenceSyncPageEntriesAnnouncementDataFieldEvent | PresenceSyncPageEntriesAnnouncementSignatureFieldEvent | PresenceSyncPageEntriesAgeMsFieldEvent | PresenceSyncPageLastFieldEvent> {
    return streamMessage(buf, PresenceSyncPage.codec(), opts)
  }
}
