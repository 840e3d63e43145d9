// /healthz: healthy only while the database answers on the tables signed-in requests read, so a load balancer or
// monitor stops sending users to a BFF that would answer each of them with an error. Public, and never rate limited.
import { ApiErrorBody, Health } from '@shared/api'
import type { Context } from '../context'
import { localeFrom, translate } from '../i18n/messages'
import { STORAGE_DAMAGED } from '../store/database'
import type { RouteScope } from './route-schemas'

export async function healthRoutes(app: RouteScope, context: Context): Promise<void> {
  const started = Date.now()
  app.get('/healthz', { schema: { response: { 200: Health, 503: ApiErrorBody } } }, async (request, reply) => {
    const problem = context.storeHealth.check()
    if (problem !== null) {
      const locale = localeFrom(request.headers['accept-language'])
      return reply.status(503).send({ error_code: STORAGE_DAMAGED, error_message: 'database unusable', detail_message: problem, message: translate(locale, 'storage_damaged') })
    }
    return { status: 'ok' as const, uptime_s: Math.round((Date.now() - started) / 1000) }
  })
}
