// /ops: the vendor's operators' page, its sign-in with OPERATOR_TOKEN, and the figures as JSON and as the panel's
// HTML. Public by design (it has its own login, ops/operator-auth.ts), and every route checks the operator itself
// before anything is read: a signed-in user who is not an operator gets 403, nobody gets 401 (the page: the login
// form). With neither OPERATOR_TOKEN nor OPERATOR_OPENIDS the whole of /ops answers 404.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { ApiErrorBody } from '@shared/api'
import type { Context } from '../context'
import { ApiError } from '../errors'
import { localeFrom, translate } from '../i18n/messages'
import type { RouteScope } from '../routes/route-schemas'
import type { OpsFigures } from './figures'
import { clearOperatorCookie, operatorVerdict, setOperatorCookie, tokenMatches, type Operator } from './operator-auth'
import { dashboardPage, loginPage, OPS_SCRIPT, panel, refusedPage } from './ops-page'

/** The app's theme tokens, the same file the SPA is built with: read once, at start. */
const THEME_CSS = readFileSync(join(import.meta.dirname, '..', '..', '..', 'src', 'theme.css'), 'utf8')

const NoQuery = Type.Object({}, { additionalProperties: false })
const Login = Type.Object({ token: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false })
const Empty = Type.Object({}, { additionalProperties: false })

export async function opsRoutes(app: RouteScope, context: Context, figures: () => Promise<OpsFigures>): Promise<void> {
  const { config } = context
  const open = config.operator.tokenHash !== null || config.operator.openids.size > 0
  const locale = (request: FastifyRequest) => localeFrom(request.headers['accept-language'])
  const html = (reply: FastifyReply) => reply.header('cache-control', 'no-store').type('text/html; charset=utf-8')

  /** The operator, or a refusal in the caller's language (401 nobody, 403 a user who is not an operator). */
  const operatorOf = async (request: FastifyRequest): Promise<Operator> => {
    if (!open) throw new ApiError(404, 'not_found', 'operator_closed')
    const verdict = await operatorVerdict(config, request, context.sessionOf)
    if ('operator' in verdict) return verdict.operator
    if (verdict.refused === 'not_operator') throw new ApiError(403, 'operator_only', 'operator_only')
    throw new ApiError(401, 'not_logged_in', 'not_logged_in')
  }

  app.get('/ops', { schema: { querystring: NoQuery } }, async (request, reply) => {
    try {
      const operator = await operatorOf(request)
      return html(reply).send(dashboardPage(locale(request), await figures(), operator.via === 'token'))
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 404) throw error
      if (error.status === 403) return html(reply).status(403).send(refusedPage(locale(request), translate(locale(request), 'operator_only')))
      return html(reply).status(401).send(loginPage(locale(request), { token: config.operator.tokenHash !== null, openids: config.operator.openids.size > 0 }))
    }
  })

  app.get('/ops/panel', { schema: { querystring: NoQuery } }, async (request, reply) => {
    await operatorOf(request)
    return html(reply).send(panel(locale(request), await figures()))
  })

  app.get('/ops/figures', { schema: { querystring: NoQuery } }, async (request, reply) => {
    await operatorOf(request)
    return reply.header('cache-control', 'no-store').send(await figures())
  })

  app.post('/ops/login', { schema: { body: Login, response: { 204: Type.Null(), 401: ApiErrorBody, 404: ApiErrorBody } } }, async (request, reply) => {
    if (!open) throw new ApiError(404, 'not_found', 'operator_closed')
    if (!tokenMatches(config, request.body.token)) {
      request.log.warn('operator sign-in refused: wrong token')
      throw new ApiError(401, 'operator_token_wrong', 'operator_token_wrong')
    }
    setOperatorCookie(config, reply)
    return reply.status(204).send(null)
  })

  app.post('/ops/logout', { schema: { body: Empty } }, async (_request, reply) => {
    clearOperatorCookie(reply)
    return reply.status(204).send()
  })

  // The page's own script and the theme: nothing secret, but under /ops they only exist when the page is on.
  app.get('/ops/ops.js', { schema: { querystring: NoQuery } }, async (_request, reply) => {
    if (!open) throw new ApiError(404, 'not_found', 'operator_closed')
    return reply.header('cache-control', 'no-cache').type('text/javascript; charset=utf-8').send(OPS_SCRIPT)
  })
  app.get('/ops/theme.css', { schema: { querystring: NoQuery } }, async (_request, reply) => {
    if (!open) throw new ApiError(404, 'not_found', 'operator_closed')
    return reply.header('cache-control', 'no-cache').type('text/css; charset=utf-8').send(THEME_CSS)
  })
}
