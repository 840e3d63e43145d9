// Schedules under /api/app, mirroring seed 003's paths and shapes (times in UTC; the page converts). Before anything
// is forwarded: the device must be the user's, a guest on a shared device may look but not create, change or
// delete, and every value in the schedule passes the same datapoint check as a single control (datapoint-check.ts),
// so a bad schedule is refused when it is saved, not when it fires at 3 a.m.
import { Type, type Static } from 'typebox'
import { DID_PATTERN, Scheduler, SchedulerDidParams, SchedulerIdResult, SchedulerLogs, SchedulerQuery, SchedulerErrorCode, SCHEDULE_DATE_PATTERN, SCHEDULE_REPEAT_PATTERN, SCHEDULE_TIME_PATTERN, SCHEDULER_ID_PATTERN, type BoundDevice } from '@shared/open-api'
import type { Context } from '../context'
import { ApiError } from '../errors'
import { assertWritable } from '../gizwits/datapoint-check'
import { GizwitsApiError } from '../gizwits/open-api-client'
import { SchedulerClient } from '../gizwits/scheduler-client'
import { Did, errorResponses, type RouteScope } from './route-schemas'

const errors = errorResponses
// The schema bounds the form; the exact patterns (shared with the sandbox's shapes) are checked in the handler, so
// a wrong hour or weekday gets a sentence rather than a regular expression.
const DateOrEmpty = Type.Union([Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }), Type.Literal('')])
const EXACT = { date: new RegExp(SCHEDULE_DATE_PATTERN), time: new RegExp(SCHEDULE_TIME_PATTERN), repeat: new RegExp(SCHEDULE_REPEAT_PATTERN) }
/** A value as the page may set it in a schedule: bounded here, checked against the datapoint definition after. */
const PageAttrValue = Type.Union([Type.Boolean(), Type.Number(), Type.String({ maxLength: 2048 })])

/** What the page sends: the cloud's fields, UTC, datapoints only (raw frames would bypass the datapoint checks). */
const PageSchedulerFields = {
  time: Type.String({ pattern: '^[0-9]{2}:[0-9]{2}$' }),
  repeat: Type.String({ pattern: '^[a-z,]{3,27}$' }),
  date: Type.Optional(DateOrEmpty),
  days: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 31 }), { maxItems: 31, uniqueItems: true })),
  start_date: Type.Optional(DateOrEmpty),
  end_date: Type.Optional(DateOrEmpty),
  enabled: Type.Optional(Type.Boolean()),
  remark: Type.Optional(Type.String({ maxLength: 100 })),
  attrs: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$' }), PageAttrValue, { minProperties: 1, maxProperties: 64 }),
}
const PageSchedulerBody = Type.Object(PageSchedulerFields, { additionalProperties: false })
type PageSchedulerBody = Static<typeof PageSchedulerBody>
const PageCommonSchedulerBody = Type.Object({ ...PageSchedulerFields, did: Type.String({ pattern: DID_PATTERN }) }, { additionalProperties: false })
const CommonId = Type.Object({ id: Type.String({ pattern: SCHEDULER_ID_PATTERN }) }, { additionalProperties: false })
const CommonQuery = Type.Object({ did: Type.String({ pattern: DID_PATTERN }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })) }, { additionalProperties: false })
const Deleted = Type.Object({}, { additionalProperties: true })

/** Roles that may change a device's schedules: everyone bound to it but a guest of a share. */
const mayChange = (device: BoundDevice) => device.role !== 'guest'

export async function scheduleRoutes(app: RouteScope, context: Context): Promise<void> {
  const { access, accounts } = context
  const schedulers = new SchedulerClient(context.client)

  /** The cloud's 9030 in the user's words; anything else goes to the shared error handler. */
  const cloud = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call()
    } catch (error) {
      if (error instanceof GizwitsApiError && error.code === SchedulerErrorCode.SCHEDULER_NOT_FOUND) throw new ApiError(404, error.code, 'schedule_not_found')
      throw error
    }
  }

  /** The device, if this user may change its schedules, with the schedule's values and form checked. */
  const changeable = async (openid: string, did: string, body: PageSchedulerBody): Promise<void> => {
    const device = await access.boundDevice(openid, did)
    if (!mayChange(device)) throw new ApiError(403, 'guest_read_only', 'schedule_guest_read_only')
    assertWritable((await access.product(device.product_key)).attrs, body.attrs, 'hex')
    const dates = [body.date, body.start_date, body.end_date].filter((date): date is string => Boolean(date))
    if (!EXACT.time.test(body.time) || !EXACT.repeat.test(body.repeat) || !dates.every((date) => EXACT.date.test(date))) throw new ApiError(400, 'schedule_invalid', 'schedule_form_invalid')
    if (body.repeat === 'none') {
      if (!body.date) throw new ApiError(400, 'schedule_invalid', 'schedule_needs_date')
      if (Date.parse(`${body.date}T${body.time}:00Z`) <= Date.now()) throw new ApiError(400, 'schedule_invalid', 'schedule_in_past')
    }
    if (body.repeat === 'day' && !body.days?.length) throw new ApiError(400, 'schedule_invalid', 'schedule_needs_days')
    if (body.start_date && body.end_date && body.end_date < body.start_date) throw new ApiError(400, 'schedule_invalid', 'schedule_dates_reversed')
  }

  const guarded = async (openid: string, did: string) => {
    const device = await access.boundDevice(openid, did)
    if (!mayChange(device)) throw new ApiError(403, 'guest_read_only', 'schedule_guest_read_only')
  }

  app.get('/api/app/devices/:did/scheduler', { schema: { params: Did, querystring: SchedulerQuery, response: { 200: Type.Array(Scheduler), ...errors } } }, async (request) => {
    const { openid } = request
    const { did } = request.params
    await access.boundDevice(openid, did)
    return accounts.withToken(openid, (token) => schedulers.list(token, did, request.query))
  })

  app.post('/api/app/devices/:did/scheduler', { schema: { params: Did, body: PageSchedulerBody, response: { 201: SchedulerIdResult, ...errors } } }, async (request, reply) => {
    const { openid } = request
    const { did } = request.params
    await changeable(openid, did, request.body)
    return reply.status(201).send(await accounts.withToken(openid, (token) => schedulers.create(token, did, request.body)))
  })

  app.put('/api/app/devices/:did/scheduler/:id', { schema: { params: SchedulerDidParams, body: PageSchedulerBody, response: { 200: SchedulerIdResult, ...errors } } }, async (request) => {
    const { openid } = request
    const { did, id } = request.params
    await changeable(openid, did, request.body)
    return cloud(() => accounts.withToken(openid, (token) => schedulers.update(token, did, id, request.body)))
  })

  app.delete('/api/app/devices/:did/scheduler/:id', { schema: { params: SchedulerDidParams, response: { 200: Deleted, ...errors } } }, async (request) => {
    const { openid } = request
    const { did, id } = request.params
    await guarded(openid, did)
    await cloud(() => accounts.withToken(openid, (token) => schedulers.remove(token, did, id)))
    return {}
  })

  app.get('/api/app/devices/:did/scheduler/:id/logs', { schema: { params: SchedulerDidParams, response: { 200: SchedulerLogs, ...errors } } }, async (request) => {
    const { openid } = request
    const { did, id } = request.params
    await access.boundDevice(openid, did)
    return cloud(() => accounts.withToken(openid, (token) => schedulers.logs(token, did, id)))
  })

  // The common scheduler, for a device (groups and scenes are checked by their own routes' owners).
  app.get('/api/app/common_scheduler', { schema: { querystring: CommonQuery, response: { 200: Type.Array(Scheduler), ...errors } } }, async (request) => {
    const { openid } = request
    const { did, ...paging } = request.query
    await access.boundDevice(openid, did)
    return accounts.withToken(openid, (token) => schedulers.listCommon(token, did, paging))
  })

  app.post('/api/app/common_scheduler', { schema: { body: PageCommonSchedulerBody, response: { 201: SchedulerIdResult, ...errors } } }, async (request, reply) => {
    const { openid } = request
    await changeable(openid, request.body.did, request.body)
    return reply.status(201).send(await accounts.withToken(openid, (token) => schedulers.createCommon(token, request.body)))
  })

  /** The device a common schedule is for, from the user's own list: the path carries only its id. */
  const commonDid = async (openid: string, id: string): Promise<string> => {
    const all = await accounts.withToken(openid, (token) => context.client.request<Scheduler[]>('GET', '/app/common_scheduler?limit=100&skip=0', { token }))
    const found = all.find((schedule) => schedule.id === id)
    if (!found?.did) throw new ApiError(404, SchedulerErrorCode.SCHEDULER_NOT_FOUND, 'schedule_not_found')
    return found.did
  }

  app.put('/api/app/common_scheduler/:id', { schema: { params: CommonId, body: PageCommonSchedulerBody, response: { 200: SchedulerIdResult, ...errors } } }, async (request) => {
    const { openid } = request
    const { id } = request.params
    await guarded(openid, await commonDid(openid, id))
    await changeable(openid, request.body.did, request.body)
    return cloud(() => accounts.withToken(openid, (token) => schedulers.updateCommon(token, id, request.body)))
  })

  app.delete('/api/app/common_scheduler/:id', { schema: { params: CommonId, response: { 200: Deleted, ...errors } } }, async (request) => {
    const { openid } = request
    const { id } = request.params
    await guarded(openid, await commonDid(openid, id))
    await cloud(() => accounts.withToken(openid, (token) => schedulers.removeCommon(token, id)))
    return {}
  })
}
