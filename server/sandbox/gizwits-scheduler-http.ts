// Seed 003's schedules: 定时任务管理 (`/app/devices/{did}/scheduler`, one device) and 通用定时任务
// (`/app/common_scheduler`, a device, a group or a scene), stored in UTC as the cloud stores them and run by
// automation/scheduler.ts. The run logs (`…/{id}/logs`) are invented (README, "Invented"): the seed has no way to
// see what a schedule did.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { SCHEDULE_DATE_PATTERN, SCHEDULE_REPEAT_PATTERN, SCHEDULE_TIME_PATTERN, type Scheduler as SchedulerJson, type SchedulerRun } from '@shared/open-api'
import { rejectWrite } from './device-rules'
import { ErrorCode, GizwitsFailure } from './gizwits-errors'
import { objectBody, userFrom } from './gizwits-http'
import { load, type Scheduler } from './automation/scheduler'
import type { RunRow, SchedulerRow, SchedulerStore } from './store/schedulers'
import type { World } from './world'

const DATE = new RegExp(SCHEDULE_DATE_PATTERN)
const TIME = new RegExp(SCHEDULE_TIME_PATTERN)
const REPEAT = new RegExp(SCHEDULE_REPEAT_PATTERN)
const MAX_LOGS = 50

/** The cloud's timestamps here: UTC, seconds, no `Z` ("2017-09-26T06:36:47"). */
const utcText = (ms: number) => new Date(ms).toISOString().slice(0, 19)
/** A Mongo-like id, as the cloud's look ("59c9f57f8c7d50001963992c"). */
const newId = (nowMs: number) => Math.floor(nowMs / 1000).toString(16).padStart(8, '0') + randomBytes(8).toString('hex')

export async function gizwitsSchedulerHttp(app: FastifyInstance, options: { world: World; appId: string; scheduler: Scheduler; store: SchedulerStore }): Promise<void> {
  const { world, scheduler, store } = options
  const userOf = userFrom(world, options.appId)

  const boundDid = (uid: string, did: string): string => {
    const device = world.devices.get(did)
    if (!device) throw new GizwitsFailure(ErrorCode.DEVICE_NOT_FOUND)
    if (!world.bindings.get(uid, did)) throw new GizwitsFailure(ErrorCode.DEVICE_NOT_BOUND)
    return device.seed.product_key
  }

  const paging = (request: FastifyRequest) => {
    const query = request.query as Record<string, string | undefined>
    const limit = query.limit === undefined ? 20 : Number(query.limit)
    const skip = query.skip === undefined ? 0 : Number(query.skip)
    if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(skip) || skip < 0) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'limit and skip must be whole numbers')
    return { limit, skip }
  }

  /** The schedule's own fields from a body, checked as the cloud would (9015 for the form, 9025 for attrs). */
  const fieldsOf = (body: Record<string, unknown>, did: string | null, needsControl: boolean) => {
    const text = (key: string, pattern?: RegExp): string => {
      const value = body[key]
      if (value === undefined || value === '') return ''
      if (typeof value !== 'string' || (pattern && !pattern.test(value))) throw new GizwitsFailure(ErrorCode.FORM_INVALID, `${key} is not valid`)
      return value
    }
    const time = text('time', TIME)
    if (!time) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'time is required (HH:MM, UTC)')
    const repeat = text('repeat', REPEAT) || 'none'
    const date = text('date', DATE)
    if (repeat === 'none' && !date) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'a one-shot schedule (repeat "none") needs date')
    const rawDays = body.days ?? []
    if (!Array.isArray(rawDays) || !rawDays.every((day) => /^([1-9]|[12]\d|3[01])$/.test(String(day)))) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'days must list days of the month, 1 to 31')
    const days = rawDays.map(Number)
    if (repeat === 'day' && days.length === 0) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'repeat "day" needs days')
    const startDate = text('start_date', DATE)
    const endDate = text('end_date', DATE)
    if (startDate && endDate && endDate < startDate) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'end_date is before start_date')
    if (body.enabled !== undefined && typeof body.enabled !== 'boolean') throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'enabled must be true or false')
    const remark = text('remark')
    const raw = text('raw')
    const attrs = body.attrs ?? {}
    if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'attrs must be an object')
    if (needsControl && Object.keys(attrs).length === 0 && !raw) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'give attrs or raw')
    if (did) {
      for (const [name, value] of Object.entries(attrs)) {
        const problem = rejectWrite(world.devices.attrDef(did, name), value, 'rest')
        if (problem) throw new GizwitsFailure(ErrorCode.ATTR_INVALID, `${name}: ${problem}`)
      }
    }
    return { date, time, repeat, days, start_date: startDate, end_date: endDate, enabled: body.enabled !== false, remark, attrs, raw }
  }

  const json = (row: SchedulerRow): SchedulerJson => {
    const { fields } = load(row)
    const common = row.api === 'common' ? { group_id: row.group_id, scene_id: row.scene_id } : {}
    return {
      id: row.id, created_at: row.created_at, product_key: row.product_key, did: row.did, ...common, raw: fields.raw, attrs: fields.attrs as SchedulerJson['attrs'],
      date: fields.date, time: fields.time, repeat: fields.repeat, days: fields.days, start_date: fields.start_date, end_date: fields.end_date,
      enabled: fields.enabled, remark: fields.remark,
    }
  }

  const runJson = (run: RunRow): SchedulerRun => {
    const detail = JSON.parse(run.detail) as { detail?: Record<string, boolean>; attrs?: SchedulerRun['attrs']; error?: string }
    return {
      datetime: utcText(run.ran_ms), due: utcText(run.due_ms), status: run.status, detail: detail.detail ?? {},
      ...(detail.attrs ? { attrs: detail.attrs } : {}), ...(detail.error ? { error: detail.error } : {}),
    }
  }

  const save = (row: SchedulerRow) => {
    store.put(row)
    scheduler.put(store.get(row.id)!)
  }

  /** A device schedule belongs to the device (anyone bound to it sees and changes it); a common one to its maker. */
  const owned = (uid: string, id: string, api: SchedulerRow['api'], did?: string): SchedulerRow => {
    const row = store.get(id)
    const mine = api === 'device' ? row?.did === did : row?.uid === uid
    if (!row || row.api !== api || !mine) throw new GizwitsFailure(ErrorCode.SCHEDULER_NOT_FOUND)
    return row
  }

  // ---- 定时任务管理: one device ----

  app.get('/app/devices/:did/scheduler', async (request) => {
    const uid = userOf(request)
    const { did } = request.params as { did: string }
    boundDid(uid, did)
    const { limit, skip } = paging(request)
    return store.list(null, 'device', { did }, limit, skip).map(json)
  })

  app.post('/app/devices/:did/scheduler', async (request, reply) => {
    const uid = userOf(request)
    const { did } = request.params as { did: string }
    const productKey = boundDid(uid, did)
    const fields = fieldsOf(objectBody(request), did, true)
    const now = world.clock.nowMs()
    const id = newId(now)
    save({ id, uid, api: 'device', did, group_id: '', scene_id: '', product_key: productKey, fields: JSON.stringify(fields), enabled: fields.enabled ? 1 : 0, created_at: utcText(now), since_ms: now, last_due_ms: null })
    return reply.status(201).send({ id })
  })

  app.put('/app/devices/:did/scheduler/:id', async (request) => {
    const uid = userOf(request)
    const { did, id } = request.params as { did: string; id: string }
    boundDid(uid, did)
    const row = owned(uid, id, 'device', did)
    const fields = fieldsOf(objectBody(request), did, true)
    save({ ...row, fields: JSON.stringify(fields), enabled: fields.enabled ? 1 : 0, since_ms: world.clock.nowMs() })
    return { id }
  })

  app.delete('/app/devices/:did/scheduler/:id', async (request) => {
    const uid = userOf(request)
    const { did, id } = request.params as { did: string; id: string }
    boundDid(uid, did)
    owned(uid, id, 'device', did)
    store.delete(id)
    scheduler.remove(id)
    return {}
  })

  app.get('/app/devices/:did/scheduler/:id/logs', async (request) => {
    const uid = userOf(request)
    const { did, id } = request.params as { did: string; id: string }
    boundDid(uid, did)
    owned(uid, id, 'device', did)
    return { logs: store.runsOf(id, MAX_LOGS).map(runJson) }
  })

  // ---- 通用定时任务: a device, a group or a scene ----

  app.get('/app/common_scheduler', async (request) => {
    const uid = userOf(request)
    const query = request.query as Record<string, string | undefined>
    const { limit, skip } = paging(request)
    return store.list(uid, 'common', { did: query.did, group_id: query.group_id, scene_id: query.scene_id }, limit, skip).map(json)
  })

  /** The first non-empty of did, group_id, scene_id wins (seed 003); scenes take no attrs or raw. */
  const target = (uid: string, body: Record<string, unknown>) => {
    const pick = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : '')
    const did = pick('did')
    if (did) return { did, group_id: '', scene_id: '', product_key: boundDid(uid, did) }
    const groupId = pick('group_id')
    if (groupId) return { did: '', group_id: groupId, scene_id: '', product_key: '' }
    const sceneId = pick('scene_id')
    if (sceneId) return { did: '', group_id: '', scene_id: sceneId, product_key: '' }
    throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'give did, group_id or scene_id')
  }

  const commonFields = (body: Record<string, unknown>, to: ReturnType<typeof target>) =>
    fieldsOf(to.scene_id ? { ...body, attrs: undefined, raw: undefined } : body, to.did || null, !to.scene_id)

  app.post('/app/common_scheduler', async (request, reply) => {
    const uid = userOf(request)
    const body = objectBody(request)
    const to = target(uid, body)
    const fields = commonFields(body, to)
    const now = world.clock.nowMs()
    const id = newId(now)
    save({ id, uid, api: 'common', ...to, fields: JSON.stringify(fields), enabled: fields.enabled ? 1 : 0, created_at: utcText(now), since_ms: now, last_due_ms: null })
    return reply.status(201).send({ id })
  })

  app.put('/app/common_scheduler/:id', async (request) => {
    const uid = userOf(request)
    const { id } = request.params as { id: string }
    const row = owned(uid, id, 'common')
    const body = objectBody(request)
    const to = target(uid, body)
    const fields = commonFields(body, to)
    save({ ...row, ...to, fields: JSON.stringify(fields), enabled: fields.enabled ? 1 : 0, since_ms: world.clock.nowMs() })
    return { id }
  })

  app.delete('/app/common_scheduler/:id', async (request) => {
    const uid = userOf(request)
    const { id } = request.params as { id: string }
    owned(uid, id, 'common')
    store.delete(id)
    scheduler.remove(id)
    return {}
  })

  app.get('/app/common_scheduler/:id/logs', async (request) => {
    const uid = userOf(request)
    const { id } = request.params as { id: string }
    owned(uid, id, 'common')
    return { logs: store.runsOf(id, MAX_LOGS).map(runJson) }
  })
}
