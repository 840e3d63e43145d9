// History and alert rules of one device, from the store the vendor's worker fills (server/worker/): readable by
// every user bound to the device, rules settable by its owner only. Auth, Origin and rate limits are global
// (server/bff/http/); the binding is checked here as for every device route.
import { AlertRuleBody, AlertRuleView, HISTORY_RANGES, HistoryQuery, HistoryResponse } from '@shared/history'
import type { Context } from '../context'
import { ApiError } from '../errors'
import type { AlertRule } from '../store/history-store'
import { Did, errorResponses, type RouteScope } from './route-schemas'

/** The refusal of a limit on a datapoint that is not a number (a switch, a mode, an alarm). */
export const ALERT_ATTR_NOT_NUMERIC = 'alert_attr_not_numeric'

const view = (rule: AlertRule): AlertRuleView => ({ id: rule.id, attr: rule.attr, op: rule.op, threshold: rule.threshold, hysteresis: rule.hysteresis })

export async function historyRoutes(app: RouteScope, context: Context): Promise<void> {
  const store = context.history

  app.get('/api/devices/:did/history', { schema: { params: Did, querystring: HistoryQuery, response: { 200: HistoryResponse, ...errorResponses } } }, async (request) => {
    const { openid } = request
    const { did } = request.params
    const { attr, hours } = request.query
    await context.access.boundDevice(openid, did)
    const bucket = HISTORY_RANGES[hours]
    const to = Math.ceil(Date.now() / 1000 / bucket) * bucket
    const from = to - hours * 3600
    const points = store.history(did, attr, from, to, bucket).map(({ at, avg, min, max }) => ({ at, avg, min, max }))
    return { did, attr, from, to, bucket_s: bucket, points, rules: store.rulesOf(did).filter((rule) => rule.attr === attr).map(view) }
  })

  app.put('/api/devices/:did/alert-rules', { schema: { params: Did, body: AlertRuleBody, response: { 200: AlertRuleView, ...errorResponses } } }, async (request) => {
    const { openid, body } = request
    const { did } = request.params
    const device = await context.access.boundDevice(openid, did)
    // The owner, or on a product without sharing the first binder (who has the owner's say there).
    if (device.role !== 'owner' && device.role !== 'special') throw new ApiError(403, 'not_owner', 'not_owner')
    const attr = (await context.access.product(device.product_key)).attrs.find((candidate) => candidate.name === body.attr)
    if (!attr) throw new ApiError(400, 'attr_unknown', 'attr_unknown', { name: body.attr })
    if (!attr.data_type.startsWith('uint') || attr.type === 'alert' || attr.type === 'fault') throw new ApiError(400, ALERT_ATTR_NOT_NUMERIC, 'alert_attr_not_numeric', { name: attr.display_name })
    return view(store.saveRule({
      did, attr: attr.name, op: body.op, threshold: body.threshold, hysteresis: body.hysteresis ?? 0, label: attr.display_name, unit: attr.unit ?? '', created_by: openid,
    }))
  })
}
