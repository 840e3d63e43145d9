// Gizwits Open API shapes (seed 003, research/gizwits.md §2), declared once as TypeBox schemas.
// The BFF validates and serializes with them, the sandbox answers with them, the SPA imports the types only.
import { Type, type Static } from 'typebox'

/** Error body of every failed Open API call: `{"error_code":9004,"error_message":"token invalid!","detail_message":null}`. */
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
  skip: Type.Optional(Type.Integer({ minimum: 0 })),
  show_disabled: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)])),
  show_proto_ver: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)])),
})
export type BindingsQuery = Static<typeof BindingsQuery>

export const BindingsResponse = Type.Object({ devices: Type.Array(BoundDevice) })
export type BindingsResponse = Static<typeof BindingsResponse>

export const BindMacBody = Type.Object({
  product_key: Type.String({ minLength: 1 }),
  mac: Type.String({ minLength: 1 }),
  remark: Type.Optional(Type.String({ maxLength: 100 })),
  dev_alias: Type.Optional(Type.String({ maxLength: 100 })),
  set_owner: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)])),
})
export type BindMacBody = Static<typeof BindMacBody>

export const UnbindBody = Type.Object({
  devices: Type.Array(Type.Object({ did: Type.String({ minLength: 1 }) }), { minItems: 1, maxItems: 100 }),
})
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
  { minProperties: 1 },
)
export type BindingUpdateBody = Static<typeof BindingUpdateBody>

export const BindingUpdateResult = Type.Object({
  did: Type.Optional(Type.String()),
  remark: Type.Optional(Type.String()),
  dev_alias: Type.Optional(Type.String()),
  dev_label: Type.Optional(Type.Array(Type.String())),
})
export type BindingUpdateResult = Static<typeof BindingUpdateResult>

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
} as const
