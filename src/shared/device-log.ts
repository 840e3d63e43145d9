// A device's log as the 历史 page shows it (server/bff/routes/device-log-api.ts): the commands given to it (who,
// by which path, the outcome), what it reported, and its alerts, newest first, paged by time. All from the
// vendor's own store (the relay's command journal and the worker's events and notices), not the cloud's raw_data:
// raw_data has no display values, no path and no alerts, allows 48 hours per call, and costs a cloud call per page.
import { Type, type Static } from 'typebox'

const Values = Type.Record(Type.String(), Type.Union([Type.Number(), Type.Boolean(), Type.String()]))

export const DeviceLogItem = Type.Object({
  kind: Type.Union([Type.Literal('command'), Type.Literal('report'), Type.Literal('alert')]),
  /** UTC milliseconds. */
  at: Type.Number(),
  /** command: who sent it — the viewer themself, or another user by WeChat nickname (null when unknown). */
  mine: Type.Optional(Type.Boolean()),
  who: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  /** One of COMMAND_SOURCE (commands.ts). */
  source: Type.Optional(Type.Union([Type.Literal('page'), Type.Literal('group'), Type.Literal('scene'), Type.Literal('schedule'), Type.Literal('rule'), Type.Literal('chat')])),
  state: Type.Optional(Type.Union([Type.Literal('queued'), Type.Literal('sent'), Type.Literal('confirmed'), Type.Literal('expired'), Type.Literal('failed')])),
  reason: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  /** command: what it asked; report: what the device said. */
  values: Type.Optional(Values),
  /** alert */
  title: Type.Optional(Type.String()),
  detail: Type.Optional(Type.String()),
  edge: Type.Optional(Type.Union([Type.Literal('fire'), Type.Literal('clear')])),
}, { additionalProperties: false })
export type DeviceLogItem = Static<typeof DeviceLogItem>

export const DeviceLogQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  /** Paging: only entries older than this (UTC ms), the `next_before` of the previous page. */
  before: Type.Optional(Type.Integer({ minimum: 1 })),
}, { additionalProperties: false })
export type DeviceLogQuery = Static<typeof DeviceLogQuery>

export const DeviceLogResponse = Type.Object({
  items: Type.Array(DeviceLogItem),
  /** Where the next page starts, or null when there is no more. */
  next_before: Type.Union([Type.Integer(), Type.Null()]),
}, { additionalProperties: false })
export type DeviceLogResponse = Static<typeof DeviceLogResponse>
