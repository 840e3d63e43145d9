// The BFF as a Fastify instance (no listen): plugins first, then routes. Tests build it and use inject.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import cookie from '@fastify/cookie'
import fastifyStatic from '@fastify/static'
import websocket from '@fastify/websocket'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type RouteOptions } from 'fastify'
import type { ApiErrorBody } from '@shared/api'
import { GizwitsErrorCode } from '@shared/open-api'
import type { Config } from './config'
import { createContext, type Context, type ContextOptions } from './context'
import { ApiError } from './errors'
import { GizwitsApiError, GizwitsUnavailableError } from './gizwits/open-api-client'
import { localeFrom, translate, type MessageKey } from './i18n/messages'
import { pageSocketRoute } from './routes/page-socket'
import { appApiRoutes } from './routes/app-api'
import { automationRoutes } from './routes/automation-api'
import { productRoutes } from './routes/products'
import { sharingRoutes } from './routes/sharing-api'
import { scheduleRoutes } from './routes/schedules-api'
import { gatewayRoutes } from './routes/gateway-api'
import { authRoutes } from './routes/auth'
import { healthRoutes } from './routes/health'
import { meRoutes } from './routes/me'
import { wechatRoutes } from './routes/wechat'
import { wechatPushRoutes } from './routes/wechat-push'
import { historyRoutes } from './routes/history-api'
import { deviceLogRoutes } from './routes/device-log-api'
import { alertsRoutes } from './routes/alerts-api'
import { homesRoutes } from './routes/homes-api'
import { HomeService } from './homes/home-service'
import { rulesRoutes } from './routes/rules-api'
import { startAlertBanner } from './relay/alert-banner'
import { PushDeviceBinder } from './wechat/device-binding'
import { PushHandler } from './wechat/push-handler'
import { isDatabaseDamage, openDatabase, STORAGE_DAMAGED } from './store/database'
import { decorateOpenid, registerSignedInScope } from './http/authentication'
import { registerCompression } from './http/compression'
import { registerRateLimits, type LimitGroup, type LimitPolicy } from './http/rate-limits'
import { registerRequestGuards } from './http/request-guards'
import { registerSecurityHeaders } from './http/security-headers'
import { isSharedStateUnavailable, openClusterState } from './cluster/cluster-state'
import { opsFigures } from './ops/figures'
import { startHeartbeat } from './ops/heartbeats'
import { cloudLinks, devicesOnline, pagesConnected } from './ops/metrics'
import { startMetricsServer, type MetricsServer } from './ops/metrics-server'
import { opsRoutes } from './ops/ops-routes'

/** The error code of answers given while PostgreSQL or Redis is away: the request may be repeated shortly. */
export const STORAGE_UNAVAILABLE = 'storage_unavailable'

export interface BuildOptions extends ContextOptions {
  /** Log requests (LOG=1); tests may give a stream to read the lines. */
  logger?: boolean | { stream: { write: (line: string) => void } }
  /** Rate limits per group, for tests that need other numbers than the defaults. */
  rateLimits?: Partial<Record<LimitGroup, LimitPolicy>>
  /** Folder of the built SPA; served when it exists. */
  distDir?: string
  /** Called with every route as it is registered, schema included (the fuzz test enumerates the routes with it). */
  onRoute?: (route: RouteOptions) => void
}

const GIZWITS_MESSAGES: Partial<Record<number, [status: number, key: MessageKey]>> = {
  [GizwitsErrorCode.DEVICE_OFFLINE]: [409, 'device_offline'],
  [GizwitsErrorCode.FIRMWARE_NOT_FOUND]: [409, 'firmware_not_found'],
  [GizwitsErrorCode.DEVICE_NOT_BOUND]: [404, 'device_not_found'],
  [GizwitsErrorCode.DEVICE_NOT_FOUND]: [404, 'device_not_found'],
  [GizwitsErrorCode.REQUEST_THROTTLED]: [429, 'throttled'],
  [GizwitsErrorCode.SEND_COMMAND_FAILED]: [502, 'send_failed'],
  [GizwitsErrorCode.TOKEN_INVALID]: [502, 'cloud_unavailable'],
  [GizwitsErrorCode.TOKEN_EXPIRED]: [502, 'cloud_unavailable'],
  [GizwitsErrorCode.DID_PASSCODE_INVALID]: [400, 'passcode_invalid'],
  [GizwitsErrorCode.BAD_QRCODE_CONTENT]: [400, 'qr_not_device'],
  [GizwitsErrorCode.CANNOT_SHARE_TO_SELF]: [400, 'share_to_self'],
  [GizwitsErrorCode.ONLY_OWNER_CAN_SHARE]: [403, 'only_owner_can_share'],
  [GizwitsErrorCode.GUEST_NOT_FOUND]: [404, 'guest_not_found'],
  [GizwitsErrorCode.GUEST_ALREADY_BOUND]: [409, 'guest_already_bound'],
  [GizwitsErrorCode.SHARING_NOT_FOUND]: [404, 'sharing_not_found'],
  [GizwitsErrorCode.MESSAGE_NOT_FOUND]: [404, 'message_not_found'],
  [GizwitsErrorCode.SHARING_WAITING]: [409, 'sharing_waiting'],
  [GizwitsErrorCode.SHARING_EXPIRED]: [410, 'sharing_expired'],
  [GizwitsErrorCode.SHARING_NOT_WAITING]: [409, 'sharing_closed'],
  [GizwitsErrorCode.OWNER_BINDING_DISABLED]: [410, 'owner_unbound'],
  [GizwitsErrorCode.OWNER_EXISTS]: [409, 'owner_exists'],
  [GizwitsErrorCode.NOT_OWNER]: [403, 'not_owner'],
  [GizwitsErrorCode.SHARING_ALREADY_CANCELLED]: [409, 'sharing_cancelled'],
  [GizwitsErrorCode.CANNOT_UNBIND_SELF]: [400, 'cannot_remove_self'],
  [GizwitsErrorCode.NOT_GUEST]: [403, 'not_guest'],
  [GizwitsErrorCode.ONLY_SELF_CAN_MODIFY_ALIAS]: [403, 'not_owner'],
  [GizwitsErrorCode.NOT_RECEIVER]: [403, 'not_receiver'],
}

function errorBody(error: unknown, locale: ReturnType<typeof localeFrom>): { status: number; body: ApiErrorBody } {
  if (error instanceof ApiError) {
    return { status: error.status, body: { error_code: error.code, error_message: error.messageKey, detail_message: error.detail, message: translate(locale, error.messageKey, error.params) } }
  }
  if (error instanceof GizwitsApiError) {
    const [status, key] = GIZWITS_MESSAGES[error.code] ?? [error.status >= 500 ? 502 : error.status, 'cloud_rejected' as const]
    return { status, body: { ...error.body, message: translate(locale, key, { code: error.code }) } }
  }
  if (isDatabaseDamage(error)) {
    return { status: 503, body: { error_code: STORAGE_DAMAGED, error_message: 'database unusable', detail_message: null, message: translate(locale, 'storage_damaged') } }
  }
  if (isSharedStateUnavailable(error)) {
    return { status: 503, body: { error_code: STORAGE_UNAVAILABLE, error_message: 'shared storage unavailable', detail_message: null, message: translate(locale, 'storage_unavailable') } }
  }
  if (error instanceof GizwitsUnavailableError) {
    return { status: 503, body: { error_code: 'cloud_unavailable', error_message: 'cloud unavailable', detail_message: null, message: translate(locale, 'cloud_unavailable') } }
  }
  const fastifyError = error as FastifyError
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { status: 415, body: { error_code: 'unsupported_media_type', error_message: fastifyError.message, detail_message: null, message: translate(locale, 'unsupported_media_type') } }
  }
  if (fastifyError.validation || (fastifyError.statusCode && fastifyError.statusCode < 500)) {
    return {
      status: fastifyError.statusCode ?? 400,
      body: { error_code: 'bad_request', error_message: fastifyError.message, detail_message: fastifyError.message, message: translate(locale, 'bad_request', { detail: fastifyError.message }) },
    }
  }
  return { status: 500, body: { error_code: 'server_error', error_message: 'server error', detail_message: null, message: translate(locale, 'server_error') } }
}

/** The base comes from the request's Host: it must stay text inside the attribute, whatever it holds. */
function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

/**
 * The request as logged: query values are dropped for every route, since some carry what must not be written down
 * (WeChat's push signature triple, OAuth codes and state). Names stay so the log still says what was asked.
 */
export function loggedRequest(request: FastifyRequest): { method: string; url: string; host: string | undefined; remoteAddress: string } {
  const mark = request.url.indexOf('?')
  if (mark === -1) return { method: request.method, url: request.url, host: request.headers.host, remoteAddress: request.ip }
  const names = [...new URLSearchParams(request.url.slice(mark + 1, mark + 1 + 4096)).keys()].slice(0, 20)
  return { method: request.method, url: `${request.url.slice(0, mark)}?${names.map((name) => `${encodeURIComponent(name)}=[redacted]`).join('&')}`, host: request.headers.host, remoteAddress: request.ip }
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<{ app: FastifyInstance; context: Context }> {
  const logger = options.logger ? { level: 'info', serializers: { req: loggedRequest }, ...(typeof options.logger === 'object' ? { stream: options.logger.stream } : {}) } : false
  // Unknown fields are refused, not silently dropped: a request is either exactly what a route declares or a 400.
  const app = Fastify({
    logger,
    trustProxy: config.trustProxy,
    ajv: { customOptions: { removeAdditional: false } },
    // What the router refuses before any route or hook runs (a path that is not valid percent-encoding, a path
    // parameter over 100 characters) answers like every other refusal, not with Fastify's English body echoing
    // the whole path back.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400
      const locale = localeFrom(request.headers['accept-language'])
      return reply.status(status).send({ error_code: 'bad_url', error_message: error.code, detail_message: null, message: translate(locale, 'bad_url') } satisfies ApiErrorBody)
    },
  }).withTypeProvider<TypeBoxTypeProvider>()
  const db = openDatabase(join(config.dataDir, 'app.db'))
  const cluster = await openClusterState(config, (message) => console.warn(message)).catch((error: unknown) => {
    db.close()
    throw error
  })
  const context = createContext(config, db, options, cluster)
  if (options.onRoute) app.addHook('onRoute', options.onRoute)

  await app.register(cookie, { secret: config.sessionSecret })
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } })
  registerRequestGuards(app, config)
  await registerSecurityHeaders(app, config)
  await registerRateLimits(app, context, options.rateLimits)
  registerCompression(app)

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = errorBody(error, localeFrom(request.headers['accept-language']))
    // From now on /healthz answers 503 too, so the BFF is taken out of service rather than failing every user.
    if (isDatabaseDamage(error)) context.storeHealth.markDamaged(error)
    if (status >= 500) request.log.error({ err: error }, 'request failed')
    // A refusal that says how long to wait (the binding attempt limit) tells clients in Retry-After as well, like
    // the rate limits do.
    if (status === 429 && error instanceof ApiError && !reply.hasHeader('retry-after')) {
      const seconds = Number(error.params.seconds ?? 0) || Number(error.params.minutes ?? 0) * 60
      if (seconds > 0) reply.header('retry-after', String(seconds))
    }
    return reply.status(status).send(body)
  })

  // Public: the login itself, the health check, the wx.config signature (the page asks before it knows whether it is
  // signed in) and WeChat's pushes (signed by WeChat instead). Each route file keeps its own scope (the push route's
  // XML parser must not reach the others).
  decorateOpenid(app)
  await app.register(async (scope) => authRoutes(scope, context))
  await app.register(async (scope) => healthRoutes(scope, context))
  await app.register(async (scope) => wechatRoutes(scope, context))
  const binder = new PushDeviceBinder(context.binding, context.client, context.accounts, context.users, context.access, context.bindingChanges)
  await app.register(async (scope) => wechatPushRoutes(scope, context, new PushHandler(context.pushes, binder, (message, error) => app.log.warn({ err: error }, message))))
  // The operators' page (ops/): its own login, checked by each of its routes; unreachable for users (403).
  const heartbeat = startHeartbeat(cluster.redis, config.instanceId, () => context.hub.connections(), (message) => app.log.warn(message))
  const figures = opsFigures({ heartbeat, history: context.history, wechatApiBase: () => config.wechat.apiBase, accessToken: context.wechat.accessToken })
  await app.register(async (scope) => opsRoutes(scope, context, figures))
  // /metrics on its own port only (METRICS_PORT): the gauges read from elsewhere are refreshed before each scrape.
  let metricsServer: MetricsServer | null = null
  if (config.metrics.port !== null) {
    metricsServer = await startMetricsServer(config.metrics.port, config.metrics.host, async () => {
      const { pages, cloudLinks: links } = context.hub.connections()
      pagesConnected.set(pages)
      cloudLinks.set(links)
      const { devices } = await figures()
      if (devices) {
        devicesOnline.set({ window: 'now' }, devices.onlineNow)
        devicesOnline.set({ window: '24h' }, devices.online24h)
      }
    })
  }
  // Signed in: the rest of /api, and /ws before the upgrade. Handlers read the user as request.openid.
  await app.register(async (signedIn) => {
    registerSignedInScope(signedIn, context.sessionOf)
    await signedIn.register(async (scope) => meRoutes(scope, context))
    await signedIn.register(async (scope) => appApiRoutes(scope, context))
    await signedIn.register(async (scope) => sharingRoutes(scope, context))
    await signedIn.register(async (scope) => scheduleRoutes(scope, context))
    await signedIn.register(async (scope) => gatewayRoutes(scope, context))
    await signedIn.register(async (scope) => productRoutes(scope, context))
    await signedIn.register(async (scope) => pageSocketRoute(scope, context))
    await signedIn.register(async (scope) => historyRoutes(scope, context))
    await signedIn.register(async (scope) => deviceLogRoutes(scope, context))
    await signedIn.register(async (scope) => alertsRoutes(scope, context))
    await signedIn.register(async (scope) => homesRoutes(scope, context, new HomeService(context, context.homes)))
    await signedIn.register(async (scope) => automationRoutes(scope, context))
    await signedIn.register(async (scope) => rulesRoutes(scope, context))
  })
  const stopAlertBanner = startAlertBanner(context.history, context.hub, undefined, (message) => app.log.warn(message))

  const distDir = options.distDir ?? join(import.meta.dirname, '..', '..', 'dist')
  let spaPage: ((request: FastifyRequest) => string) | null = null
  if (existsSync(join(distDir, 'index.html'))) {
    const built = readFileSync(join(distDir, 'index.html'), 'utf8')
    // On the sandbox the page runs inside the stand-in of the WeChat client: its bridge script goes first.
    const indexHtml = (request: FastifyRequest) =>
      config.sandboxMode
        ? built.replace('<head>', () => `<head><script src="${escapeAttribute(`${context.wechatOpenBase(request)}/sandbox/wechat/bridge.js`)}" data-app-id="${escapeAttribute(config.wechat.appId)}"></script>`)
        : built
    // Source maps are built for our own debugging (vite `sourcemap: 'hidden'`) and never served; the brotli and
    // gzip copies (vite.config.ts's precompress plugin) are served in place of their file, never under their own name.
    const servable = (path: string) => !/\.(map|br|gz)$/.test(path)
    // Files under /assets carry a hash of their content in their name: a new build gives new names, so a browser
    // may keep them for a year without asking again. The rest (favicon) may change under the same name.
    const cacheFor = (path: string) => (path.startsWith(join(distDir, 'assets')) ? 'public, max-age=31536000, immutable' : 'public, max-age=3600')
    await app.register(fastifyStatic, {
      root: distDir, index: false, wildcard: false, allowedPath: servable, globIgnore: ['**/*.map', '**/*.br', '**/*.gz'],
      preCompressed: true, cacheControl: false, setHeaders: (reply, path) => void reply.header('cache-control', cacheFor(path)),
    })
    // Assets built after the BFF started (the static routes are listed once, at start).
    app.get('/assets/*', { schema: { params: Type.Object({ '*': Type.String() }) } }, (request, reply) => {
      const file = request.params['*']
      if (!servable(file)) return reply.callNotFound()
      return reply.sendFile(file, join(distDir, 'assets'))
    })
    spaPage = indexHtml
  }
  // Any other path: the SPA's page for a browser's GET when the SPA is built, else a readable 404 (also without a
  // build, as under `npm run dev`, where Fastify's own 404 body would reach the page).
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]
    if (spaPage && request.method === 'GET' && !/^\/(api|auth|ws)(\/|$)/.test(path) && !/\.[a-z0-9]+$/i.test(path)) {
      return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(spaPage(request))
    }
    const locale = localeFrom(request.headers['accept-language'])
    return reply.status(404).send({ error_code: 'not_found', error_message: 'not found', detail_message: path.slice(0, 200), message: translate(locale, 'not_found') } satisfies ApiErrorBody)
  })

  app.addHook('onClose', async () => {
    await heartbeat.stop()
    await metricsServer?.close()
    stopAlertBanner()
    context.hub.close()
    await cluster.close()
    db.close()
  })
  return { app, context }
}
