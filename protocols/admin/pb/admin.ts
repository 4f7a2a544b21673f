import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface AdminCommand {
  relay: Uint8Array<ArrayBuffer>
  signer: Uint8Array<ArrayBuffer>
  nonce: Uint8Array<ArrayBuffer>
  timestamp: bigint
  command: string
  args: string[]
}

export namespace AdminCommand {
  let _codec: Codec<AdminCommand>

  export const codec = (): Codec<AdminCommand> => {
    if (_codec == null) {
      _codec = message<AdminCommand>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.relay != null && obj.relay.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.relay)
        }

        if ((obj.signer != null && obj.signer.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signer)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.nonce)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(32)
          w.uint64(obj.timestamp)
        }

        if ((obj.command != null && obj.command !== '')) {
          w.uint32(42)
          w.string(obj.command)
        }

        if (obj.args != null && obj.args.length > 0) {
          for (const value of obj.args) {
            w.uint32(50)
            w.string(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          relay: uint8ArrayAlloc(0),
          signer: uint8ArrayAlloc(0),
          nonce: uint8ArrayAlloc(0),
          timestamp: 0n,
          command: '',
          args: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.relay = reader.bytes()
              break
            }
            case 2: {
              obj.signer = reader.bytes()
              break
            }
            case 3: {
              obj.nonce = reader.bytes()
              break
            }
            case 4: {
              obj.timestamp = reader.uint64()
              break
            }
            case 5: {
              obj.command = reader.string()
              break
            }
            case 6: {
              if (opts.limits?.args != null && obj.args.length === opts.limits.args) {
                throw new MaxLengthError('Decode error - repeated field "args" had too many elements')
              }

              obj.args.push(reader.string())
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
          args: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.relay`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signer`,
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
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.command`,
                value: reader.string()
              }
              break
            }
            case 6: {
              if (opts.limits?.args != null && obj.args === opts.limits.args) {
                throw new MaxLengthError('Streaming decode error - repeated field "args" had too many elements')
              }

              yield {
                field: `${prefix}.args[]`,
                index: obj.args,
                value: reader.string()
              }

              obj.args++

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

  export interface AdminCommandRelayFieldEvent {
    field: '$.relay'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AdminCommandSignerFieldEvent {
    field: '$.signer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AdminCommandNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AdminCommandTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface AdminCommandCommandFieldEvent {
    field: '$.command'
    value: string
  }

  export interface AdminCommandArgsFieldEvent {
    field: '$.args[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<AdminCommand>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AdminCommand.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AdminCommand>): AdminCommand {
    return decodeMessage(buf, AdminCommand.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AdminCommand>): Generator<AdminCommandRelayFieldEvent | AdminCommandSignerFieldEvent | AdminCommandNonceFieldEvent | AdminCommandTimestampFieldEvent | AdminCommandCommandFieldEvent | AdminCommandArgsFieldEvent> {
    return streamMessage(buf, AdminCommand.codec(), opts)
  }
}

export interface AdminRequest {
  command: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace AdminRequest {
  let _codec: Codec<AdminRequest>

  export const codec = (): Codec<AdminRequest> => {
    if (_codec == null) {
      _codec = message<AdminRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.command != null && obj.command.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.command)
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
          command: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.command = reader.bytes()
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
                field: `${prefix}.command`,
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

  export interface AdminRequestCommandFieldEvent {
    field: '$.command'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AdminRequestSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<AdminRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AdminRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AdminRequest>): AdminRequest {
    return decodeMessage(buf, AdminRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AdminRequest>): Generator<AdminRequestCommandFieldEvent | AdminRequestSignatureFieldEvent> {
    return streamMessage(buf, AdminRequest.codec(), opts)
  }
}

export interface UserRow {
  peerId: string
  name: string
  online: boolean
  lastSeen: bigint
}

export namespace UserRow {
  let _codec: Codec<UserRow>

  export const codec = (): Codec<UserRow> => {
    if (_codec == null) {
      _codec = message<UserRow>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peerId != null && obj.peerId !== '')) {
          w.uint32(10)
          w.string(obj.peerId)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(18)
          w.string(obj.name)
        }

        if ((obj.online != null && obj.online !== false)) {
          w.uint32(24)
          w.bool(obj.online)
        }

        if ((obj.lastSeen != null && obj.lastSeen !== 0n)) {
          w.uint32(32)
          w.uint64(obj.lastSeen)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peerId: '',
          name: '',
          online: false,
          lastSeen: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peerId = reader.string()
              break
            }
            case 2: {
              obj.name = reader.string()
              break
            }
            case 3: {
              obj.online = reader.bool()
              break
            }
            case 4: {
              obj.lastSeen = reader.uint64()
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
                field: `${prefix}.peerId`,
                value: reader.string()
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
                field: `${prefix}.online`,
                value: reader.bool()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.lastSeen`,
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

  export interface UserRowPeerIdFieldEvent {
    field: '$.peerId'
    value: string
  }

  export interface UserRowNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface UserRowOnlineFieldEvent {
    field: '$.online'
    value: boolean
  }

  export interface UserRowLastSeenFieldEvent {
    field: '$.lastSeen'
    value: bigint
  }

  export function encode (obj: Partial<UserRow>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, UserRow.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<UserRow>): UserRow {
    return decodeMessage(buf, UserRow.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<UserRow>): Generator<UserRowPeerIdFieldEvent | UserRowNameFieldEvent | UserRowOnlineFieldEvent | UserRowLastSeenFieldEvent> {
    return streamMessage(buf, UserRow.codec(), opts)
  }
}

export interface BanRow {
  peerId: string
  name: string
  reason: string
  by: string
  at: bigint
}

export namespace BanRow {
  let _codec: Codec<BanRow>

  export const codec = (): Codec<BanRow> => {
    if (_codec == null) {
      _codec = message<BanRow>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peerId != null && obj.peerId !== '')) {
          w.uint32(10)
          w.string(obj.peerId)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(18)
          w.string(obj.name)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(26)
          w.string(obj.reason)
        }

        if ((obj.by != null && obj.by !== '')) {
          w.uint32(34)
          w.string(obj.by)
        }

        if ((obj.at != null && obj.at !== 0n)) {
          w.uint32(40)
          w.uint64(obj.at)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peerId: '',
          name: '',
          reason: '',
          by: '',
          at: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peerId = reader.string()
              break
            }
            case 2: {
              obj.name = reader.string()
              break
            }
            case 3: {
              obj.reason = reader.string()
              break
            }
            case 4: {
              obj.by = reader.string()
              break
            }
            case 5: {
              obj.at = reader.uint64()
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
                field: `${prefix}.peerId`,
                value: reader.string()
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
                field: `${prefix}.reason`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.by`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.at`,
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

  export interface BanRowPeerIdFieldEvent {
    field: '$.peerId'
    value: string
  }

  export interface BanRowNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface BanRowReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export interface BanRowByFieldEvent {
    field: '$.by'
    value: string
  }

  export interface BanRowAtFieldEvent {
    field: '$.at'
    value: bigint
  }

  export function encode (obj: Partial<BanRow>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BanRow.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BanRow>): BanRow {
    return decodeMessage(buf, BanRow.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BanRow>): Generator<BanRowPeerIdFieldEvent | BanRowNameFieldEvent | BanRowReasonFieldEvent | BanRowByFieldEvent | BanRowAtFieldEvent> {
    return streamMessage(buf, BanRow.codec(), opts)
  }
}

export interface SettingRow {
  key: string
  value: string
  mutable: boolean
}

export namespace SettingRow {
  let _codec: Codec<SettingRow>

  export const codec = (): Codec<SettingRow> => {
    if (_codec == null) {
      _codec = message<SettingRow>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if ((obj.value != null && obj.value !== '')) {
          w.uint32(18)
          w.string(obj.value)
        }

        if ((obj.mutable != null && obj.mutable !== false)) {
          w.uint32(24)
          w.bool(obj.mutable)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: '',
          value: '',
          mutable: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.value = reader.string()
              break
            }
            case 3: {
              obj.mutable = reader.bool()
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
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.value`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.mutable`,
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

  export interface SettingRowKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface SettingRowValueFieldEvent {
    field: '$.value'
    value: string
  }

  export interface SettingRowMutableFieldEvent {
    field: '$.mutable'
    value: boolean
  }

  export function encode (obj: Partial<SettingRow>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SettingRow.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SettingRow>): SettingRow {
    return decodeMessage(buf, SettingRow.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SettingRow>): Generator<SettingRowKeyFieldEvent | SettingRowValueFieldEvent | SettingRowMutableFieldEvent> {
    return streamMessage(buf, SettingRow.codec(), opts)
  }
}

export interface AdminRow {
  peerId: string
  addedBy: string
  addedAt: bigint
}

export namespace AdminRow {
  let _codec: Codec<AdminRow>

  export const codec = (): Codec<AdminRow> => {
    if (_codec == null) {
      _codec = message<AdminRow>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peerId != null && obj.peerId !== '')) {
          w.uint32(10)
          w.string(obj.peerId)
        }

        if ((obj.addedBy != null && obj.addedBy !== '')) {
          w.uint32(18)
          w.string(obj.addedBy)
        }

        if ((obj.addedAt != null && obj.addedAt !== 0n)) {
          w.uint32(24)
          w.uint64(obj.addedAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peerId: '',
          addedBy: '',
          addedAt: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peerId = reader.string()
              break
            }
            case 2: {
              obj.addedBy = reader.string()
              break
            }
            case 3: {
              obj.addedAt = reader.uint64()
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
                field: `${prefix}.peerId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.addedBy`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.addedAt`,
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

  export interface AdminRowPeerIdFieldEvent {
    field: '$.peerId'
    value: string
  }

  export interface AdminRowAddedByFieldEvent {
    field: '$.addedBy'
    value: string
  }

  export interface AdminRowAddedAtFieldEvent {
    field: '$.addedAt'
    value: bigint
  }

  export function encode (obj: Partial<AdminRow>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AdminRow.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AdminRow>): AdminRow {
    return decodeMessage(buf, AdminRow.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AdminRow>): Generator<AdminRowPeerIdFieldEvent | AdminRowAddedByFieldEvent | AdminRowAddedAtFieldEvent> {
    return streamMessage(buf, AdminRow.codec(), opts)
  }
}

export interface AdminResponse {
  ok: boolean
  code: string
  message: string
  users: UserRow[]
  bans: BanRow[]
  settings: SettingRow[]
  admins: AdminRow[]
}

export namespace AdminResponse {
  let _codec: Codec<AdminResponse>

  export const codec = (): Codec<AdminResponse> => {
    if (_codec == null) {
      _codec = message<AdminResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.ok != null && obj.ok !== false)) {
          w.uint32(8)
          w.bool(obj.ok)
        }

        if ((obj.code != null && obj.code !== '')) {
          w.uint32(18)
          w.string(obj.code)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(26)
          w.string(obj.message)
        }

        if (obj.users != null && obj.users.length > 0) {
          for (const value of obj.users) {
            w.uint32(34)
            UserRow.codec().encode(value, w)
          }
        }

        if (obj.bans != null && obj.bans.length > 0) {
          for (const value of obj.bans) {
            w.uint32(42)
            BanRow.codec().encode(value, w)
          }
        }

        if (obj.settings != null && obj.settings.length > 0) {
          for (const value of obj.settings) {
            w.uint32(50)
            SettingRow.codec().encode(value, w)
          }
        }

        if (obj.admins != null && obj.admins.length > 0) {
          for (const value of obj.admins) {
            w.uint32(58)
            AdminRow.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ok: false,
          code: '',
          message: '',
          users: [],
          bans: [],
          settings: [],
          admins: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ok = reader.bool()
              break
            }
            case 2: {
              obj.code = reader.string()
              break
            }
            case 3: {
              obj.message = reader.string()
              break
            }
            case 4: {
              if (opts.limits?.users != null && obj.users.length === opts.limits.users) {
                throw new MaxLengthError('Decode error - repeated field "users" had too many elements')
              }

              obj.users.push(UserRow.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.users$
              }))
              break
            }
            case 5: {
              if (opts.limits?.bans != null && obj.bans.length === opts.limits.bans) {
                throw new MaxLengthError('Decode error - repeated field "bans" had too many elements')
              }

              obj.bans.push(BanRow.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.bans$
              }))
              break
            }
            case 6: {
              if (opts.limits?.settings != null && obj.settings.length === opts.limits.settings) {
                throw new MaxLengthError('Decode error - repeated field "settings" had too many elements')
              }

              obj.settings.push(SettingRow.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.settings$
              }))
              break
            }
            case 7: {
              if (opts.limits?.admins != null && obj.admins.length === opts.limits.admins) {
                throw new MaxLengthError('Decode error - repeated field "admins" had too many elements')
              }

              obj.admins.push(AdminRow.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.admins$
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
          users: 0,
          bans: 0,
          settings: 0,
          admins: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.ok`,
                value: reader.bool()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.code`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 4: {
              if (opts.limits?.users != null && obj.users === opts.limits.users) {
                throw new MaxLengthError('Streaming decode error - repeated field "users" had too many elements')
              }

              for (const evt of UserRow.codec().stream(reader, reader.uint32(), `${prefix}.users[]`, {
                limits: opts.limits?.users$
              })) {
                yield {
                  ...evt,
                  index: obj.users
                }
              }

              obj.users++

              break
            }
            case 5: {
              if (opts.limits?.bans != null && obj.bans === opts.limits.bans) {
                throw new MaxLengthError('Streaming decode error - repeated field "bans" had too many elements')
              }

              for (const evt of BanRow.codec().stream(reader, reader.uint32(), `${prefix}.bans[]`, {
                limits: opts.limits?.bans$
              })) {
                yield {
                  ...evt,
                  index: obj.bans
                }
              }

              obj.bans++

              break
            }
            case 6: {
              if (opts.limits?.settings != null && obj.settings === opts.limits.settings) {
                throw new MaxLengthError('Streaming decode error - repeated field "settings" had too many elements')
              }

              for (const evt of SettingRow.codec().stream(reader, reader.uint32(), `${prefix}.settings[]`, {
                limits: opts.limits?.settings$
              })) {
                yield {
                  ...evt,
                  index: obj.settings
                }
              }

              obj.settings++

              break
            }
            case 7: {
              if (opts.limits?.admins != null && obj.admins === opts.limits.admins) {
                throw new MaxLengthError('Streaming decode error - repeated field "admins" had too many elements')
              }

              for (const evt of AdminRow.codec().stream(reader, reader.uint32(), `${prefix}.admins[]`, {
                limits: opts.limits?.admins$
              })) {
                yield {
                  ...evt,
                  index: obj.admins
                }
              }

              obj.admins++

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

  export interface AdminResponseOkFieldEvent {
    field: '$.ok'
    value: boolean
  }

  export interface AdminResponseCodeFieldEvent {
    field: '$.code'
    value: string
  }

  export interface AdminResponseMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface AdminResponseUsersPeerIdFieldEvent {
    field: '$.users[].peerId'
    value: string
    index: number
  }

  export interface AdminResponseUsersNameFieldEvent {
    field: '$.users[].name'
    value: string
    index: number
  }

  export interface AdminResponseUsersOnlineFieldEvent {
    field: '$.users[].online'
    value: boolean
    index: number
  }

  export interface AdminResponseUsersLastSeenFieldEvent {
    field: '$.users[].lastSeen'
    value: bigint
    index: number
  }

  export interface AdminResponseBansPeerIdFieldEvent {
    field: '$.bans[].peerId'
    value: string
    index: number
  }

  export interface AdminResponseBansNameFieldEvent {
    field: '$.bans[].name'
    value: string
    index: number
  }

  export interface AdminResponseBansReasonFieldEvent {
    field: '$.bans[].reason'
    value: string
    index: number
  }

  export interface AdminResponseBansByFieldEvent {
    field: '$.bans[].by'
    value: string
    index: number
  }

  export interface AdminResponseBansAtFieldEvent {
    field: '$.bans[].at'
    value: bigint
    index: number
  }

  export interface AdminResponseSettingsKeyFieldEvent {
    field: '$.settings[].key'
    value: string
    index: number
  }

  export interface AdminResponseSettingsValueFieldEvent {
    field: '$.settings[].value'
    value: string
    index: number
  }

  export interface AdminResponseSettingsMutableFieldEvent {
    field: '$.settings[].mutable'
    value: boolean
    index: number
  }

  export interface AdminResponseAdminsPeerIdFieldEvent {
    field: '$.admins[].peerId'
    value: string
    index: number
  }

  export interface AdminResponseAdminsAddedByFieldEvent {
    field: '$.admins[].addedBy'
    value: string
    index: number
  }

  export interface AdminResponseAdminsAddedAtFieldEvent {
    field: '$.admins[].addedAt'
    value: bigint
    index: number
  }

  export function encode (obj: Partial<AdminResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AdminResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AdminResponse>): AdminResponse {
    return decodeMessage(buf, AdminResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AdminResponse>): Generator<AdminResponseOkFieldEvent | AdminResponseCodeFieldEvent | AdminResponseMessageFieldEvent | AdminResponseUsersPeerIdFieldEvent | AdminResponseUsersNameFieldEvent | AdminResponseUsersOnlineFieldEvent | AdminResponseUsersLastSeenFieldEvent | AdminResponseBansPeerIdFieldEvent | AdminResponseBansNameFieldEvent | AdminResponseBansReasonFieldEvent | AdminResponseBansByFieldEvent | AdminResponseBansAtFieldEvent | AdminResponseSettingsKeyFieldEvent | AdminResponseSettingsValueFieldEvent | AdminResponseSettingsMutableFieldEvent | AdminResponseAdminsPeerIdFieldEvent | AdminResponseAdminsAddedByFieldEvent | AdminResponseAdminsAddedAtFieldEvent> {
    return streamMessage(buf, AdminResponse.codec(), opts)
  }
}
