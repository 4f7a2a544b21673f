import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Entry {
  kind: Entry.Kind
  groupId: string
  seq: bigint
  prev: Uint8Array<ArrayBuffer>
  author: Uint8Array<ArrayBuffer>
  timestamp: bigint
  subject: Uint8Array<ArrayBuffer>
  name: string
  description: string
  private: boolean
  nonce: Uint8Array<ArrayBuffer>
  keys?: KeyRotation
  memberName: string
  merges: Uint8Array<ArrayBuffer>[]
}

export namespace Entry {
  export enum Kind {
    CREATE = 'CREATE',
    INVITE = 'INVITE',
    JOIN = 'JOIN',
    LEAVE = 'LEAVE',
    REMOVE = 'REMOVE',
    PROMOTE = 'PROMOTE',
    DEMOTE = 'DEMOTE',
    META = 'META',
    REKEY = 'REKEY'
  }

  enum __KindValues {
    CREATE = 0,
    INVITE = 1,
    JOIN = 2,
    LEAVE = 3,
    REMOVE = 4,
    PROMOTE = 5,
    DEMOTE = 6,
    META = 7,
    REKEY = 8
  }

  export namespace Kind {
    export const codec = (): Codec<Kind> => {
      return enumeration<Kind>(__KindValues)
    }
  }

  let _codec: Codec<Entry>

  export const codec = (): Codec<Entry> => {
    if (_codec == null) {
      _codec = message<Entry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.kind != null && __KindValues[obj.kind] !== 0) {
          w.uint32(8)
          Entry.Kind.codec().encode(obj.kind, w)
        }

        if ((obj.groupId != null && obj.groupId !== '')) {
          w.uint32(18)
          w.string(obj.groupId)
        }

        if ((obj.seq != null && obj.seq !== 0n)) {
          w.uint32(24)
          w.uint64(obj.seq)
        }

        if ((obj.prev != null && obj.prev.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.prev)
        }

        if ((obj.author != null && obj.author.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.author)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(48)
          w.uint64(obj.timestamp)
        }

        if ((obj.subject != null && obj.subject.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.subject)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(66)
          w.string(obj.name)
        }

        if ((obj.description != null && obj.description !== '')) {
          w.uint32(74)
          w.string(obj.description)
        }

        if ((obj.private != null && obj.private !== false)) {
          w.uint32(80)
          w.bool(obj.private)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(90)
          w.bytes(obj.nonce)
        }

        if (obj.keys != null) {
          w.uint32(98)
          KeyRotation.codec().encode(obj.keys, w)
        }

        if ((obj.memberName != null && obj.memberName !== '')) {
          w.uint32(106)
          w.string(obj.memberName)
        }

        if (obj.merges != null && obj.merges.length > 0) {
          for (const value of obj.merges) {
            w.uint32(114)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          kind: Kind.CREATE,
          groupId: '',
          seq: 0n,
          prev: uint8ArrayAlloc(0),
          author: uint8ArrayAlloc(0),
          timestamp: 0n,
          subject: uint8ArrayAlloc(0),
          name: '',
          description: '',
          private: false,
          nonce: uint8ArrayAlloc(0),
          memberName: '',
          merges: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.kind = Entry.Kind.codec().decode(reader)
              break
            }
            case 2: {
              obj.groupId = reader.string()
              break
            }
            case 3: {
              obj.seq = reader.uint64()
              break
            }
            case 4: {
              obj.prev = reader.bytes()
              break
            }
            case 5: {
              obj.author = reader.bytes()
              break
            }
            case 6: {
              obj.timestamp = reader.uint64()
              break
            }
            case 7: {
              obj.subject = reader.bytes()
              break
            }
            case 8: {
              obj.name = reader.string()
              break
            }
            case 9: {
              obj.description = reader.string()
              break
            }
            case 10: {
              obj.private = reader.bool()
              break
            }
            case 11: {
              obj.nonce = reader.bytes()
              break
            }
            case 12: {
              obj.keys = KeyRotation.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.keys
              })
              break
            }
            case 13: {
              obj.memberName = reader.string()
              break
            }
            case 14: {
              if (opts.limits?.merges != null && obj.merges.length === opts.limits.merges) {
                throw new MaxLengthError('Decode error - repeated field "merges" had too many elements')
              }

              obj.merges.push(reader.bytes())
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
          merges: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.kind`,
                value: Entry.Kind.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.groupId`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.prev`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.author`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.subject`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.description`,
                value: reader.string()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.private`,
                value: reader.bool()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 12: {
              yield * KeyRotation.codec().stream(reader, reader.uint32(), `${prefix}.keys`, {
                limits: opts.limits?.keys
              })

              break
            }
            case 13: {
              yield {
                field: `${prefix}.memberName`,
                value: reader.string()
              }
              break
            }
            case 14: {
              if (opts.limits?.merges != null && obj.merges === opts.limits.merges) {
                throw new MaxLengthError('Streaming decode error - repeated field "merges" had too many elements')
              }

              yield {
                field: `${prefix}.merges[]`,
                index: obj.merges,
                value: reader.bytes()
              }

              obj.merges++

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

  export interface EntryKindFieldEvent {
    field: '$.kind'
    value: Entry.Kind
  }

  export interface EntryGroupIdFieldEvent {
    field: '$.groupId'
    value: string
  }

  export interface EntrySeqFieldEvent {
    field: '$.seq'
    value: bigint
  }

  export interface EntryPrevFieldEvent {
    field: '$.prev'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EntryAuthorFieldEvent {
    field: '$.author'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EntryTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface EntrySubjectFieldEvent {
    field: '$.subject'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EntryNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface EntryDescriptionFieldEvent {
    field: '$.description'
    value: string
  }

  export interface EntryPrivateFieldEvent {
    field: '$.private'
    value: boolean
  }

  export interface EntryNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EntryKeysKeyIdFieldEvent {
    field: '$.keys.keyId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EntryKeysEphemeralFieldEvent {
    field: '$.keys.ephemeral'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EntryKeysWrappedRecipientFieldEvent {
    field: '$.keys.wrapped[].recipient'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface EntryKeysWrappedNonceFieldEvent {
    field: '$.keys.wrapped[].nonce'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface EntryKeysWrappedCiphertextFieldEvent {
    field: '$.keys.wrapped[].ciphertext'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface EntryMemberNameFieldEvent {
    field: '$.memberName'
    value: string
  }

  export interface EntryMergesFieldEvent {
    field: '$.merges[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Entry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Entry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Entry>): Entry {
    return decodeMessage(buf, Entry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Entry>): Generator<EntryKindFieldEvent | EntryGroupIdFieldEvent | EntrySeqFieldEvent | EntryPrevFieldEvent | EntryAuthorFieldEvent | EntryTimestampFieldEvent | EntrySubjectFieldEvent | EntryNameFieldEvent | EntryDescriptionFieldEvent | EntryPrivateFieldEvent | EntryNonceFieldEvent | EntryKeysKeyIdFieldEvent | EntryKeysEphemeralFieldEvent | EntryKeysWrappedRecipientFieldEvent | EntryKeysWrappedNonceFieldEvent | EntryKeysWrappedCiphertextFieldEvent | EntryMemberNameFieldEvent | EntryMergesFieldEvent> {
    return streamMessage(buf, Entry.codec(), opts)
  }
}

export interface KeyRotation {
  keyId: Uint8Array<ArrayBuffer>
  ephemeral: Uint8Array<ArrayBuffer>
  wrapped: WrappedKey[]
}

export namespace KeyRotation {
  let _codec: Codec<KeyRotation>

  export const codec = (): Codec<KeyRotation> => {
    if (_codec == null) {
      _codec = message<KeyRotation>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.keyId != null && obj.keyId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.keyId)
        }

        if ((obj.ephemeral != null && obj.ephemeral.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.ephemeral)
        }

        if (obj.wrapped != null && obj.wrapped.length > 0) {
          for (const value of obj.wrapped) {
            w.uint32(26)
            WrappedKey.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          keyId: uint8ArrayAlloc(0),
          ephemeral: uint8ArrayAlloc(0),
          wrapped: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.keyId = reader.bytes()
              break
            }
            case 2: {
              obj.ephemeral = reader.bytes()
              break
            }
            case 3: {
              if (opts.limits?.wrapped != null && obj.wrapped.length === opts.limits.wrapped) {
                throw new MaxLengthError('Decode error - repeated field "wrapped" had too many elements')
              }

              obj.wrapped.push(WrappedKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.wrapped$
              }))
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
          wrapped: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.keyId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.ephemeral`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              if (opts.limits?.wrapped != null && obj.wrapped === opts.limits.wrapped) {
                throw new MaxLengthError('Streaming decode error - repeated field "wrapped" had too many elements')
              }

              for (const evt of WrappedKey.codec().stream(reader, reader.uint32(), `${prefix}.wrapped[]`, {
                limits: opts.limits?.wrapped$
              })) {
                yield {
                  ...evt,
                  index: obj.wrapped
                }
              }

              obj.wrapped++

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

  export interface KeyRotationKeyIdFieldEvent {
    field: '$.keyId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KeyRotationEphemeralFieldEvent {
    field: '$.ephemeral'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KeyRotationWrappedRecipientFieldEvent {
    field: '$.wrapped[].recipient'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface KeyRotationWrappedNonceFieldEvent {
    field: '$.wrapped[].nonce'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface KeyRotationWrappedCiphertextFieldEvent {
    field: '$.wrapped[].ciphertext'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<KeyRotation>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, KeyRotation.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeyRotation>): KeyRotation {
    return decodeMessage(buf, KeyRotation.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeyRotation>): Generator<KeyRotationKeyIdFieldEvent | KeyRotationEphemeralFieldEvent | KeyRotationWrappedRecipientFieldEvent | KeyRotationWrappedNonceFieldEvent | KeyRotationWrappedCiphertextFieldEvent> {
    return streamMessage(buf, KeyRotation.codec(), opts)
  }
}

export interface WrappedKey {
  recipient: Uint8Array<ArrayBuffer>
  nonce: Uint8Array<ArrayBuffer>
  ciphertext: Uint8Array<ArrayBuffer>
}

export namespace WrappedKey {
  let _codec: Codec<WrappedKey>

  export const codec = (): Codec<WrappedKey> => {
    if (_codec == null) {
      _codec = message<WrappedKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.recipient != null && obj.recipient.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.recipient)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.nonce)
        }

        if ((obj.ciphertext != null && obj.ciphertext.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.ciphertext)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          recipient: uint8ArrayAlloc(0),
          nonce: uint8ArrayAlloc(0),
          ciphertext: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.recipient = reader.bytes()
              break
            }
            case 2: {
              obj.nonce = reader.bytes()
              break
            }
            case 3: {
              obj.ciphertext = reader.bytes()
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
                field: `${prefix}.recipient`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.ciphertext`,
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

  export interface WrappedKeyRecipientFieldEvent {
    field: '$.recipient'
    value: Uint8Array<ArrayBuffer>
  }

  export interface WrappedKeyNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface WrappedKeyCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<WrappedKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, WrappedKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WrappedKey>): WrappedKey {
    return decodeMessage(buf, WrappedKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WrappedKey>): Generator<WrappedKeyRecipientFieldEvent | WrappedKeyNonceFieldEvent | WrappedKeyCiphertextFieldEvent> {
    return streamMessage(buf, WrappedKey.codec(), opts)
  }
}

export interface SignedEntry {
  entry: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedEntry {
  let _codec: Codec<SignedEntry>

  export const codec = (): Codec<SignedEntry> => {
    if (_codec == null) {
      _codec = message<SignedEntry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.entry != null && obj.entry.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.entry)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          entry: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.entry = reader.bytes()
              break
            }
            case 2: {
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
                field: `${prefix}.entry`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
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

  export interface SignedEntryEntryFieldEvent {
    field: '$.entry'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedEntrySignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedEntry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedEntry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedEntry>): SignedEntry {
    return decodeMessage(buf, SignedEntry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedEntry>): Generator<SignedEntryEntryFieldEvent | SignedEntrySignatureFieldEvent> {
    return streamMessage(buf, SignedEntry.codec(), opts)
  }
}

export interface Post {
  groupId: string
  id: string
  timestamp: bigint
  senderName: string
  text: string
  epoch: bigint
  seq: bigint
}

export namespace Post {
  let _codec: Codec<Post>

  export const codec = (): Codec<Post> => {
    if (_codec == null) {
      _codec = message<Post>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.groupId != null && obj.groupId !== '')) {
          w.uint32(10)
          w.string(obj.groupId)
        }

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(18)
          w.string(obj.id)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(24)
          w.uint64(obj.timestamp)
        }

        if ((obj.senderName != null && obj.senderName !== '')) {
          w.uint32(34)
          w.string(obj.senderName)
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(42)
          w.string(obj.text)
        }

        if ((obj.epoch != null && obj.epoch !== 0n)) {
          w.uint32(48)
          w.uint64(obj.epoch)
        }

        if ((obj.seq != null && obj.seq !== 0n)) {
          w.uint32(56)
          w.uint64(obj.seq)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          groupId: '',
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
              obj.groupId = reader.string()
              break
            }
            case 2: {
              obj.id = reader.string()
              break
            }
            case 3: {
              obj.timestamp = reader.uint64()
              break
            }
            case 4: {
              obj.senderName = reader.string()
              break
            }
            case 5: {
              obj.text = reader.string()
              break
            }
            case 6: {
              obj.epoch = reader.uint64()
              break
            }
            case 7: {
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
                field: `${prefix}.groupId`,
                value: reader.string()
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
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.senderName`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint64()
              }
              break
            }
            case 7: {
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

  export interface PostGroupIdFieldEvent {
    field: '$.groupId'
    value: string
  }

  export interface PostIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface PostTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface PostSenderNameFieldEvent {
    field: '$.senderName'
    value: string
  }

  export interface PostTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface PostEpochFieldEvent {
    field: '$.epoch'
    value: bigint
  }

  export interface PostSeqFieldEvent {
    field: '$.seq'
    value: bigint
  }

  export function encode (obj: Partial<Post>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Post.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Post>): Post {
    return decodeMessage(buf, Post.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Post>): Generator<PostGroupIdFieldEvent | PostIdFieldEvent | PostTimestampFieldEvent | PostSenderNameFieldEvent | PostTextFieldEvent | PostEpochFieldEvent | PostSeqFieldEvent> {
    return streamMessage(buf, Post.codec(), opts)
  }
}

export interface SignedPost {
  post: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedPost {
  let _codec: Codec<SignedPost>

  export const codec = (): Codec<SignedPost> => {
    if (_codec == null) {
      _codec = message<SignedPost>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.post != null && obj.post.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.post)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          post: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.post = reader.bytes()
              break
            }
            case 2: {
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
                field: `${prefix}.post`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
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

  export interface SignedPostPostFieldEvent {
    field: '$.post'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedPostSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedPost>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedPost.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedPost>): SignedPost {
    return decodeMessage(buf, SignedPost.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedPost>): Generator<SignedPostPostFieldEvent | SignedPostSignatureFieldEvent> {
    return streamMessage(buf, SignedPost.codec(), opts)
  }
}

export interface GroupFrame {
  entry?: SignedEntry
  post?: SignedPost
}

export namespace GroupFrame {
  let _codec: Codec<GroupFrame>

  export const codec = (): Codec<GroupFrame> => {
    if (_codec == null) {
      _codec = message<GroupFrame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.entry != null) {
          w.uint32(10)
          SignedEntry.codec().encode(obj.entry, w)
        }

        if (obj.post != null) {
          w.uint32(18)
          SignedPost.codec().encode(obj.post, w)
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
              obj.entry = SignedEntry.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.entry
              })
              break
            }
            case 2: {
              obj.post = SignedPost.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.post
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
              yield * SignedEntry.codec().stream(reader, reader.uint32(), `${prefix}.entry`, {
                limits: opts.limits?.entry
              })

              break
            }
            case 2: {
              yield * SignedPost.codec().stream(reader, reader.uint32(), `${prefix}.post`, {
                limits: opts.limits?.post
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

  export interface GroupFrameEntryEntryFieldEvent {
    field: '$.entry.entry'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupFrameEntrySignatureFieldEvent {
    field: '$.entry.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupFramePostPostFieldEvent {
    field: '$.post.post'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupFramePostSignatureFieldEvent {
    field: '$.post.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupFrame>): GroupFrame {
    return decodeMessage(buf, GroupFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupFrame>): Generator<GroupFrameEntryEntryFieldEvent | GroupFrameEntrySignatureFieldEvent | GroupFramePostPostFieldEvent | GroupFramePostSignatureFieldEvent> {
    return streamMessage(buf, GroupFrame.codec(), opts)
  }
}

export interface TopicFrame {
  plain: Uint8Array<ArrayBuffer>
  keyId: Uint8Array<ArrayBuffer>
  nonce: Uint8Array<ArrayBuffer>
  sealed: Uint8Array<ArrayBuffer>
}

export namespace TopicFrame {
  let _codec: Codec<TopicFrame>

  export const codec = (): Codec<TopicFrame> => {
    if (_codec == null) {
      _codec = message<TopicFrame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.plain != null && obj.plain.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.plain)
        }

        if ((obj.keyId != null && obj.keyId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.keyId)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.nonce)
        }

        if ((obj.sealed != null && obj.sealed.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.sealed)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          plain: uint8ArrayAlloc(0),
          keyId: uint8ArrayAlloc(0),
          nonce: uint8ArrayAlloc(0),
          sealed: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.plain = reader.bytes()
              break
            }
            case 2: {
              obj.keyId = reader.bytes()
              break
            }
            case 3: {
              obj.nonce = reader.bytes()
              break
            }
            case 4: {
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
                field: `${prefix}.plain`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.keyId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
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

  export interface TopicFramePlainFieldEvent {
    field: '$.plain'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TopicFrameKeyIdFieldEvent {
    field: '$.keyId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TopicFrameNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TopicFrameSealedFieldEvent {
    field: '$.sealed'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<TopicFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, TopicFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TopicFrame>): TopicFrame {
    return decodeMessage(buf, TopicFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TopicFrame>): Generator<TopicFramePlainFieldEvent | TopicFrameKeyIdFieldEvent | TopicFrameNonceFieldEvent | TopicFrameSealedFieldEvent> {
    return streamMessage(buf, TopicFrame.codec(), opts)
  }
}

export interface Announcement {
  genesis?: SignedEntry
  meta?: SignedEntry
  members: number
}

export namespace Announcement {
  let _codec: Codec<Announcement>

  export const codec = (): Codec<Announcement> => {
    if (_codec == null) {
      _codec = message<Announcement>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.genesis != null) {
          w.uint32(10)
          SignedEntry.codec().encode(obj.genesis, w)
        }

        if (obj.meta != null) {
          w.uint32(18)
          SignedEntry.codec().encode(obj.meta, w)
        }

        if ((obj.members != null && obj.members !== 0)) {
          w.uint32(24)
          w.uint32(obj.members)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          members: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.genesis = SignedEntry.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.genesis
              })
              break
            }
            case 2: {
              obj.meta = SignedEntry.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.meta
              })
              break
            }
            case 3: {
              obj.members = reader.uint32()
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
              yield * SignedEntry.codec().stream(reader, reader.uint32(), `${prefix}.genesis`, {
                limits: opts.limits?.genesis
              })

              break
            }
            case 2: {
              yield * SignedEntry.codec().stream(reader, reader.uint32(), `${prefix}.meta`, {
                limits: opts.limits?.meta
              })

              break
            }
            case 3: {
              yield {
                field: `${prefix}.members`,
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

  export interface AnnouncementGenesisEntryFieldEvent {
    field: '$.genesis.entry'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AnnouncementGenesisSignatureFieldEvent {
    field: '$.genesis.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AnnouncementMetaEntryFieldEvent {
    field: '$.meta.entry'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AnnouncementMetaSignatureFieldEvent {
    field: '$.meta.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AnnouncementMembersFieldEvent {
    field: '$.members'
    value: number
  }

  export function encode (obj: Partial<Announcement>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Announcement.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Announcement>): Announcement {
    return decodeMessage(buf, Announcement.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Announcement>): Generator<AnnouncementGenesisEntryFieldEvent | AnnouncementGenesisSignatureFieldEvent | AnnouncementMetaEntryFieldEvent | AnnouncementMetaSignatureFieldEvent | AnnouncementMembersFieldEvent> {
    return streamMessage(buf, Announcement.codec(), opts)
  }
}

export interface GroupRequest {
  kind: GroupRequest.Kind
  groupId: string
  knownSeq: bigint
  knownId: Uint8Array<ArrayBuffer>
  inviteId: Uint8Array<ArrayBuffer>
}

export namespace GroupRequest {
  export enum Kind {
    SYNC = 'SYNC',
    INVITE = 'INVITE',
    DECLINE = 'DECLINE'
  }

  enum __KindValues {
    SYNC = 0,
    INVITE = 1,
    DECLINE = 2
  }

  export namespace Kind {
    export const codec = (): Codec<Kind> => {
      return enumeration<Kind>(__KindValues)
    }
  }

  let _codec: Codec<GroupRequest>

  export const codec = (): Codec<GroupRequest> => {
    if (_codec == null) {
      _codec = message<GroupRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.kind != null && __KindValues[obj.kind] !== 0) {
          w.uint32(8)
          GroupRequest.Kind.codec().encode(obj.kind, w)
        }

        if ((obj.groupId != null && obj.groupId !== '')) {
          w.uint32(18)
          w.string(obj.groupId)
        }

        if ((obj.knownSeq != null && obj.knownSeq !== 0n)) {
          w.uint32(24)
          w.uint64(obj.knownSeq)
        }

        if ((obj.knownId != null && obj.knownId.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.knownId)
        }

        if ((obj.inviteId != null && obj.inviteId.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.inviteId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          kind: Kind.SYNC,
          groupId: '',
          knownSeq: 0n,
          knownId: uint8ArrayAlloc(0),
          inviteId: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.kind = GroupRequest.Kind.codec().decode(reader)
              break
            }
            case 2: {
              obj.groupId = reader.string()
              break
            }
            case 3: {
              obj.knownSeq = reader.uint64()
              break
            }
            case 4: {
              obj.knownId = reader.bytes()
              break
            }
            case 5: {
              obj.inviteId = reader.bytes()
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
                value: GroupRequest.Kind.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.groupId`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.knownSeq`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.knownId`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.inviteId`,
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

  export interface GroupRequestKindFieldEvent {
    field: '$.kind'
    value: GroupRequest.Kind
  }

  export interface GroupRequestGroupIdFieldEvent {
    field: '$.groupId'
    value: string
  }

  export interface GroupRequestKnownSeqFieldEvent {
    field: '$.knownSeq'
    value: bigint
  }

  export interface GroupRequestKnownIdFieldEvent {
    field: '$.knownId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupRequestInviteIdFieldEvent {
    field: '$.inviteId'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupRequest>): GroupRequest {
    return decodeMessage(buf, GroupRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupRequest>): Generator<GroupRequestKindFieldEvent | GroupRequestGroupIdFieldEvent | GroupRequestKnownSeqFieldEvent | GroupRequestKnownIdFieldEvent | GroupRequestInviteIdFieldEvent> {
    return streamMessage(buf, GroupRequest.codec(), opts)
  }
}

export interface GroupResponse {
  status: GroupResponse.Status
  reason: string
}

export namespace GroupResponse {
  export enum Status {
    OK = 'OK',
    UNKNOWN_GROUP = 'UNKNOWN_GROUP',
    REFUSED = 'REFUSED',
    INVALID = 'INVALID'
  }

  enum __StatusValues {
    OK = 0,
    UNKNOWN_GROUP = 1,
    REFUSED = 2,
    INVALID = 3
  }

  export namespace Status {
    export const codec = (): Codec<Status> => {
      return enumeration<Status>(__StatusValues)
    }
  }

  let _codec: Codec<GroupResponse>

  export const codec = (): Codec<GroupResponse> => {
    if (_codec == null) {
      _codec = message<GroupResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.status != null && __StatusValues[obj.status] !== 0) {
          w.uint32(8)
          GroupResponse.Status.codec().encode(obj.status, w)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(18)
          w.string(obj.reason)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          status: Status.OK,
          reason: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.status = GroupResponse.Status.codec().decode(reader)
              break
            }
            case 2: {
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
                field: `${prefix}.status`,
                value: GroupResponse.Status.codec().decode(reader)
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

  export interface GroupResponseStatusFieldEvent {
    field: '$.status'
    value: GroupResponse.Status
  }

  export interface GroupResponseReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export function encode (obj: Partial<GroupResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupResponse>): GroupResponse {
    return decodeMessage(buf, GroupResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupResponse>): Generator<GroupResponseStatusFieldEvent | GroupResponseReasonFieldEvent> {
    return streamMessage(buf, GroupResponse.codec(), opts)
  }
}

export interface LogChunk {
  entries: SignedEntry[]
  last: boolean
}

export namespace LogChunk {
  let _codec: Codec<LogChunk>

  export const codec = (): Codec<LogChunk> => {
    if (_codec == null) {
      _codec = message<LogChunk>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.entries != null && obj.entries.length > 0) {
          for (const value of obj.entries) {
            w.uint32(10)
            SignedEntry.codec().encode(value, w)
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

              obj.entries.push(SignedEntry.codec().decode(reader, reader.uint32(), {
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

              for (const evt of SignedEntry.codec().stream(reader, reader.uint32(), `${prefix}.entries[]`, {
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

  export interface LogChunkEntriesEntryFieldEvent {
    field: '$.entries[].entry'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface LogChunkEntriesSignatureFieldEvent {
    field: '$.entries[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface LogChunkLastFieldEvent {
    field: '$.last'
    value: boolean
  }

  export function encode (obj: Partial<LogChunk>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LogChunk.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LogChunk>): LogChunk {
    return decodeMessage(buf, LogChunk.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LogChunk>): Generator<LogChunkEntriesEntryFieldEvent | LogChunkEntriesSignatureFieldEvent | LogChunkLastFieldEvent> {
    return streamMessage(buf, LogChunk.codec(), opts)
  }
}
