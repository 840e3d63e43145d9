// What every Gizwits Open API resource shares: the did form, the error body and codes, list paging, the empty body.
import { Type, type Static } from 'typebox'

/** A device id as the cloud makes them (22 characters today); anything else is refused before it goes upstream. */
export const DID_PATTERN = '^[A-Za-z0-9_-]{1,64}$'

/** Error body of every failed Open API call: `{"error_code":9004,"error_message":"token invalid!","detail_message":null}`. */
export const GizwitsErrorBody = Type.Object({
  error_code: Type.Number(),
  error_message: Type.String(),
  detail_message: Type.Union([Type.String(), Type.Null()]),
})
export type GizwitsErrorBody = Static<typeof GizwitsErrorBody>

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
  FIRMWARE_NOT_FOUND: 9027,
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

/** A string field the cloud sends as null when it is not set. */
export const NullableString = Type.Union([Type.String(), Type.Null()])

export const ListMeta = Type.Object({
  total: Type.Integer(),
  limit: Type.Integer(),
  skip: Type.Integer(),
  previous: NullableString,
  next: NullableString,
})
export type ListMeta = Static<typeof ListMeta>

export const EmptyObject = Type.Object({})
export type EmptyObject = Static<typeof EmptyObject>
