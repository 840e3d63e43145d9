// Gizwits Open API shapes (seed 003, research/gizwits.md §2), declared once as TypeBox schemas.
// The BFF validates and serializes with them, the sandbox answers with them, the SPA imports the types only.
import { Type, type Static } from 'typebox'

/** Error body of every failed Open API call: `{"error_code":9004,"error_message":"token invalid!","detail_message":null}`. */
/** A device id as the cloud makes them (22 characters today); anything else is refused before it goes upstream. */
export const DID_PATTERN = '^[A-Za-z0-9_-]{1,64}$'

export const GizwitsErrorBody = Type.Object({
  error_code: Type.Number(),
  error_message: Type.String(),
  detail_message: Type.Union([Type.String(), Type.Null()]),
})
export type GizwitsErrorBody = Static<typeof GizwitsErrorBody>

export const UserCreateBody = Type.Object({
  phone_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  username: Type.Optional(Type.String()),
  password: Type.Optional(Type.String()),
  lang: Type.Optional(Type.String()),
})
export type UserCreateBody = Static<typeof UserCreateBody>

export const UserToken = Type.Object({
  uid: Type.String(),
  token: Type.String(),
  expire_at: Type.Number(),
})
export type UserToken = Static<typeof UserToken>

export const UserProfile = Type.Object({
  uid: Type.String(),
  username: Type.String(),
  phone: Type.String(),
  email: Type.String(),
  name: Type.String(),
  gender: Type.String(),
  birthday: Type.String(),
  address: Type.String(),
  lang: Type.String(),
  remark: Type.String(),
  is_anonymous: Type.Boolean(),
})
export type UserProfile = Static<typeof UserProfile>

export const BindingRole = Type.Union([
  Type.Literal('special'),
  Type.Literal('owner'),
  Type.Literal('guest'),
  Type.Literal('normal'),
])
export type BindingRole = Static<typeof BindingRole>

/** One device as `GET /app/bindings`, `POST /app/bind_mac` and `GET /app/devices/{did}` return it. */
export const BoundDevice = Type.Object({
  product_key: Type.String(),
  did: Type.String(),
  mac: Type.String(),
  is_online: Type.Boolean(),
  passcode: Type.String(),
  host: Type.String(),
  port: Type.Number(),
  port_s: Type.Number(),
  ws_port: Type.Number(),
  wss_port: Type.Number(),
  remark: Type.String(),
  is_disabled: Type.Boolean(),
  type: Type.Union([Type.Literal('normal'), Type.Literal('center_control'), Type.Literal('sub_dev')]),
  dev_alias: Type.String(),
  dev_label: Type.Array(Type.String()),
  role: BindingRole,
  product_name: Type.Optional(Type.String()),
  proto_ver: Type.Optional(Type.String()),
  wifi_soft_version: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  is_sandbox: Type.Optional(Type.Boolean()),
})
export type BoundDevice = Static<typeof BoundDevice>

export const BindingsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  show_disabled: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)])),
  show_proto_ver: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)])),
}, { additionalProperties: false })
export type BindingsQuery = Static<typeof BindingsQuery>

export const BindingsResponse = Type.Object({ devices: Type.Array(BoundDevice) })
export type BindingsResponse = Static<typeof BindingsResponse>

export const BindMacBody = Type.Object({
  product_key: Type.String({ pattern: '^[0-9a-f]{32}$' }),
  mac: Type.String({ pattern: '^[0-9a-f]{12}$' }),
  remark: Type.Optional(Type.String({ maxLength: 100 })),
  dev_alias: Type.Optional(Type.String({ maxLength: 100 })),
  set_owner: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)])),
}, { additionalProperties: false })
export type BindMacBody = Static<typeof BindMacBody>

export const UnbindBody = Type.Object({
  devices: Type.Array(Type.Object({ did: Type.String({ pattern: DID_PATTERN }) }, { additionalProperties: false }), { minItems: 1, maxItems: 20 }),
}, { additionalProperties: false })
export type UnbindBody = Static<typeof UnbindBody>

export const UnbindResult = Type.Object({
  success: Type.Array(Type.String()),
  failed: Type.Array(Type.String()),
})
export type UnbindResult = Static<typeof UnbindResult>

/** `PUT /app/bindings/{did}`: at least one field. */
export const BindingUpdateBody = Type.Object(
  {
    remark: Type.Optional(Type.String({ maxLength: 100 })),
    dev_alias: Type.Optional(Type.String({ maxLength: 100 })),
    dev_label: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20 })),
  },
  { minProperties: 1, additionalProperties: false },
)
export type BindingUpdateBody = Static<typeof BindingUpdateBody>

export const BindingUpdateResult = Type.Object({
  did: Type.Optional(Type.String()),
  remark: Type.Optional(Type.String()),
  dev_alias: Type.Optional(Type.String()),
  dev_label: Type.Optional(Type.Array(Type.String())),
})
export type BindingUpdateResult = Static<typeof BindingUpdateResult>

// ---- Binding by QR (seed 003 设备绑定) ----

/** Legacy binding by did + passcode, the Gizwits app QR form `…?product_key=&did=&passcode=`. */
export const BindingsCreateBody = Type.Object({
  devices: Type.Array(
    Type.Object({
      did: Type.String({ pattern: DID_PATTERN }),
      passcode: Type.String({ pattern: '^[A-Za-z0-9]{1,32}$' }),
      remark: Type.Optional(Type.String({ maxLength: 100 })),
      dev_alias: Type.Optional(Type.String({ maxLength: 100 })),
    }, { additionalProperties: false }),
    // One device per request: each proof is checked and counted on its own.
    { minItems: 1, maxItems: 1 },
  ),
}, { additionalProperties: false })
export type BindingsCreateBody = Static<typeof BindingsCreateBody>

export const BindingsCreateResult = Type.Object({ success: Type.Array(Type.String()), failed: Type.Array(Type.String()) })
export type BindingsCreateResult = Static<typeof BindingsCreateResult>

/** `POST /app/bind_latest`: the opaque content of a code made by Gizwits' QR service. */
export const BindLatestBody = Type.Object({
  qr_content: Type.String({ pattern: '^[\\x21-\\x7e]{1,1024}$' }),
}, { additionalProperties: false })
export type BindLatestBody = Static<typeof BindLatestBody>

// ---- Sharing (seed 003 设备分享) ----

export const SharingType = { NORMAL: 0, QR: 1 } as const
export const SharingStatus = { WAITING: 0, ACCEPTED: 1, REJECTED: 2, CANCELLED: 3 } as const

export const SharingCreateBody = Type.Object({
  type: Type.Union([Type.Literal(0), Type.Literal(1)]),
  did: Type.String({ pattern: DID_PATTERN }),
  uid: Type.Optional(Type.String({ pattern: '^[0-9a-zA-Z_-]{1,64}$' })),
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\x00-\\x1f\\x7f]+$' })),
  email: Type.Optional(Type.String({ minLength: 3, maxLength: 128, pattern: '^[^\\s@]+@[^\\s@]+$' })),
  phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9]{5,20}$' })),
  /** Minutes the guest may use the device once accepted. */
  duration: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
}, { additionalProperties: false })
export type SharingCreateBody = Static<typeof SharingCreateBody>

/** `id` for a normal share, `qr_content` (`type=share&code=<32 hex>`) for a QR share. */
export const SharingCreated = Type.Object({
  qr_content: Type.Union([Type.String(), Type.Null()]),
  id: Type.Union([Type.Integer(), Type.Null()]),
})
export type SharingCreated = Static<typeof SharingCreated>

export const SharingQuery = Type.Object({
  /** 0: shared by me (guest's details), 1: shared with me (owner's details). */
  sharing_type: Type.Union([Type.Literal(0), Type.Literal(1)]),
  status: Type.Optional(Type.String({ pattern: '^[0-3](,[0-3])*$' })),
  did: Type.Optional(Type.String({ pattern: DID_PATTERN })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
}, { additionalProperties: false })
export type SharingQuery = Static<typeof SharingQuery>

const NullableString = Type.Union([Type.String(), Type.Null()])

export const ListMeta = Type.Object({
  total: Type.Integer(),
  limit: Type.Integer(),
  skip: Type.Integer(),
  previous: NullableString,
  next: NullableString,
})
export type ListMeta = Static<typeof ListMeta>

export const Sharing = Type.Object({
  /** 0 waiting, 1 accepted, 2 rejected, 3 cancelled. */
  status: Type.Integer({ minimum: 0, maximum: 3 }),
  username: NullableString,
  uid: NullableString,
  did: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
  email: NullableString,
  phone: NullableString,
  dev_alias: Type.String(),
  id: Type.Integer(),
  user_alias: NullableString,
  type: Type.Integer({ minimum: 0, maximum: 1 }),
  product_name: Type.String(),
  expired_at: Type.String(),
})
export type Sharing = Static<typeof Sharing>

export const SharingList = Type.Object({ meta: ListMeta, objects: Type.Array(Sharing) })
export type SharingList = Static<typeof SharingList>

export const SharingIdResult = Type.Object({ id: Type.Integer() })
export type SharingIdResult = Static<typeof SharingIdResult>

/** `GET /app/sharing/code/{code}`: what a scanned QR share offers. */
export const SharingCodeInfo = Type.Object({
  owner: Type.String(),
  product_name: Type.String(),
  dev_alias: Type.String(),
  expired_at: Type.String(),
})
export type SharingCodeInfo = Static<typeof SharingCodeInfo>

/** One guest of a device, `GET /app/{did}/bindings`. */
export const Guest = Type.Object({
  uid: Type.String(),
  username: NullableString,
  phone: NullableString,
  email: NullableString,
  created_at: Type.String(),
})
export type Guest = Static<typeof Guest>

// ---- Messages (seed 003 消息中心) ----

export const MessageType = { SHARING: 1, SYSTEM: 2 } as const

export const AppMessage = Type.Object({
  id: Type.String(),
  type: Type.Integer(),
  /** 0 unread, 1 read, 2 deleted. */
  status: Type.Integer({ minimum: 0, maximum: 2 }),
  content: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
})
export type AppMessage = Static<typeof AppMessage>

export const MessagesQuery = Type.Object({
  type: Type.Optional(Type.Integer({ minimum: 1, maximum: 9 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
}, { additionalProperties: false })
export type MessagesQuery = Static<typeof MessagesQuery>

export const MessageList = Type.Object({ meta: ListMeta, objects: Type.Array(AppMessage) })
export type MessageList = Static<typeof MessageList>

// ---- Datapoints (product definition) ----

export const DataType = Type.Union([
  Type.Literal('bool'),
  Type.Literal('enum'),
  Type.Literal('uint8'),
  Type.Literal('uint16'),
  Type.Literal('uint32'),
  Type.Literal('binary'),
])
export type DataType = Static<typeof DataType>

export const AttrType = Type.Union([
  Type.Literal('status_writable'),
  Type.Literal('status_readonly'),
  Type.Literal('alert'),
  Type.Literal('fault'),
])
export type AttrType = Static<typeof AttrType>

/** `uint_spec.min/max` are the transmission range x; the display value is y = ratio·x + addition. */
export const UintSpec = Type.Object({
  min: Type.Number(),
  max: Type.Number(),
  ratio: Type.Number(),
  addition: Type.Number(),
})
export type UintSpec = Static<typeof UintSpec>

export const AttrItem = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  display_name: Type.String(),
  desc: Type.String(),
  data_type: DataType,
  type: AttrType,
  position: Type.Object({
    byte_offset: Type.Integer(),
    bit_offset: Type.Integer(),
    len: Type.Integer(),
    unit: Type.Union([Type.Literal('bit'), Type.Literal('byte')]),
  }),
  uint_spec: Type.Optional(UintSpec),
  enum: Type.Optional(Type.Array(Type.String())),
  /** Not in Gizwits' schema: a display unit some definitions carry in `desc`; ours carry it here when known. */
  unit: Type.Optional(Type.String()),
})
export type AttrItem = Static<typeof AttrItem>

export const ProductDefinition = Type.Object({
  name: Type.String(),
  product_key: Type.String(),
  protocolType: Type.String(),
  packetVersion: Type.String(),
  entities: Type.Array(
    Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      display_name: Type.String(),
      attrs: Type.Array(AttrItem),
    }),
  ),
  ui: Type.Optional(Type.Unknown()),
})
export type ProductDefinition = Static<typeof ProductDefinition>

// ---- Device data and control ----

/** A datapoint value as APIs carry it: bool, enum label, display number, binary (hex string over REST, byte array over WS). */
export const AttrValue = Type.Union([Type.Boolean(), Type.Number(), Type.String(), Type.Array(Type.Integer({ minimum: 0, maximum: 255 }))])
export type AttrValue = Static<typeof AttrValue>

export const Attrs = Type.Record(Type.String(), AttrValue)
export type Attrs = Static<typeof Attrs>

/** `GET /app/devdata/{did}/latest` — note the singular `attr`. */
export const DevdataLatest = Type.Object({
  did: Type.String(),
  updated_at: Type.Number(),
  attr: Attrs,
})
export type DevdataLatest = Static<typeof DevdataLatest>

export const ControlBody = Type.Object(
  {
    attrs: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 64 }), AttrValue, { minProperties: 1 })),
    raw: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 255 }), { minItems: 1, maxItems: 1024 })),
  },
  { minProperties: 1 },
)
export type ControlBody = Static<typeof ControlBody>

export const EmptyObject = Type.Object({})
export type EmptyObject = Static<typeof EmptyObject>

/** Open API error codes used by this product (seed 003 appendix). */
export const GizwitsErrorCode = {
  MAC_ALREADY_REGISTERED: 9001,
  PRODUCT_KEY_INVALID: 9002,
  APPID_INVALID: 9003,
  TOKEN_INVALID: 9004,
  USER_NOT_EXIST: 9005,
  TOKEN_EXPIRED: 9006,
  SERVER_ERROR: 9008,
  DEVICE_NOT_FOUND: 9014,
  FORM_INVALID: 9015,
  DID_PASSCODE_INVALID: 9016,
  DEVICE_NOT_BOUND: 9017,
  SEND_COMMAND_FAILED: 9021,
  DEVICE_DISABLED: 9023,
  ATTR_INVALID: 9025,
  REQUEST_THROTTLED: 9041,
  DEVICE_OFFLINE: 9042,
  TIMESTAMP_INVALID: 9043,
  SIGNATURE_INVALID: 9044,
  BAD_QRCODE_CONTENT: 9040,
  CANNOT_SHARE_TO_SELF: 9080,
  ONLY_OWNER_CAN_SHARE: 9081,
  GUEST_NOT_FOUND: 9082,
  GUEST_ALREADY_BOUND: 9083,
  SHARING_NOT_FOUND: 9084,
  MESSAGE_NOT_FOUND: 9085,
  SHARING_WAITING: 9087,
  SHARING_EXPIRED: 9088,
  SHARING_NOT_WAITING: 9089,
  OWNER_BINDING_DISABLED: 9090,
  OWNER_EXISTS: 9092,
  NOT_OWNER: 9093,
  SHARING_ALREADY_CANCELLED: 9094,
  CANNOT_UNBIND_SELF: 9095,
  NOT_GUEST: 9096,
  ONLY_SELF_CAN_MODIFY_ALIAS: 9100,
  NOT_RECEIVER: 9101,
} as const
