import type { FastifyInstance } from 'fastify'
import { ApiErrorBody, Health, Me } from '@shared/api'
import type { Context } from '../context'

export async function meRoutes(app: FastifyInstance, context: Context): Promise<void> {
  app.get('/api/me', { schema: { response: { 200: Me, 401: ApiErrorBody } } }, async (request) => {
    const session = await context.requireSession(request)
    const credentials = await context.accounts.credentials(session.openid)
    return { openid: session.openid, uid: credentials.uid, nickname: null }
  })

  const started = Date.now()
  app.get('/healthz', { schema: { response: { 200: Health } } }, async () => ({ status: 'ok' as const, uptime_s: Math.round((Date.now() - started) / 1000) }))
}
