// A user's devices (seed 003 设备绑定): the list, binding by MAC, by did + passcode and by Gizwits' QR service,
// unbinding, and the user's own name and note for a device.
import { Type, type Static } from 'typebox'
import { DID_PATTERN } from './common'

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
  mcu_soft_version: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  /** A sub-device's gateway (`type: sub_dev`); real responses carry it on every device, null when none. */
  gw_did: Type.Optional(Type.Union([Type.String(), Type.Null()])),
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
