// Schedules (seed 003 定时任务管理 `/app/devices/{did}/scheduler` and 通用定时任务 `/app/common_scheduler`): the
// cloud runs them, in UTC. The run log (`…/logs`) is not in seed 003: it follows the legacy `/app/scheduler/{id}/logs`
// shape (`{datetime, status, detail:{did:bool}}`) and is documented as invented in server/sandbox/README.md.
import { Type, type Static } from 'typebox'
import { AttrValue } from './device-data'
import { DID_PATTERN } from './common'

/** 9030 `scheduler not found!` (seed 003 错误码表). */
export const SchedulerErrorCode = { SCHEDULER_NOT_FOUND: 9030 } as const

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
export type Weekday = (typeof WEEKDAYS)[number]

export const SCHEDULE_DATE_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$'
export const SCHEDULE_TIME_PATTERN = '^([01]\\d|2[0-3]):[0-5]\\d$'
/** `none` (one-shot), `day` (days of the month in `days`) or a comma list of weekdays (`mon,wed`). */
export const SCHEDULE_REPEAT_PATTERN = '^(none|day|(mon|tue|wed|thu|fri|sat|sun)(,(mon|tue|wed|thu|fri|sat|sun)){0,6})$'
export const SCHEDULER_ID_PATTERN = '^[0-9a-f]{24}$'

const DateOrEmpty = Type.Union([Type.String({ pattern: SCHEDULE_DATE_PATTERN }), Type.Literal('')])

/** The fields a schedule is written with (create and update take the same body). */
export const SchedulerFields = {
  date: Type.Optional(DateOrEmpty),
  time: Type.String({ pattern: SCHEDULE_TIME_PATTERN }),
  repeat: Type.String({ pattern: SCHEDULE_REPEAT_PATTERN }),
  /** The field table shows `[1, 15]`, the prose `["1", "15"]`: the cloud takes both. */
  days: Type.Optional(Type.Array(Type.Union([Type.Integer({ minimum: 1, maximum: 31 }), Type.String({ pattern: '^([1-9]|[12]\\d|3[01])$' })]), { maxItems: 31 })),
  start_date: Type.Optional(DateOrEmpty),
  end_date: Type.Optional(DateOrEmpty),
  enabled: Type.Optional(Type.Boolean()),
  remark: Type.Optional(Type.String({ maxLength: 100 })),
  attrs: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 64 }), AttrValue)),
  /** Hex string by default (`binary_coding` switches to base64). */
  raw: Type.Optional(Type.String({ maxLength: 2048 })),
}

export const SchedulerBody = Type.Object(SchedulerFields)
export type SchedulerBody = Static<typeof SchedulerBody>

export const CommonSchedulerBody = Type.Object({
  ...SchedulerFields,
  did: Type.Optional(Type.String()),
  group_id: Type.Optional(Type.String()),
  scene_id: Type.Optional(Type.String()),
})
export type CommonSchedulerBody = Static<typeof CommonSchedulerBody>

/** One schedule as the cloud lists it; `created_at` has no `Z` (seed 003's example), `days` numbers. */
export const Scheduler = Type.Object({
  id: Type.String(),
  created_at: Type.String(),
  product_key: Type.String(),
  did: Type.String(),
  group_id: Type.Optional(Type.String()),
  scene_id: Type.Optional(Type.String()),
  raw: Type.String(),
  attrs: Type.Record(Type.String(), AttrValue),
  date: Type.String(),
  time: Type.String(),
  repeat: Type.String(),
  days: Type.Array(Type.Union([Type.Integer(), Type.String()])),
  start_date: Type.String(),
  end_date: Type.String(),
  enabled: Type.Boolean(),
  remark: Type.String(),
})
export type Scheduler = Static<typeof Scheduler>

export const SchedulerList = Type.Array(Scheduler)
export type SchedulerList = Static<typeof SchedulerList>

export const SchedulerIdResult = Type.Object({ id: Type.String() })
export type SchedulerIdResult = Static<typeof SchedulerIdResult>

export const SchedulerQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
}, { additionalProperties: false })
export type SchedulerQuery = Static<typeof SchedulerQuery>

/**
 * One run of a schedule: `datetime` when it ran, `due` the occurrence it was for (both UTC, no `Z`). `running` until
 * the device answers; `missed` when the cloud was down past its catch-up window at the due time.
 */
export const SchedulerRun = Type.Object({
  datetime: Type.String(),
  due: Type.String(),
  status: Type.Union([Type.Literal('succeed'), Type.Literal('failed'), Type.Literal('running'), Type.Literal('missed')]),
  detail: Type.Record(Type.String(), Type.Boolean()),
  /** What the device reported back after applying the control. */
  attrs: Type.Optional(Type.Record(Type.String(), AttrValue)),
  error: Type.Optional(Type.String()),
})
export type SchedulerRun = Static<typeof SchedulerRun>

export const SchedulerLogs = Type.Object({ logs: Type.Array(SchedulerRun) })
export type SchedulerLogs = Static<typeof SchedulerLogs>

export const SchedulerDidParams = Type.Object({ did: Type.String({ pattern: DID_PATTERN }), id: Type.String({ pattern: SCHEDULER_ID_PATTERN }) }, { additionalProperties: false })
