// Sharing a device (seed 003 设备分享): invitations by user or QR, their states, guests and ownership.
import { Type, type Static } from 'typebox'
import { DID_PATTERN, ListMeta, NullableString } from './common'

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
