import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface SignedPublicKey {
  id: number
  publicKey: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedPublicKey {
  let _codec: Codec<SignedPublicKey>

  export const codec = (): Codec<SignedPublicKey> => {
    if (_codec == null) {
      _codec = message<SignedPublicKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.publicKey)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          publicKey: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              obj.publicKey = reader.bytes()
              break
            }
            case 3: {
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
                field: `${prefix}.id`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
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

  export interface SignedPublicKeyIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface SignedPublicKeyPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedPublicKeySignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedPublicKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedPublicKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedPublicKey>): SignedPublicKey {
    return decodeMessage(buf, SignedPublicKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedPublicKey>): Generator<SignedPublicKeyIdFieldEvent | SignedPublicKeyPublicKeyFieldEvent | SignedPublicKeySignatureFieldEvent> {
    return streamMessage(buf, SignedPublicKey.codec(), opts)
  }
}

export interface OneTimePrekey {
  id: number
  publicKey: Uint8Array<ArrayBuffer>
}

export namespace OneTimePrekey {
  let _codec: Codec<OneTimePrekey>

  export const codec = (): Codec<OneTimePrekey> => {
    if (_codec == null) {
      _codec = message<OneTimePrekey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.publicKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          publicKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              obj.publicKey = reader.bytes()
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
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.publicKey`,
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

  export interface OneTimePrekeyIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface OneTimePrekeyPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<OneTimePrekey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OneTimePrekey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OneTimePrekey>): OneTimePrekey {
    return decodeMessage(buf, OneTimePrekey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OneTimePrekey>): Generator<OneTimePrekeyIdFieldEvent | OneTimePrekeyPublicKeyFieldEvent> {
    return streamMessage(buf, OneTimePrekey.codec(), opts)
  }
}

export interface PublishedPrekeys {
  identityKey: Uint8Array<ArrayBuffer>
  signedPrekey?: SignedPublicKey
  lastResortKemPrekey?: SignedPublicKey
  oneTimePrekeys: OneTimePrekey[]
  oneTimeKemPrekeys: SignedPublicKey[]
}

export namespace PublishedPrekeys {
  let _codec: Codec<PublishedPrekeys>

  export const codec = (): Codec<PublishedPrekeys> => {
    if (_codec == null) {
      _codec = message<PublishedPrekeys>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.identityKey)
        }

        if (obj.signedPrekey != null) {
          w.uint32(18)
          SignedPublicKey.codec().encode(obj.signedPrekey, w)
        }

        if (obj.lastResortKemPrekey != null) {
          w.uint32(26)
          SignedPublicKey.codec().encode(obj.lastResortKemPrekey, w)
        }

        if (obj.oneTimePrekeys != null && obj.oneTimePrekeys.length > 0) {
          for (const value of obj.oneTimePrekeys) {
            w.uint32(34)
            OneTimePrekey.codec().encode(value, w)
          }
        }

        if (obj.oneTimeKemPrekeys != null && obj.oneTimeKemPrekeys.length > 0) {
          for (const value of obj.oneTimeKemPrekeys) {
            w.uint32(42)
            SignedPublicKey.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          identityKey: uint8ArrayAlloc(0),
          oneTimePrekeys: [],
          oneTimeKemPrekeys: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.identityKey = reader.bytes()
              break
            }
            case 2: {
              obj.signedPrekey = SignedPublicKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.signedPrekey
              })
              break
            }
            case 3: {
              obj.lastResortKemPrekey = SignedPublicKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.lastResortKemPrekey
              })
              break
            }
            case 4: {
              if (opts.limits?.oneTimePrekeys != null && obj.oneTimePrekeys.length === opts.limits.oneTimePrekeys) {
                throw new MaxLengthError('Decode error - repeated field "oneTimePrekeys" had too many elements')
              }

              obj.oneTimePrekeys.push(OneTimePrekey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.oneTimePrekeys$
              }))
              break
            }
            case 5: {
              if (opts.limits?.oneTimeKemPrekeys != null && obj.oneTimeKemPrekeys.length === opts.limits.oneTimeKemPrekeys) {
                throw new MaxLengthError('Decode error - repeated field "oneTimeKemPrekeys" had too many elements')
              }

              obj.oneTimeKemPrekeys.push(SignedPublicKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.oneTimeKemPrekeys$
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
          oneTimePrekeys: 0,
          oneTimeKemPrekeys: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.identityKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield * SignedPublicKey.codec().stream(reader, reader.uint32(), `${prefix}.signedPrekey`, {
                limits: opts.limits?.signedPrekey
              })

              break
            }
            case 3: {
              yield * SignedPublicKey.codec().stream(reader, reader.uint32(), `${prefix}.lastResortKemPrekey`, {
                limits: opts.limits?.lastResortKemPrekey
              })

              break
            }
            case 4: {
              if (opts.limits?.oneTimePrekeys != null && obj.oneTimePrekeys === opts.limits.oneTimePrekeys) {
                throw new MaxLengthError('Streaming decode error - repeated field "oneTimePrekeys" had too many elements')
              }

              for (const evt of OneTimePrekey.codec().stream(reader, reader.uint32(), `${prefix}.oneTimePrekeys[]`, {
                limits: opts.limits?.oneTimePrekeys$
              })) {
                yield {
                  ...evt,
                  index: obj.oneTimePrekeys
                }
              }

              obj.oneTimePrekeys++

              break
            }
            case 5: {
              if (opts.limits?.oneTimeKemPrekeys != null && obj.oneTimeKemPrekeys === opts.limits.oneTimeKemPrekeys) {
                throw new MaxLengthError('Streaming decode error - repeated field "oneTimeKemPrekeys" had too many elements')
              }

              for (const evt of SignedPublicKey.codec().stream(reader, reader.uint32(), `${prefix}.oneTimeKemPrekeys[]`, {
                limits: opts.limits?.oneTimeKemPrekeys$
              })) {
                yield {
                  ...evt,
                  index: obj.oneTimeKemPrekeys
                }
              }

              obj.oneTimeKemPrekeys++

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

  export interface PublishedPrekeysIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PublishedPrekeysSignedPrekeyIdFieldEvent {
    field: '$.signedPrekey.id'
    value: number
  }

  export interface PublishedPrekeysSignedPrekeyPublicKeyFieldEvent {
    field: '$.signedPrekey.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PublishedPrekeysSignedPrekeySignatureFieldEvent {
    field: '$.signedPrekey.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PublishedPrekeysLastResortKemPrekeyIdFieldEvent {
    field: '$.lastResortKemPrekey.id'
    value: number
  }

  export interface PublishedPrekeysLastResortKemPrekeyPublicKeyFieldEvent {
    field: '$.lastResortKemPrekey.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PublishedPrekeysLastResortKemPrekeySignatureFieldEvent {
    field: '$.lastResortKemPrekey.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PublishedPrekeysOneTimePrekeysIdFieldEvent {
    field: '$.oneTimePrekeys[].id'
    value: number
    index: number
  }

  export interface PublishedPrekeysOneTimePrekeysPublicKeyFieldEvent {
    field: '$.oneTimePrekeys[].publicKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface PublishedPrekeysOneTimeKemPrekeysIdFieldEvent {
    field: '$.oneTimeKemPrekeys[].id'
    value: number
    index: number
  }

  export interface PublishedPrekeysOneTimeKemPrekeysPublicKeyFieldEvent {
    field: '$.oneTimeKemPrekeys[].publicKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface PublishedPrekeysOneTimeKemPrekeysSignatureFieldEvent {
    field: '$.oneTimeKemPrekeys[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<PublishedPrekeys>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PublishedPrekeys.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PublishedPrekeys>): PublishedPrekeys {
    return decodeMessage(buf, PublishedPrekeys.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PublishedPrekeys>): Generator<PublishedPrekeysIdentityKeyFieldEvent | PublishedPrekeysSignedPrekeyIdFieldEvent | PublishedPrekeysSignedPrekeyPublicKeyFieldEvent | PublishedPrekeysSignedPrekeySignatureFieldEvent | PublishedPrekeysLastResortKemPrekeyIdFieldEvent | PublishedPrekeysLastResortKemPrekeyPublicKeyFieldEvent | PublishedPrekeysLastResortKemPrekeySignatureFieldEvent | PublishedPrekeysOneTimePrekeysIdFieldEvent | PublishedPrekeysOneTimePrekeysPublicKeyFieldEvent | PublishedPrekeysOneTimeKemPrekeysIdFieldEvent | PublishedPrekeysOneTimeKemPrekeysPublicKeyFieldEvent | PublishedPrekeysOneTimeKemPrekeysSignatureFieldEvent> {
    return streamMessage(buf, PublishedPrekeys.codec(), opts)
  }
}

export interface PrekeyBundle {
  identityKey: Uint8Array<ArrayBuffer>
  signedPrekey?: SignedPublicKey
  kemPrekey?: SignedPublicKey
  oneTimePrekey?: OneTimePrekey
}

export namespace PrekeyBundle {
  let _codec: Codec<PrekeyBundle>

  export const codec = (): Codec<PrekeyBundle> => {
    if (_codec == null) {
      _codec = message<PrekeyBundle>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.identityKey)
        }

        if (obj.signedPrekey != null) {
          w.uint32(18)
          SignedPublicKey.codec().encode(obj.signedPrekey, w)
        }

        if (obj.kemPrekey != null) {
          w.uint32(26)
          SignedPublicKey.codec().encode(obj.kemPrekey, w)
        }

        if (obj.oneTimePrekey != null) {
          w.uint32(34)
          OneTimePrekey.codec().encode(obj.oneTimePrekey, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          identityKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.identityKey = reader.bytes()
              break
            }
            case 2: {
              obj.signedPrekey = SignedPublicKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.signedPrekey
              })
              break
            }
            case 3: {
              obj.kemPrekey = SignedPublicKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.kemPrekey
              })
              break
            }
            case 4: {
              obj.oneTimePrekey = OneTimePrekey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.oneTimePrekey
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
                field: `${prefix}.identityKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield * SignedPublicKey.codec().stream(reader, reader.uint32(), `${prefix}.signedPrekey`, {
                limits: opts.limits?.signedPrekey
              })

              break
            }
            case 3: {
              yield * SignedPublicKey.codec().stream(reader, reader.uint32(), `${prefix}.kemPrekey`, {
                limits: opts.limits?.kemPrekey
              })

              break
            }
            case 4: {
              yield * OneTimePrekey.codec().stream(reader, reader.uint32(), `${prefix}.oneTimePrekey`, {
                limits: opts.limits?.oneTimePrekey
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

  export interface PrekeyBundleIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyBundleSignedPrekeyIdFieldEvent {
    field: '$.signedPrekey.id'
    value: number
  }

  export interface PrekeyBundleSignedPrekeyPublicKeyFieldEvent {
    field: '$.signedPrekey.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyBundleSignedPrekeySignatureFieldEvent {
    field: '$.signedPrekey.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyBundleKemPrekeyIdFieldEvent {
    field: '$.kemPrekey.id'
    value: number
  }

  export interface PrekeyBundleKemPrekeyPublicKeyFieldEvent {
    field: '$.kemPrekey.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyBundleKemPrekeySignatureFieldEvent {
    field: '$.kemPrekey.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyBundleOneTimePrekeyIdFieldEvent {
    field: '$.oneTimePrekey.id'
    value: number
  }

  export interface PrekeyBundleOneTimePrekeyPublicKeyFieldEvent {
    field: '$.oneTimePrekey.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PrekeyBundle>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PrekeyBundle.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PrekeyBundle>): PrekeyBundle {
    return decodeMessage(buf, PrekeyBundle.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PrekeyBundle>): Generator<PrekeyBundleIdentityKeyFieldEvent | PrekeyBundleSignedPrekeyIdFieldEvent | PrekeyBundleSignedPrekeyPublicKeyFieldEvent | PrekeyBundleSignedPrekeySignatureFieldEvent | PrekeyBundleKemPrekeyIdFieldEvent | PrekeyBundleKemPrekeyPublicKeyFieldEvent | PrekeyBundleKemPrekeySignatureFieldEvent | PrekeyBundleOneTimePrekeyIdFieldEvent | PrekeyBundleOneTimePrekeyPublicKeyFieldEvent> {
    return streamMessage(buf, PrekeyBundle.codec(), opts)
  }
}

export interface PrekeyHeader {
  identityKey: Uint8Array<ArrayBuffer>
  ephemeralKey: Uint8Array<ArrayBuffer>
  kemCiphertext: Uint8Array<ArrayBuffer>
  signedPrekeyId: number
  kemPrekeyId: number
  oneTimePrekeyId?: number
}

export namespace PrekeyHeader {
  let _codec: Codec<PrekeyHeader>

  export const codec = (): Codec<PrekeyHeader> => {
    if (_codec == null) {
      _codec = message<PrekeyHeader>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.identityKey)
        }

        if ((obj.ephemeralKey != null && obj.ephemeralKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.ephemeralKey)
        }

        if ((obj.kemCiphertext != null && obj.kemCiphertext.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.kemCiphertext)
        }

        if ((obj.signedPrekeyId != null && obj.signedPrekeyId !== 0)) {
          w.uint32(32)
          w.uint32(obj.signedPrekeyId)
        }

        if ((obj.kemPrekeyId != null && obj.kemPrekeyId !== 0)) {
          w.uint32(40)
          w.uint32(obj.kemPrekeyId)
        }

        if (obj.oneTimePrekeyId != null) {
          w.uint32(48)
          w.uint32(obj.oneTimePrekeyId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          identityKey: uint8ArrayAlloc(0),
          ephemeralKey: uint8ArrayAlloc(0),
          kemCiphertext: uint8ArrayAlloc(0),
          signedPrekeyId: 0,
          kemPrekeyId: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.identityKey = reader.bytes()
              break
            }
            case 2: {
              obj.ephemeralKey = reader.bytes()
              break
            }
            case 3: {
              obj.kemCiphertext = reader.bytes()
              break
            }
            case 4: {
              obj.signedPrekeyId = reader.uint32()
              break
            }
            case 5: {
              obj.kemPrekeyId = reader.uint32()
              break
            }
            case 6: {
              obj.oneTimePrekeyId = reader.uint32()
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
                field: `${prefix}.identityKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.ephemeralKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.kemCiphertext`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.signedPrekeyId`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.kemPrekeyId`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.oneTimePrekeyId`,
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

  export interface PrekeyHeaderIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyHeaderEphemeralKeyFieldEvent {
    field: '$.ephemeralKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyHeaderKemCiphertextFieldEvent {
    field: '$.kemCiphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyHeaderSignedPrekeyIdFieldEvent {
    field: '$.signedPrekeyId'
    value: number
  }

  export interface PrekeyHeaderKemPrekeyIdFieldEvent {
    field: '$.kemPrekeyId'
    value: number
  }

  export interface PrekeyHeaderOneTimePrekeyIdFieldEvent {
    field: '$.oneTimePrekeyId'
    value: number
  }

  export function encode (obj: Partial<PrekeyHeader>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PrekeyHeader.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PrekeyHeader>): PrekeyHeader {
    return decodeMessage(buf, PrekeyHeader.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PrekeyHeader>): Generator<PrekeyHeaderIdentityKeyFieldEvent | PrekeyHeaderEphemeralKeyFieldEvent | PrekeyHeaderKemCiphertextFieldEvent | PrekeyHeaderSignedPrekeyIdFieldEvent | PrekeyHeaderKemPrekeyIdFieldEvent | PrekeyHeaderOneTimePrekeyIdFieldEvent> {
    return streamMessage(buf, PrekeyHeader.codec(), opts)
  }
}

export interface SessionEnvelope {
  prekey?: PrekeyHeader
  header: Uint8Array<ArrayBuffer>
  ciphertext: Uint8Array<ArrayBuffer>
}

export namespace SessionEnvelope {
  let _codec: Codec<SessionEnvelope>

  export const codec = (): Codec<SessionEnvelope> => {
    if (_codec == null) {
      _codec = message<SessionEnvelope>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.prekey != null) {
          w.uint32(10)
          PrekeyHeader.codec().encode(obj.prekey, w)
        }

        if ((obj.header != null && obj.header.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.header)
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
          header: uint8ArrayAlloc(0),
          ciphertext: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.prekey = PrekeyHeader.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.prekey
              })
              break
            }
            case 2: {
              obj.header = reader.bytes()
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
              yield * PrekeyHeader.codec().stream(reader, reader.uint32(), `${prefix}.prekey`, {
                limits: opts.limits?.prekey
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.header`,
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

  export interface SessionEnvelopePrekeyIdentityKeyFieldEvent {
    field: '$.prekey.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionEnvelopePrekeyEphemeralKeyFieldEvent {
    field: '$.prekey.ephemeralKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionEnvelopePrekeyKemCiphertextFieldEvent {
    field: '$.prekey.kemCiphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionEnvelopePrekeySignedPrekeyIdFieldEvent {
    field: '$.prekey.signedPrekeyId'
    value: number
  }

  export interface SessionEnvelopePrekeyKemPrekeyIdFieldEvent {
    field: '$.prekey.kemPrekeyId'
    value: number
  }

  export interface SessionEnvelopePrekeyOneTimePrekeyIdFieldEvent {
    field: '$.prekey.oneTimePrekeyId'
    value: number
  }

  export interface SessionEnvelopeHeaderFieldEvent {
    field: '$.header'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionEnvelopeCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SessionEnvelope>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SessionEnvelope.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SessionEnvelope>): SessionEnvelope {
    return decodeMessage(buf, SessionEnvelope.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SessionEnvelope>): Generator<SessionEnvelopePrekeyIdentityKeyFieldEvent | SessionEnvelopePrekeyEphemeralKeyFieldEvent | SessionEnvelopePrekeyKemCiphertextFieldEvent | SessionEnvelopePrekeySignedPrekeyIdFieldEvent | SessionEnvelopePrekeyKemPrekeyIdFieldEvent | SessionEnvelopePrekeyOneTimePrekeyIdFieldEvent | SessionEnvelopeHeaderFieldEvent | SessionEnvelopeCiphertextFieldEvent> {
    return streamMessage(buf, SessionEnvelope.codec(), opts)
  }
}

export interface SkippedMessageKey {
  ratchetKey: Uint8Array<ArrayBuffer>
  n: number
  messageKey: Uint8Array<ArrayBuffer>
}

export namespace SkippedMessageKey {
  let _codec: Codec<SkippedMessageKey>

  export const codec = (): Codec<SkippedMessageKey> => {
    if (_codec == null) {
      _codec = message<SkippedMessageKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.ratchetKey != null && obj.ratchetKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.ratchetKey)
        }

        if ((obj.n != null && obj.n !== 0)) {
          w.uint32(16)
          w.uint32(obj.n)
        }

        if ((obj.messageKey != null && obj.messageKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.messageKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ratchetKey: uint8ArrayAlloc(0),
          n: 0,
          messageKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ratchetKey = reader.bytes()
              break
            }
            case 2: {
              obj.n = reader.uint32()
              break
            }
            case 3: {
              obj.messageKey = reader.bytes()
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
                field: `${prefix}.ratchetKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.n`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.messageKey`,
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

  export interface SkippedMessageKeyRatchetKeyFieldEvent {
    field: '$.ratchetKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SkippedMessageKeyNFieldEvent {
    field: '$.n'
    value: number
  }

  export interface SkippedMessageKeyMessageKeyFieldEvent {
    field: '$.messageKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SkippedMessageKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SkippedMessageKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SkippedMessageKey>): SkippedMessageKey {
    return decodeMessage(buf, SkippedMessageKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SkippedMessageKey>): Generator<SkippedMessageKeyRatchetKeyFieldEvent | SkippedMessageKeyNFieldEvent | SkippedMessageKeyMessageKeyFieldEvent> {
    return streamMessage(buf, SkippedMessageKey.codec(), opts)
  }
}

export interface RatchetStateRecord {
  dhsSecret: Uint8Array<ArrayBuffer>
  dhsPublic: Uint8Array<ArrayBuffer>
  dhr?: Uint8Array<ArrayBuffer>
  rk: Uint8Array<ArrayBuffer>
  cks?: Uint8Array<ArrayBuffer>
  ckr?: Uint8Array<ArrayBuffer>
  ns: number
  nr: number
  pn: number
  skipped: SkippedMessageKey[]
}

export namespace RatchetStateRecord {
  let _codec: Codec<RatchetStateRecord>

  export const codec = (): Codec<RatchetStateRecord> => {
    if (_codec == null) {
      _codec = message<RatchetStateRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.dhsSecret != null && obj.dhsSecret.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.dhsSecret)
        }

        if ((obj.dhsPublic != null && obj.dhsPublic.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.dhsPublic)
        }

        if (obj.dhr != null) {
          w.uint32(26)
          w.bytes(obj.dhr)
        }

        if ((obj.rk != null && obj.rk.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.rk)
        }

        if (obj.cks != null) {
          w.uint32(42)
          w.bytes(obj.cks)
        }

        if (obj.ckr != null) {
          w.uint32(50)
          w.bytes(obj.ckr)
        }

        if ((obj.ns != null && obj.ns !== 0)) {
          w.uint32(56)
          w.uint32(obj.ns)
        }

        if ((obj.nr != null && obj.nr !== 0)) {
          w.uint32(64)
          w.uint32(obj.nr)
        }

        if ((obj.pn != null && obj.pn !== 0)) {
          w.uint32(72)
          w.uint32(obj.pn)
        }

        if (obj.skipped != null && obj.skipped.length > 0) {
          for (const value of obj.skipped) {
            w.uint32(82)
            SkippedMessageKey.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          dhsSecret: uint8ArrayAlloc(0),
          dhsPublic: uint8ArrayAlloc(0),
          rk: uint8ArrayAlloc(0),
          ns: 0,
          nr: 0,
          pn: 0,
          skipped: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.dhsSecret = reader.bytes()
              break
            }
            case 2: {
              obj.dhsPublic = reader.bytes()
              break
            }
            case 3: {
              obj.dhr = reader.bytes()
              break
            }
            case 4: {
              obj.rk = reader.bytes()
              break
            }
            case 5: {
              obj.cks = reader.bytes()
              break
            }
            case 6: {
              obj.ckr = reader.bytes()
              break
            }
            case 7: {
              obj.ns = reader.uint32()
              break
            }
            case 8: {
              obj.nr = reader.uint32()
              break
            }
            case 9: {
              obj.pn = reader.uint32()
              break
            }
            case 10: {
              if (opts.limits?.skipped != null && obj.skipped.length === opts.limits.skipped) {
                throw new MaxLengthError('Decode error - repeated field "skipped" had too many elements')
              }

              obj.skipped.push(SkippedMessageKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.skipped$
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
          skipped: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.dhsSecret`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.dhsPublic`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.dhr`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.rk`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.cks`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.ckr`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.ns`,
                value: reader.uint32()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.nr`,
                value: reader.uint32()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.pn`,
                value: reader.uint32()
              }
              break
            }
            case 10: {
              if (opts.limits?.skipped != null && obj.skipped === opts.limits.skipped) {
                throw new MaxLengthError('Streaming decode error - repeated field "skipped" had too many elements')
              }

              for (const evt of SkippedMessageKey.codec().stream(reader, reader.uint32(), `${prefix}.skipped[]`, {
                limits: opts.limits?.skipped$
              })) {
                yield {
                  ...evt,
                  index: obj.skipped
                }
              }

              obj.skipped++

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

  export interface RatchetStateRecordDhsSecretFieldEvent {
    field: '$.dhsSecret'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStateRecordDhsPublicFieldEvent {
    field: '$.dhsPublic'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStateRecordDhrFieldEvent {
    field: '$.dhr'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStateRecordRkFieldEvent {
    field: '$.rk'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStateRecordCksFieldEvent {
    field: '$.cks'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStateRecordCkrFieldEvent {
    field: '$.ckr'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStateRecordNsFieldEvent {
    field: '$.ns'
    value: number
  }

  export interface RatchetStateRecordNrFieldEvent {
    field: '$.nr'
    value: number
  }

  export interface RatchetStateRecordPnFieldEvent {
    field: '$.pn'
    value: number
  }

  export interface RatchetStateRecordSkippedRatchetKeyFieldEvent {
    field: '$.skipped[].ratchetKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RatchetStateRecordSkippedNFieldEvent {
    field: '$.skipped[].n'
    value: number
    index: number
  }

  export interface RatchetStateRecordSkippedMessageKeyFieldEvent {
    field: '$.skipped[].messageKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<RatchetStateRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RatchetStateRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RatchetStateRecord>): RatchetStateRecord {
    return decodeMessage(buf, RatchetStateRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RatchetStateRecord>): Generator<RatchetStateRecordDhsSecretFieldEvent | RatchetStateRecordDhsPublicFieldEvent | RatchetStateRecordDhrFieldEvent | RatchetStateRecordRkFieldEvent | RatchetStateRecordCksFieldEvent | RatchetStateRecordCkrFieldEvent | RatchetStateRecordNsFieldEvent | RatchetStateRecordNrFieldEvent | RatchetStateRecordPnFieldEvent | RatchetStateRecordSkippedRatchetKeyFieldEvent | RatchetStateRecordSkippedNFieldEvent | RatchetStateRecordSkippedMessageKeyFieldEvent> {
    return streamMessage(buf, RatchetStateRecord.codec(), opts)
  }
}

export interface SessionRecord {
  remoteIdentity: Uint8Array<ArrayBuffer>
  associatedData: Uint8Array<ArrayBuffer>
  baseKey: Uint8Array<ArrayBuffer>
  pendingPrekey?: PrekeyHeader
  ratchet?: RatchetStateRecord
}

export namespace SessionRecord {
  let _codec: Codec<SessionRecord>

  export const codec = (): Codec<SessionRecord> => {
    if (_codec == null) {
      _codec = message<SessionRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.remoteIdentity != null && obj.remoteIdentity.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.remoteIdentity)
        }

        if ((obj.associatedData != null && obj.associatedData.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.associatedData)
        }

        if ((obj.baseKey != null && obj.baseKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.baseKey)
        }

        if (obj.pendingPrekey != null) {
          w.uint32(34)
          PrekeyHeader.codec().encode(obj.pendingPrekey, w)
        }

        if (obj.ratchet != null) {
          w.uint32(42)
          RatchetStateRecord.codec().encode(obj.ratchet, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          remoteIdentity: uint8ArrayAlloc(0),
          associatedData: uint8ArrayAlloc(0),
          baseKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.remoteIdentity = reader.bytes()
              break
            }
            case 2: {
              obj.associatedData = reader.bytes()
              break
            }
            case 3: {
              obj.baseKey = reader.bytes()
              break
            }
            case 4: {
              obj.pendingPrekey = PrekeyHeader.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.pendingPrekey
              })
              break
            }
            case 5: {
              obj.ratchet = RatchetStateRecord.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ratchet
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
                field: `${prefix}.remoteIdentity`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.associatedData`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.baseKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield * PrekeyHeader.codec().stream(reader, reader.uint32(), `${prefix}.pendingPrekey`, {
                limits: opts.limits?.pendingPrekey
              })

              break
            }
            case 5: {
              yield * RatchetStateRecord.codec().stream(reader, reader.uint32(), `${prefix}.ratchet`, {
                limits: opts.limits?.ratchet
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

  export interface SessionRecordRemoteIdentityFieldEvent {
    field: '$.remoteIdentity'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordAssociatedDataFieldEvent {
    field: '$.associatedData'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordBaseKeyFieldEvent {
    field: '$.baseKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordPendingPrekeyIdentityKeyFieldEvent {
    field: '$.pendingPrekey.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordPendingPrekeyEphemeralKeyFieldEvent {
    field: '$.pendingPrekey.ephemeralKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordPendingPrekeyKemCiphertextFieldEvent {
    field: '$.pendingPrekey.kemCiphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordPendingPrekeySignedPrekeyIdFieldEvent {
    field: '$.pendingPrekey.signedPrekeyId'
    value: number
  }

  export interface SessionRecordPendingPrekeyKemPrekeyIdFieldEvent {
    field: '$.pendingPrekey.kemPrekeyId'
    value: number
  }

  export interface SessionRecordPendingPrekeyOneTimePrekeyIdFieldEvent {
    field: '$.pendingPrekey.oneTimePrekeyId'
    value: number
  }

  export interface SessionRecordRatchetDhsSecretFieldEvent {
    field: '$.ratchet.dhsSecret'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordRatchetDhsPublicFieldEvent {
    field: '$.ratchet.dhsPublic'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordRatchetDhrFieldEvent {
    field: '$.ratchet.dhr'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordRatchetRkFieldEvent {
    field: '$.ratchet.rk'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordRatchetCksFieldEvent {
    field: '$.ratchet.cks'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordRatchetCkrFieldEvent {
    field: '$.ratchet.ckr'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordRatchetNsFieldEvent {
    field: '$.ratchet.ns'
    value: number
  }

  export interface SessionRecordRatchetNrFieldEvent {
    field: '$.ratchet.nr'
    value: number
  }

  export interface SessionRecordRatchetPnFieldEvent {
    field: '$.ratchet.pn'
    value: number
  }

  export interface SessionRecordRatchetSkippedRatchetKeyFieldEvent {
    field: '$.ratchet.skipped[].ratchetKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SessionRecordRatchetSkippedNFieldEvent {
    field: '$.ratchet.skipped[].n'
    value: number
    index: number
  }

  export interface SessionRecordRatchetSkippedMessageKeyFieldEvent {
    field: '$.ratchet.skipped[].messageKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<SessionRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SessionRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SessionRecord>): SessionRecord {
    return decodeMessage(buf, SessionRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SessionRecord>): Generator<SessionRecordRemoteIdentityFieldEvent | SessionRecordAssociatedDataFieldEvent | SessionRecordBaseKeyFieldEvent | SessionRecordPendingPrekeyIdentityKeyFieldEvent | SessionRecordPendingPrekeyEphemeralKeyFieldEvent | SessionRecordPendingPrekeyKemCiphertextFieldEvent | SessionRecordPendingPrekeySignedPrekeyIdFieldEvent | SessionRecordPendingPrekeyKemPrekeyIdFieldEvent | SessionRecordPendingPrekeyOneTimePrekeyIdFieldEvent | SessionRecordRatchetDhsSecretFieldEvent | SessionRecordRatchetDhsPublicFieldEvent | SessionRecordRatchetDhrFieldEvent | SessionRecordRatchetRkFieldEvent | SessionRecordRatchetCksFieldEvent | SessionRecordRatchetCkrFieldEvent | SessionRecordRatchetNsFieldEvent | SessionRecordRatchetNrFieldEvent | SessionRecordRatchetPnFieldEvent | SessionRecordRatchetSkippedRatchetKeyFieldEvent | SessionRecordRatchetSkippedNFieldEvent | SessionRecordRatchetSkippedMessageKeyFieldEvent> {
    return streamMessage(buf, SessionRecord.codec(), opts)
  }
}

export interface StoredSignedKey {
  id: number
  publicKey: Uint8Array<ArrayBuffer>
  secretKey: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
  createdAt: bigint
}

export namespace StoredSignedKey {
  let _codec: Codec<StoredSignedKey>

  export const codec = (): Codec<StoredSignedKey> => {
    if (_codec == null) {
      _codec = message<StoredSignedKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.publicKey)
        }

        if ((obj.secretKey != null && obj.secretKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.secretKey)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.signature)
        }

        if ((obj.createdAt != null && obj.createdAt !== 0n)) {
          w.uint32(40)
          w.uint64(obj.createdAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          publicKey: uint8ArrayAlloc(0),
          secretKey: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0),
          createdAt: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              obj.publicKey = reader.bytes()
              break
            }
            case 3: {
              obj.secretKey = reader.bytes()
              break
            }
            case 4: {
              obj.signature = reader.bytes()
              break
            }
            case 5: {
              obj.createdAt = reader.uint64()
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
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.secretKey`,
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
            case 5: {
              yield {
                field: `${prefix}.createdAt`,
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

  export interface StoredSignedKeyIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface StoredSignedKeyPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoredSignedKeySecretKeyFieldEvent {
    field: '$.secretKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoredSignedKeySignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoredSignedKeyCreatedAtFieldEvent {
    field: '$.createdAt'
    value: bigint
  }

  export function encode (obj: Partial<StoredSignedKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, StoredSignedKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoredSignedKey>): StoredSignedKey {
    return decodeMessage(buf, StoredSignedKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoredSignedKey>): Generator<StoredSignedKeyIdFieldEvent | StoredSignedKeyPublicKeyFieldEvent | StoredSignedKeySecretKeyFieldEvent | StoredSignedKeySignatureFieldEvent | StoredSignedKeyCreatedAtFieldEvent> {
    return streamMessage(buf, StoredSignedKey.codec(), opts)
  }
}

export interface StoredOneTimeKey {
  id: number
  publicKey: Uint8Array<ArrayBuffer>
  secretKey: Uint8Array<ArrayBuffer>
}

export namespace StoredOneTimeKey {
  let _codec: Codec<StoredOneTimeKey>

  export const codec = (): Codec<StoredOneTimeKey> => {
    if (_codec == null) {
      _codec = message<StoredOneTimeKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.publicKey)
        }

        if ((obj.secretKey != null && obj.secretKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.secretKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          publicKey: uint8ArrayAlloc(0),
          secretKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              obj.publicKey = reader.bytes()
              break
            }
            case 3: {
              obj.secretKey = reader.bytes()
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
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.secretKey`,
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

  export interface StoredOneTimeKeyIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface StoredOneTimeKeyPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoredOneTimeKeySecretKeyFieldEvent {
    field: '$.secretKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<StoredOneTimeKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, StoredOneTimeKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoredOneTimeKey>): StoredOneTimeKey {
    return decodeMessage(buf, StoredOneTimeKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoredOneTimeKey>): Generator<StoredOneTimeKeyIdFieldEvent | StoredOneTimeKeyPublicKeyFieldEvent | StoredOneTimeKeySecretKeyFieldEvent> {
    return streamMessage(buf, StoredOneTimeKey.codec(), opts)
  }
}

export interface PrekeyStoreRecord {
  nextId: number
  signed?: StoredSignedKey
  previousSigned?: StoredSignedKey
  lastResortKem?: StoredSignedKey
  oneTime: StoredOneTimeKey[]
  oneTimeKem: StoredSignedKey[]
}

export namespace PrekeyStoreRecord {
  let _codec: Codec<PrekeyStoreRecord>

  export const codec = (): Codec<PrekeyStoreRecord> => {
    if (_codec == null) {
      _codec = message<PrekeyStoreRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.nextId != null && obj.nextId !== 0)) {
          w.uint32(8)
          w.uint32(obj.nextId)
        }

        if (obj.signed != null) {
          w.uint32(18)
          StoredSignedKey.codec().encode(obj.signed, w)
        }

        if (obj.previousSigned != null) {
          w.uint32(26)
          StoredSignedKey.codec().encode(obj.previousSigned, w)
        }

        if (obj.lastResortKem != null) {
          w.uint32(34)
          StoredSignedKey.codec().encode(obj.lastResortKem, w)
        }

        if (obj.oneTime != null && obj.oneTime.length > 0) {
          for (const value of obj.oneTime) {
            w.uint32(42)
            StoredOneTimeKey.codec().encode(value, w)
          }
        }

        if (obj.oneTimeKem != null && obj.oneTimeKem.length > 0) {
          for (const value of obj.oneTimeKem) {
            w.uint32(50)
            StoredSignedKey.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          nextId: 0,
          oneTime: [],
          oneTimeKem: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.nextId = reader.uint32()
              break
            }
            case 2: {
              obj.signed = StoredSignedKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.signed
              })
              break
            }
            case 3: {
              obj.previousSigned = StoredSignedKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.previousSigned
              })
              break
            }
            case 4: {
              obj.lastResortKem = StoredSignedKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.lastResortKem
              })
              break
            }
            case 5: {
              if (opts.limits?.oneTime != null && obj.oneTime.length === opts.limits.oneTime) {
                throw new MaxLengthError('Decode error - repeated field "oneTime" had too many elements')
              }

              obj.oneTime.push(StoredOneTimeKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.oneTime$
              }))
              break
            }
            case 6: {
              if (opts.limits?.oneTimeKem != null && obj.oneTimeKem.length === opts.limits.oneTimeKem) {
                throw new MaxLengthError('Decode error - repeated field "oneTimeKem" had too many elements')
              }

              obj.oneTimeKem.push(StoredSignedKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.oneTimeKem$
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
          oneTime: 0,
          oneTimeKem: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.nextId`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield * StoredSignedKey.codec().stream(reader, reader.uint32(), `${prefix}.signed`, {
                limits: opts.limits?.signed
              })

              break
            }
            case 3: {
              yield * StoredSignedKey.codec().stream(reader, reader.uint32(), `${prefix}.previousSigned`, {
                limits: opts.limits?.previousSigned
              })

              break
            }
            case 4: {
              yield * StoredSignedKey.codec().stream(reader, reader.uint32(), `${prefix}.lastResortKem`, {
                limits: opts.limits?.lastResortKem
              })

              break
            }
            case 5: {
              if (opts.limits?.oneTime != null && obj.oneTime === opts.limits.oneTime) {
                throw new MaxLengthError('Streaming decode error - repeated field "oneTime" had too many elements')
              }

              for (const evt of StoredOneTimeKey.codec().stream(reader, reader.uint32(), `${prefix}.oneTime[]`, {
                limits: opts.limits?.oneTime$
              })) {
                yield {
                  ...evt,
                  index: obj.oneTime
                }
              }

              obj.oneTime++

              break
            }
            case 6: {
              if (opts.limits?.oneTimeKem != null && obj.oneTimeKem === opts.limits.oneTimeKem) {
                throw new MaxLengthError('Streaming decode error - repeated field "oneTimeKem" had too many elements')
              }

              for (const evt of StoredSignedKey.codec().stream(reader, reader.uint32(), `${prefix}.oneTimeKem[]`, {
                limits: opts.limits?.oneTimeKem$
              })) {
                yield {
                  ...evt,
                  index: obj.oneTimeKem
                }
              }

              obj.oneTimeKem++

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

  export interface PrekeyStoreRecordNextIdFieldEvent {
    field: '$.nextId'
    value: number
  }

  export interface PrekeyStoreRecordSignedIdFieldEvent {
    field: '$.signed.id'
    value: number
  }

  export interface PrekeyStoreRecordSignedPublicKeyFieldEvent {
    field: '$.signed.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyStoreRecordSignedSecretKeyFieldEvent {
    field: '$.signed.secretKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyStoreRecordSignedSignatureFieldEvent {
    field: '$.signed.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyStoreRecordSignedCreatedAtFieldEvent {
    field: '$.signed.createdAt'
    value: bigint
  }

  export interface PrekeyStoreRecordPreviousSignedIdFieldEvent {
    field: '$.previousSigned.id'
    value: number
  }

  export interface PrekeyStoreRecordPreviousSignedPublicKeyFieldEvent {
    field: '$.previousSigned.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyStoreRecordPreviousSignedSecretKeyFieldEvent {
    field: '$.previousSigned.secretKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyStoreRecordPreviousSignedSignatureFieldEvent {
    field: '$.previousSigned.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyStoreRecordPreviousSignedCreatedAtFieldEvent {
    field: '$.previousSigned.createdAt'
    value: bigint
  }

  export interface PrekeyStoreRecordLastResortKemIdFieldEvent {
    field: '$.lastResortKem.id'
    value: number
  }

  export interface PrekeyStoreRecordLastResortKemPublicKeyFieldEvent {
    field: '$.lastResortKem.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyStoreRecordLastResortKemSecretKeyFieldEvent {
    field: '$.lastResortKem.secretKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyStoreRecordLastResortKemSignatureFieldEvent {
    field: '$.lastResortKem.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyStoreRecordLastResortKemCreatedAtFieldEvent {
    field: '$.lastResortKem.createdAt'
    value: bigint
  }

  export interface PrekeyStoreRecordOneTimeIdFieldEvent {
    field: '$.oneTime[].id'
    value: number
    index: number
  }

  export interface PrekeyStoreRecordOneTimePublicKeyFieldEvent {
    field: '$.oneTime[].publicKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface PrekeyStoreRecordOneTimeSecretKeyFieldEvent {
    field: '$.oneTime[].secretKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface PrekeyStoreRecordOneTimeKemIdFieldEvent {
    field: '$.oneTimeKem[].id'
    value: number
    index: number
  }

  export interface PrekeyStoreRecordOneTimeKemPublicKeyFieldEvent {
    field: '$.oneTimeKem[].publicKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface PrekeyStoreRecordOneTimeKemSecretKeyFieldEvent {
    field: '$.oneTimeKem[].secretKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface PrekeyStoreRecordOneTimeKemSignatureFieldEvent {
    field: '$.oneTimeKem[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface PrekeyStoreRecordOneTimeKemCreatedAtFieldEvent {
    field: '$.oneTimeKem[].createdAt'
    value: bigint
    index: number
  }

  export function encode (obj: Partial<PrekeyStoreRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PrekeyStoreRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PrekeyStoreRecord>): PrekeyStoreRecord {
    return decodeMessage(buf, PrekeyStoreRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PrekeyStoreRecord>): Generator<PrekeyStoreRecordNextIdFieldEvent | PrekeyStoreRecordSignedIdFieldEvent | PrekeyStoreRecordSignedPublicKeyFieldEvent | PrekeyStoreRecordSignedSecretKeyFieldEvent | PrekeyStoreRecordSignedSignatureFieldEvent | PrekeyStoreRecordSignedCreatedAtFieldEvent | PrekeyStoreRecordPreviousSignedIdFieldEvent | PrekeyStoreRecordPreviousSignedPublicKeyFieldEvent | PrekeyStoreRecordPreviousSignedSecretKeyFieldEvent | PrekeyStoreRecordPreviousSignedSignatureFieldEvent | PrekeyStoreRecordPreviousSignedCreatedAtFieldEvent | PrekeyStoreRecordLastResortKemIdFieldEvent | PrekeyStoreRecordLastResortKemPublicKeyFieldEvent | PrekeyStoreRecordLastResortKemSecretKeyFieldEvent | PrekeyStoreRecordLastResortKemSignatureFieldEvent | PrekeyStoreRecordLastResortKemCreatedAtFieldEvent | PrekeyStoreRecordOneTimeIdFieldEvent | PrekeyStoreRecordOneTimePublicKeyFieldEvent | PrekeyStoreRecordOneTimeSecretKeyFieldEvent | PrekeyStoreRecordOneTimeKemIdFieldEvent | PrekeyStoreRecordOneTimeKemPublicKeyFieldEvent | PrekeyStoreRecordOneTimeKemSecretKeyFieldEvent | PrekeyStoreRecordOneTimeKemSignatureFieldEvent | PrekeyStoreRecordOneTimeKemCreatedAtFieldEvent> {
    return streamMessage(buf, PrekeyStoreRecord.codec(), opts)
  }
}
