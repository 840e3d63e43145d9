// A user's alerts in the app (issue 13): the notices the vendor's worker wrote for them — the message centre's
// list and each device's, read/unread — and their own settings: the "接收提醒" switch of each device and quiet
// hours in their time zone (non-critical alerts then stay in the app). Auth, Origin and rate limits are global
// (server/bff/http/); a device's settings need the device to be bound to the user, as every device route.
import { Type } from 'typebox'
import { AlertSettings, AlertSettingsBody, AlertsQuery, AlertsResponse, MarkReadBody, type AlertItem, type QuietHoursView } from '@shared/alerts'
import type { Context } from '../context'
import type { Notice, QuietHours } from '../store/history-store'
import { Did, errorResponses, type RouteScope } from './route-schemas'

const DEFAULT_LIMIT = 20

const channel = (notice: Notice): AlertItem['channel'] =>
  notice.status === 'sent' || notice.status === 'digested' ? 'wechat' : notice.status === 'pending' || notice.status === 'queued' ? 'waiting' : 'app'

const item = (notice: Notice): AlertItem => ({
  id: notice.id, did: notice.did, device_name: notice.device_name, title: notice.title, detail: notice.detail, edge: notice.edge,
  created_at: notice.created_at, read: notice.read_at !== null, channel: channel(notice),
})

const quietView = (quiet: QuietHours | null): QuietHoursView | null => (quiet ? { start_min: quiet.start_min, end_min: quiet.end_min, time_zone: quiet.time_zone } : null)

export async function alertsRoutes(app: RouteScope, context: Context): Promise<void> {
  const store = context.history

  app.get('/api/alerts', { schema: { querystring: AlertsQuery, response: { 200: AlertsResponse, ...errorResponses } } }, async (request) => {
    const { limit, before, did } = request.query
    return { items: (await store.inbox(request.openid, limit ?? DEFAULT_LIMIT, before, did)).map(item), unread: await store.unreadCount(request.openid) }
  })

  app.post('/api/alerts/read', { schema: { body: MarkReadBody, response: { 200: Type.Object({ unread: Type.Integer() }, { additionalProperties: false }), ...errorResponses } } }, async (request) => {
    const { ids, all } = request.body
    await store.markRead(request.openid, all ? 'all' : (ids ?? []), Date.now() / 1000)
    return { unread: await store.unreadCount(request.openid) }
  })

  app.get('/api/devices/:did/alert-settings', { schema: { params: Did, response: { 200: AlertSettings, ...errorResponses } } }, async (request) => {
    const { openid } = request
    const { did } = request.params
    await context.access.boundDevice(openid, did)
    return { receive: await store.receives(openid, did), quiet_hours: quietView(await store.quietHours(openid)) }
  })

  app.put('/api/devices/:did/alert-settings', { schema: { params: Did, body: AlertSettingsBody, response: { 200: AlertSettings, ...errorResponses } } }, async (request) => {
    const { openid, body } = request
    const { did } = request.params
    await context.access.boundDevice(openid, did)
    if (body.receive !== undefined) await store.setReceives(openid, did, body.receive)
    if (body.quiet_hours !== undefined) {
      await store.setQuietHours(openid, body.quiet_hours)
    }
    return { receive: await store.receives(openid, did), quiet_hours: quietView(await store.quietHours(openid)) }
  })
}
