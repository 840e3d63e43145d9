// Open API `GET /app/devices/{did}/raw_data` (seed 003 获取设备的通信日志和上下线记录): a bound user reads the
// device's communication log (type=cmd: dev2app, app2dev) or its online/offline log (type=online) for a window of
// under 48 hours ending no later than now, paged by skip/limit (limit ≤ 1000, skip + limit ≤ 5000). Seed 003 spells
// the sort values dese/ase while its own example answers "desc": both spellings are taken, the example's is answered.
import type { FastifyInstance } from 'fastify'
import { ErrorCode, GizwitsFailure } from './gizwits-errors'
import { userFrom } from './gizwits-http'
import type { World } from './world'

const MAX_WINDOW_S = 48 * 3600
const MAX_LIMIT = 1000
const DEFAULT_LIMIT = 20
const MAX_SKIP_PLUS_LIMIT = 5000
const SORTS: Record<string, 'asc' | 'desc'> = { dese: 'desc', desc: 'desc', ase: 'asc', asc: 'asc' }

export async function gizwitsRawDataHttp(app: FastifyInstance, options: { world: World; appId: string }): Promise<void> {
  const { world } = options
  const userOf = userFrom(world, options.appId)

  app.get('/app/devices/:did/raw_data', async (request) => {
    const uid = userOf(request)
    const { did } = request.params as { did: string }
    if (!world.devices.has(did)) throw new GizwitsFailure(ErrorCode.DEVICE_NOT_FOUND)
    if (!world.bindings.get(uid, did)) throw new GizwitsFailure(ErrorCode.DEVICE_NOT_BOUND)
    const query = request.query as Record<string, string | undefined>
    const type = query.type
    if (type !== 'cmd' && type !== 'online') throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'type must be cmd or online')
    const whole = (value: string | undefined, fallback?: number) => (value === undefined || value === '' ? fallback : /^\d+$/.test(value) ? Number(value) : Number.NaN)
    const start = whole(query.start_time)
    const end = whole(query.end_time)
    if (start === undefined || end === undefined || Number.isNaN(start) || Number.isNaN(end)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'start_time and end_time are required, in whole seconds')
    if (end > world.clock.nowS()) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'end_time must not be after now')
    if (end <= start) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'end_time must be after start_time')
    if (end - start >= MAX_WINDOW_S) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'end_time - start_time must be under 48 hours')
    const limit = whole(query.limit, DEFAULT_LIMIT)!
    const skip = whole(query.skip, 0)!
    if (Number.isNaN(limit) || limit < 1 || limit > MAX_LIMIT) throw new GizwitsFailure(ErrorCode.FORM_INVALID, `limit must be 1 to ${MAX_LIMIT}`)
    if (Number.isNaN(skip) || skip + limit > MAX_SKIP_PLUS_LIMIT) throw new GizwitsFailure(ErrorCode.FORM_INVALID, `skip + limit must be at most ${MAX_SKIP_PLUS_LIMIT}`)
    const sort = SORTS[query.sort ?? 'desc']
    if (!sort) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'sort must be dese (desc) or ase (asc)')
    const { total, rows } = world.rawLog.page(did, type, start, end, sort, skip, limit)
    return { meta: { sort, limit, end_time: end, did, skip, start_time: start, total, type }, objects: rows }
  })
}
