// GET /api/devices/:did/log — the device's log on its 历史 page: commands (who sent each, by which path, the
// outcome), its reports and the viewer's alerts about it, newest first, paged by time. Read from the vendor's own
// store — the relay's command journal, the worker's events and notices — rather than the cloud's raw_data, which
// has neither who nor path in our terms, undecoded payloads and 48-hour windows (src/shared/device-log.ts).
// Any user bound to the device may read it; the binding is checked first, as for every device route.
import { DeviceLogQuery, DeviceLogResponse, type DeviceLogItem } from '@shared/device-log'
import type { Context } from '../context'
import { Did, errorResponses, type RouteScope } from './route-schemas'

const DEFAULT_LIMIT = 20

type Value = number | boolean | string
const values = (data: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(data).filter((entry): entry is [string, Value] => ['number', 'boolean', 'string'].includes(typeof entry[1])))

export async function deviceLogRoutes(app: RouteScope, context: Context): Promise<void> {
  app.get('/api/devices/:did/log', { schema: { params: Did, querystring: DeviceLogQuery, response: { 200: DeviceLogResponse, ...errorResponses } } }, async (request) => {
    const { openid } = request
    const { did } = request.params
    await context.access.boundDevice(openid, did)
    const limit = request.query.limit ?? DEFAULT_LIMIT
    const before = request.query.before ?? Date.now() + 1
    // Each source's newest `limit` entries before the cursor, merged: the page is the newest `limit` of them.
    const commands: DeviceLogItem[] = (await context.commandLog.ofDevice(did, limit, before)).map((command) => ({
      kind: 'command', at: command.createdAt, mine: command.openid === openid, who: command.openid === openid ? null : command.nickname,
      source: command.source, state: command.state, reason: command.reason, values: values(command.attrs),
    }))
    const reports: DeviceLogItem[] = (await context.history.reportsOf(did, limit, before / 1000)).map((report) => ({ kind: 'report', at: Math.round(report.created_at * 1000), values: values(report.data) }))
    const alerts: DeviceLogItem[] = (await context.history.alertsOf(openid, did, limit, before / 1000)).map((notice) => ({
      kind: 'alert', at: Math.round(notice.created_at * 1000), title: notice.title, detail: notice.detail, edge: notice.edge,
    }))
    const merged = [...commands, ...reports, ...alerts].sort((a, b) => b.at - a.at)
    const items = merged.slice(0, limit)
    return { items, next_before: merged.length > limit ? items[items.length - 1].at : null }
  })
}
