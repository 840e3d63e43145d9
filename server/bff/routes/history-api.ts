// History and alert rules of one device, from the store the vendor's worker fills (server/worker/): readable by
// every user bound to the device, rules settable by its owner only. Auth, Origin and rate limits are global
// (server/bff/http/); the binding is checked here as for every device route.
import { AlertRuleBody, AlertRuleView, HISTORY_RANGES, HistoryQuery, HistoryResponse } from '@shared/history'
import type { Context } from '../context'
import { ApiError } from '../errors'
import type { AlertRule } from '../store/history-store'
import { Did, errorResponses, type RouteScope } from './route-schemas'

/** The refusal of a limit on a datapoint that is neither a number nor a switch (a mode, raw bytes). */
export const ALERT_ATTR_NOT_NUMERIC = 'alert_attr_not_numeric'
/** A switch can only be watched for "equal to on/off". */
export const ALERT_ATTR_BOOL_EQUAL_ONLY = 'alert_attr_bool_equal_only'
/** The device's own alarm and fault datapoints alert without a rule. */
export const ALERT_ATTR_AUTOMATIC = 'alert_attr_automatic'
/** An `outside` range whose top is not above its bottom. */
export const ALERT_RANGE_INVALID = 'alert_range_invalid'

const view = (rule: AlertRule): AlertRuleView => ({
  id: rule.id, attr: rule.attr, op: rule.op, threshold: rule.threshold, threshold_high: rule.threshold_high, hysteresis: rule.hysteresis,
  hold_s: rule.hold_s, cooldown_s: rule.cooldown_s, critical: rule.critical,
})

/** How long the chart waits for the cloud's aggregates before showing the stored part alone. */
const AGG_TIMEOUT_MS = 4000
/** agg_data's hour buckets ("YYYYMMDDHH") are China time. */
const CHINA_OFFSET_S = 8 * 3600

/** Hourly avg/min/max of one datapoint from agg_data over [fromS, toS), merged into buckets of `bucketS`. */
async function cloudBuckets(context: Context, openid: string, did: string, attr: string, fromS: number, toS: number, bucketS: number) {
  if (toS <= fromS) return []
  const ask = (aggregator: 'avg' | 'max' | 'min') => context.accounts.withToken(openid, (token) =>
    context.client.getAggData(token, did, { start_ts: fromS * 1000, end_ts: toS * 1000 - 1, attrs: attr, aggregator, unit: 'hours' }))
  const answers = await Promise.race([
    Promise.all([ask('avg'), ask('max'), ask('min')]),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`agg_data slower than ${AGG_TIMEOUT_MS} ms`)), AGG_TIMEOUT_MS).unref()),
  ])
  const hours = new Map<number, { avg: number; max: number; min: number }>()
  answers.forEach((answer, index) => {
    for (const row of answer.data) {
      const key = /^(\d{4})(\d{2})(\d{2})(\d{2})$/.exec(row.datatime)
      const value = Number(row.attrs[attr])
      if (!key || !Number.isFinite(value)) continue
      const at = Date.UTC(Number(key[1]), Number(key[2]) - 1, Number(key[3]), Number(key[4])) / 1000 - CHINA_OFFSET_S
      const hour = hours.get(at) ?? { avg: value, max: value, min: value }
      hours.set(at, { ...hour, [(['avg', 'max', 'min'] as const)[index]]: value })
    }
  })
  const buckets = new Map<number, { sum: number; n: number; max: number; min: number }>()
  for (const [at, hour] of hours) {
    if (at < fromS || at >= toS) continue
    const start = Math.floor(at / bucketS) * bucketS
    const bucket = buckets.get(start) ?? { sum: 0, n: 0, max: -Infinity, min: Infinity }
    buckets.set(start, { sum: bucket.sum + hour.avg, n: bucket.n + 1, max: Math.max(bucket.max, hour.max), min: Math.min(bucket.min, hour.min) })
  }
  return [...buckets].sort(([a], [b]) => a - b).map(([at, bucket]) => ({ at, avg: bucket.sum / bucket.n, min: bucket.min, max: bucket.max }))
}

export async function historyRoutes(app: RouteScope, context: Context): Promise<void> {
  const store = context.history

  app.get('/api/devices/:did/history', { schema: { params: Did, querystring: HistoryQuery, response: { 200: HistoryResponse, ...errorResponses } } }, async (request) => {
    const { openid } = request
    const { did } = request.params
    const { attr, hours } = request.query
    const device = await context.access.boundDevice(openid, did)
    const bucket = HISTORY_RANGES[hours]
    const to = Math.ceil(Date.now() / 1000 / bucket) * bucket
    const from = to - hours * 3600
    const points = (await store.history(did, attr, from, to, bucket)).map(({ at, avg, min, max }) => ({ at, avg, min, max }))
    // Before the vendor's store began (a device bound before the worker ran, a new install): the cloud's hourly
    // aggregates, re-bucketed. Slow, down or refused: the chart shows what the store has and says so.
    const first = await store.firstValueAt(did, attr)
    let older: 'cloud' | 'none' | 'unavailable' = 'none'
    let cloudPoints: typeof points = []
    // Only a numeric datapoint of the product is asked for; anything else has no older history to fetch.
    const numeric = (await context.access.product(device.product_key)).attrs.some((candidate) => candidate.name === attr && candidate.data_type.startsWith('uint'))
    if (numeric && (first === null || first > from)) {
      try {
        cloudPoints = await cloudBuckets(context, openid, did, attr, from, Math.min(first ?? to, to), bucket)
        older = 'cloud'
      } catch (error) {
        request.log.warn({ err: error }, 'agg_data not read; the chart shows the stored history only')
        older = 'unavailable'
      }
    }
    return { did, attr, from, to, bucket_s: bucket, points: [...cloudPoints, ...points], rules: (await store.rulesOf(did)).filter((rule) => rule.attr === attr).map(view), older }
  })

  app.put('/api/devices/:did/alert-rules', { schema: { params: Did, body: AlertRuleBody, response: { 200: AlertRuleView, ...errorResponses } } }, async (request) => {
    const { openid, body } = request
    const { did } = request.params
    const device = await context.access.boundDevice(openid, did)
    // The owner, or on a product without sharing the first binder (who has the owner's say there).
    if (device.role !== 'owner' && device.role !== 'special') throw new ApiError(403, 'not_owner', 'not_owner')
    const attr = (await context.access.product(device.product_key)).attrs.find((candidate) => candidate.name === body.attr)
    if (!attr) throw new ApiError(400, 'attr_unknown', 'attr_unknown', { name: body.attr })
    if (attr.type === 'alert' || attr.type === 'fault') throw new ApiError(400, ALERT_ATTR_AUTOMATIC, 'alert_attr_automatic', { name: attr.display_name })
    const bool = attr.data_type === 'bool'
    if (!bool && !attr.data_type.startsWith('uint')) throw new ApiError(400, ALERT_ATTR_NOT_NUMERIC, 'alert_attr_not_numeric', { name: attr.display_name })
    // SNoti reports a switch as 0/1: "equal to 1" is "turned on".
    if (bool && (body.op !== 'equal' || (body.threshold !== 0 && body.threshold !== 1))) throw new ApiError(400, ALERT_ATTR_BOOL_EQUAL_ONLY, 'alert_attr_bool_equal_only', { name: attr.display_name })
    if (body.op === 'outside' && !(body.threshold_high !== undefined && body.threshold_high > body.threshold)) throw new ApiError(400, ALERT_RANGE_INVALID, 'alert_range_invalid')
    return view(await store.saveRule({
      did, attr: attr.name, op: body.op, threshold: body.threshold, threshold_high: body.op === 'outside' ? body.threshold_high : null, hysteresis: body.hysteresis ?? 0,
      hold_s: body.hold_s ?? 0, cooldown_s: body.cooldown_s ?? 0, critical: body.critical ?? false, value_kind: bool ? 'bool' : 'number',
      label: attr.display_name, unit: attr.unit ?? '', created_by: openid,
    }))
  })
}
