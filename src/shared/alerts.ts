// A user's alerts as the BFF serves them to the app (server/bff/routes/alerts-api.ts): the notices the vendor's
// worker wrote for them, with read/unread; the "接收提醒" switch per device; quiet hours; and the page-socket frame
// that shows a banner on any open page when a new one arrives.
import { Type, type Static } from 'typebox'

export const AlertItem = Type.Object({
  id: Type.Integer(),
  did: Type.String(),
  device_name: Type.String(),
  title: Type.String(),
  detail: Type.String(),
  /** fire: raised; clear: recovered (已恢复). */
  edge: Type.Union([Type.Literal('fire'), Type.Literal('clear')]),
  /** UTC seconds. */
  created_at: Type.Number(),
  read: Type.Boolean(),
  /** Where it went: wechat (sent), app (the app only: not following, quiet hours, switched off in WeChat), waiting (not yet, or held by WeChat's quota for a digest). */
  channel: Type.Union([Type.Literal('wechat'), Type.Literal('app'), Type.Literal('waiting')]),
}, { additionalProperties: false })
export type AlertItem = Static<typeof AlertItem>

export const AlertsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  /** Paging: only alerts older than this id. */
  before: Type.Optional(Type.Integer({ minimum: 1 })),
  did: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{1,32}$' })),
}, { additionalProperties: false })
export type AlertsQuery = Static<typeof AlertsQuery>

export const AlertsResponse = Type.Object({ items: Type.Array(AlertItem), unread: Type.Integer() }, { additionalProperties: false })
export type AlertsResponse = Static<typeof AlertsResponse>

export const MarkReadBody = Type.Object({
  ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 100 })),
  all: Type.Optional(Type.Boolean()),
}, { additionalProperties: false })
export type MarkReadBody = Static<typeof MarkReadBody>

/** Minutes after local midnight (22:00 is 1320). */
const Minute = Type.Integer({ minimum: 0, maximum: 1439 })

export const QuietHoursView = Type.Object({
  /** From, inclusive; a start after the end wraps past midnight (22:00–07:00). */
  start_min: Minute,
  end_min: Minute,
  /** IANA name (Asia/Shanghai); the page sends the phone's. */
  time_zone: Type.String({ pattern: '^[A-Za-z_]+(/[A-Za-z0-9_+-]+){0,2}$', maxLength: 64 }),
}, { additionalProperties: false })
export type QuietHoursView = Static<typeof QuietHoursView>

export const AlertSettings = Type.Object({
  /** "接收提醒" for this device. */
  receive: Type.Boolean(),
  /** The user's quiet hours (all devices), or null for none. */
  quiet_hours: Type.Union([QuietHoursView, Type.Null()]),
}, { additionalProperties: false })
export type AlertSettings = Static<typeof AlertSettings>

export const AlertSettingsBody = Type.Object({
  receive: Type.Optional(Type.Boolean()),
  quiet_hours: Type.Optional(Type.Union([QuietHoursView, Type.Null()])),
}, { additionalProperties: false })
export type AlertSettingsBody = Static<typeof AlertSettingsBody>
