// Gateways with sub-devices and firmware updates: the shapes of the sandbox's stand-in paths for what Gizwits'
// SDK does over the device channel (central control: list, add = open the pairing window, delete) and through
// GizDeviceOTA (check: `{current, latest}` per firmware type; upgrade one type; its status while it runs). The
// BFF relays them under /api/app with the same shapes, adding `may_upgrade` so the page knows what to offer. Not in
// the open-api barrel: imported by path, so the first route never carries these schemas.
import { Type, type Static } from 'typebox'

export const SubDevice = Type.Object({
  did: Type.String(),
  mac: Type.String(),
  product_key: Type.String(),
  product_name: Type.String(),
  is_online: Type.Boolean(),
  type: Type.Literal('sub_dev'),
  gw_did: Type.String(),
})
export type SubDevice = Static<typeof SubDevice>

export const SubDeviceList = Type.Object({
  /** Seconds until the pairing window closes; 0 when it is closed. */
  pairing_left: Type.Integer({ minimum: 0 }),
  sub_devices: Type.Array(SubDevice),
})
export type SubDeviceList = Static<typeof SubDeviceList>

/** Zigbee permit-join lasts at most 254 s. */
export const PairingBody = Type.Object({ timeout: Type.Optional(Type.Integer({ minimum: 10, maximum: 254 })) }, { additionalProperties: false })
export type PairingBody = Static<typeof PairingBody>

export const PairingOpened = Type.Object({ pairing_left: Type.Integer({ minimum: 0 }) })
export type PairingOpened = Static<typeof PairingOpened>

export const FirmwareType = Type.Union([Type.Literal('wifi'), Type.Literal('mcu')])
export type FirmwareType = Static<typeof FirmwareType>

export const FirmwareOffer = Type.Object({
  current: Type.String(),
  /** A newer published version, or null. */
  latest: Type.Union([Type.String(), Type.Null()]),
  notes: Type.Union([Type.String(), Type.Null()]),
  forced: Type.Boolean(),
})
export type FirmwareOffer = Static<typeof FirmwareOffer>

export const OtaStatus = Type.Object({
  firmware_type: FirmwareType,
  state: Type.Union([Type.Literal('downloading'), Type.Literal('installing'), Type.Literal('rebooting'), Type.Literal('done'), Type.Literal('failed')]),
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  from_version: Type.String(),
  to_version: Type.String(),
  started_by: Type.Union([Type.Literal('user'), Type.Literal('forced')]),
  /** download_failed (8353), verify_failed (8357), upgrade_failed (8358) or device_offline. */
  reason: Type.Union([Type.String(), Type.Null()]),
  error_code: Type.Union([Type.Integer(), Type.Null()]),
  updated_at: Type.Number(),
})
export type OtaStatus = Static<typeof OtaStatus>

export const OtaInfo = Type.Object({
  wifi: FirmwareOffer,
  mcu: FirmwareOffer,
  upgrade: Type.Union([OtaStatus, Type.Null()]),
})
export type OtaInfo = Static<typeof OtaInfo>

/** What the BFF adds for the page: whether this user may start an upgrade (the owner; guests only look). */
export const DeviceOta = Type.Intersect([OtaInfo, Type.Object({ may_upgrade: Type.Boolean() })])
export type DeviceOta = Static<typeof DeviceOta>

export const OtaStartBody = Type.Object({ firmware_type: FirmwareType }, { additionalProperties: false })
export type OtaStartBody = Static<typeof OtaStartBody>

export const OtaStarted = Type.Object({ upgrade: OtaStatus })
export type OtaStarted = Static<typeof OtaStarted>
