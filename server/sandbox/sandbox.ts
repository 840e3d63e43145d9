// The sandbox: Gizwits (Open API, app WebSocket, virtual devices) and WeChat OAuth on one port of this machine.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import cookie from '@fastify/cookie'
import websocket from '@fastify/websocket'
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import { SandboxClock } from './clock'
import { RuleEngine } from './automation/rule-engine'
import type { RuleGroups } from './automation/rule-model'
import { rulesHttp } from './automation/rules-http'
import { seedHistory } from './history-seed'
import { controlSurface } from './control-surface'
import { gatewaySurface } from './gateway-surface'
import { ErrorCode, GizwitsFailure, sendFailure } from './gizwits-errors'
import { gizwitsAccountHttp } from './gizwits-account-http'
import { gizwitsDeviceLookupHttp } from './gizwits-device-lookup-http'
import { gizwitsHttp } from './gizwits-http'
import { gizwitsRawDataHttp } from './gizwits-raw-data-http'
import { gizwitsGatewayHttp } from './gizwits-gateway-http'
import { gizwitsSharingHttp } from './gizwits-sharing-http'
import { gizwitsSchedulerHttp } from './gizwits-scheduler-http'
import { Scheduler } from './automation/scheduler'
import { scheduleRunner, type AutomationTargets } from './automation/schedule-runner'
import { gizwitsWs, type GizwitsWs } from './gizwits-ws'
import { automationHttp, type Automation } from './automation/automation-http'
import { SceneStatus } from './automation/scenes'
import { loadProducts } from './products/registry'
import { DeviceSimulator, type Behaviour } from './simulator'
import { startFleet, type FleetOptions } from './fleet'
import { openStores } from './store/index'
import { DEMO_ALERT_TEMPLATE_ID, DEMO_SUBSCRIBE_TEMPLATE_ID, DEMO_WECHAT_AES_KEY, DEMO_WECHAT_TOKEN } from './demo-defaults'
import { wechatOauth } from './wechat-oauth'
import { wechatPlatform } from './wechat-platform'
import { wechatPush } from './wechat-push'
import { World } from './world'
import { WechatErrcode } from './wechat-errors'
import { startSnoti, type SnotiServer } from './snoti/snoti-server'

const CLIENT_COOKIE = 'sbx_wechat_client'

const isOpenApi = (url: string) => url.startsWith('/app/') || url === '/app'
const isWechatApi = (url: string) => url.startsWith('/cgi-bin/') || url.startsWith('/sns/')

/** Every Open API route as it is registered, so an unknown method on a known path can be told from an unknown path. */
function openApiRoutes(app: FastifyInstance): { methodsFor: (path: string) => string[] } {
  const known: Array<{ pattern: RegExp; methods: string[] }> = []
  app.addHook('onRoute', (route) => {
    if (!isOpenApi(route.url)) return
    const source = route.url.split('/').map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')
    known.push({ pattern: new RegExp(`^${source}/?$`), methods: ([] as string[]).concat(route.method) })
  })
  return {
    methodsFor: (path) => [...new Set(known.filter((route) => route.pattern.test(path)).flatMap((route) => route.methods))].filter((method) => method !== 'HEAD'),
  }
}

export interface SandboxOptions {
  /** 0 picks a free port. */
  port?: number
  host?: string
  /** SQLite file of the sandbox's own store; ':memory:' for tests. */
  dataFile?: string
  gizwitsAppId: string
  wechatAppId: string
  wechatAppSecret: string
  /** Hostnames allowed in OAuth redirect_uri (WeChat's 网页授权域名). */
  oauthDomains?: string[]
  behaviour?: Behaviour
  reportDelayMs?: number
  /** How long each step of a firmware upgrade takes (1.5 s unless a test wants it faster). */
  otaStepMs?: number
  /** How often devices tick in 'live' mode (4 s unless a test wants it faster). */
  tickMs?: number
  heartbeatGraceMs?: number
  /** The Official Account's server configuration: where pushes go, and how they are signed and encrypted. */
  wechatToken?: string
  wechatAesKey?: string
  pushUrl?: string
  /** The app's origin, for the label URLs printed on devices (`<appUrl>/bind?…`); settable later. */
  appUrl?: string
  /** The vendor's label key: the labels printed on virtual devices are signed with it, as `npm run labels` does. */
  labelKey?: string
  /** Weeks of generated history for the demo devices at a first start (history-seed.ts); on in 'live' mode. */
  generateHistory?: boolean
  /** Template messages the Official Account may send per day (45009 after). */
  dailyTemplateQuota?: number
  /** SNoti's TLS port (0, the default, picks a free one; the real service is on 2017) and its idle limit. */
  snotiPort?: number
  snotiIdleTimeoutMs?: number
  log?: boolean
  /** Generated devices beside the demo's, each reporting on its own (fleet.ts; bench/sandbox-scale.ts). */
  fleet?: FleetOptions
}

export interface Sandbox {
  url: string
  port: number
  products: Array<{ product_key: string; product_secret: string; name: string }>
  /** Where the sandbox sends WeChat pushes (the BFF's /wechat/push), once known. */
  setPushUrl: (url: string) => void
  setAppUrl: (url: string) => void
  /** The enterprise event stream (SNoti) for the vendor's worker: where, which certificate, which credentials. */
  snoti: SnotiServer
  close: () => Promise<void>
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const behaviour = options.behaviour ?? 'live'
  const host = options.host ?? '127.0.0.1'
  const stores = openStores(options.dataFile ?? ':memory:')
  const clock = new SandboxClock(stores.schedulers.clockOffsetMs(), (offsetMs) => stores.schedulers.saveClockOffset(offsetMs))
  const world = new World(stores, await loadProducts(), clock, () => options.otaStepMs ?? 1500)
  const delay = () => options.reportDelayMs ?? (behaviour === 'live' ? 120 + Math.random() * 280 : 50)
  if (options.generateHistory ?? behaviour === 'live') seedHistory(world.devices, stores.devices, clock.nowS())
  const simulator = new DeviceSimulator(world.devices, world.bindings, behaviour, delay, options.tickMs, world.rawLog)
  // Time-limited guests lose their device on time even when nobody calls the API.
  const sweeper = setInterval(() => world.bindings.sweepExpiredGuests(), 5000)
  sweeper.unref()
  // Linkage rules run on the devices' reports; a group step reaches the user's group through the groups' one owner
  // (automation/groups.ts), known once the routes are registered below: a single-product group of the user's, with
  // the devices the user is still bound to; anything else is "not found" (README, "Linkage rules").
  let automation: Automation | undefined
  const ruleGroups: RuleGroups = {
    members: (uid, groupId) => {
      if (!automation) return null
      try {
        const group = automation.groups.own(uid, groupId)
        return group.product_key ? { product_key: group.product_key, dids: automation.groups.devices(uid, groupId) } : null
      } catch (error) {
        if (error instanceof GizwitsFailure) return null
        throw error
      }
    },
  }
  const rules = new RuleEngine(world, stores.rules, simulator, ruleGroups, clock)
  // The cloud runs schedules itself, on sandbox time (automation/scheduler.ts); a group or scene schedule is run by the
  // groups' and scenes' owners (automation/groups.ts, scenes.ts), its result what each device answered.
  const scheduleTargets = (): AutomationTargets => automation ? {
    group: async (uid, groupId, attrs) => {
      const outcomes = await automation!.groups.control(uid, groupId, attrs)
      const detail = Object.fromEntries(outcomes.map((outcome) => [outcome.did, outcome.result]))
      const failed = outcomes.filter((outcome) => !outcome.result)
      return failed.length === 0 && outcomes.length > 0 ? { status: 'succeed', detail } : { status: 'failed', detail, error: outcomes.length === 0 ? 'group has no devices' : failed.map((outcome) => `${outcome.did}: ${outcome.error_message ?? 'failed'}`).join('; ') }
    },
    scene: async (uid, sceneId) => {
      const run = await automation!.scenes.run(uid, sceneId)
      const detail: Record<string, boolean> = {}
      for (const step of run?.steps ?? []) for (const outcome of step.results) detail[outcome.did] = (detail[outcome.did] ?? true) && outcome.result
      return run?.status === SceneStatus.DONE ? { status: 'succeed', detail } : { status: 'failed', detail, error: 'a step of the scene failed' }
    },
  } : {}
  const scheduler = new Scheduler(stores.schedulers, clock, scheduleRunner(world, simulator, scheduleTargets))

  const app = Fastify({ logger: options.log ? { level: 'info' } : false })
  await app.register(cookie)
  await app.register(websocket)
  // Gizwits' SDKs send `Content-Type: application/json` on every request, GETs and body-less POSTs included, and
  // the cloud accepts them: an empty JSON body is no body (a route that needs one still answers 9015).
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    const raw = typeof text === 'string' ? text : text.toString('utf8')
    if (raw.trim() === '') return done(null, undefined)
    try {
      done(null, JSON.parse(raw))
    } catch {
      done(Object.assign(new Error('body is not valid JSON'), { statusCode: 400 }), undefined)
    }
  })
  const routes = openApiRoutes(app)
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof GizwitsFailure) return sendFailure(reply, error)
    if (isOpenApi(request.url) && (error.statusCode ?? 500) < 500) return sendFailure(reply, new GizwitsFailure(ErrorCode.FORM_INVALID, error.message))
    // api.weixin.qq.com answers HTTP 200 with an errcode, whatever went wrong: 47001 for a body it cannot parse,
    // -1 for its own failure.
    if (isWechatApi(request.url)) {
      const failed = (error.statusCode ?? 500) >= 500
      if (failed) request.log.error(error)
      return reply.status(200).send(failed ? { errcode: WechatErrcode.SYSTEM_ERROR, errmsg: 'system error' } : { errcode: WechatErrcode.DATA_FORMAT_ERROR, errmsg: 'data format error' })
    }
    request.log.error(error)
    if (isOpenApi(request.url)) return sendFailure(reply, new GizwitsFailure(ErrorCode.SERVER_ERROR))
    return reply.status(error.statusCode ?? 500).send({ error: 'sandbox_error', message: error.message })
  })
  // An unknown Open API path or method gets an error body a Gizwits client recognises (a body without error_code
  // would read as success). The cloud's own answer here is undocumented: see README, "Invented".
  app.setNotFoundHandler((request, reply) => {
    if (!isOpenApi(request.url)) return reply.status(404).send({ error: 'not_found', message: `no sandbox route ${request.method} ${request.url.split('?')[0]}` })
    const path = request.url.split('?')[0]
    const methods = routes.methodsFor(path)
    if (methods.length > 0) {
      reply.header('allow', methods.join(', '))
      return sendFailure(reply, new GizwitsFailure(ErrorCode.FORM_INVALID, `method ${request.method} not allowed on ${path}; allowed: ${methods.join(', ')}`, 405))
    }
    return sendFailure(reply, new GizwitsFailure(ErrorCode.FORM_INVALID, `no such API: ${request.method} ${path}`, 404))
  })

  let listening = { host, wsPort: options.port ?? 8081 }
  let ws: GizwitsWs | undefined
  await app.register(async (scope) => {
    await gizwitsHttp(scope, { world, simulator, appId: options.gizwitsAppId, endpoint: () => listening })
    await gizwitsSharingHttp(scope, { world, appId: options.gizwitsAppId })
    await gizwitsSchedulerHttp(scope, { world, appId: options.gizwitsAppId, scheduler, store: stores.schedulers })
    await gizwitsAccountHttp(scope, { world, appId: options.gizwitsAppId })
    await gizwitsDeviceLookupHttp(scope, { world, appId: options.gizwitsAppId })
    await gizwitsRawDataHttp(scope, { world, appId: options.gizwitsAppId })
    // Groups and scenes (automation/); what it returns is what rules and schedules may call.
    automation = await automationHttp(scope, { world, simulator, store: stores.automation, appId: options.gizwitsAppId })
    await rulesHttp(scope, { world, engine: rules, appId: options.gizwitsAppId })
    await gizwitsGatewayHttp(scope, { world, appId: options.gizwitsAppId })
    ws = gizwitsWs(scope, { world, simulator, appId: options.gizwitsAppId, heartbeatGraceMs: options.heartbeatGraceMs ?? 10_000 })
    await wechatOauth(scope, { wechat: stores.wechat, clock, appId: options.wechatAppId, appSecret: options.wechatAppSecret, oauthDomains: options.oauthDomains ?? ['localhost', '127.0.0.1'] })
    await wechatPlatform(scope, { wechat: stores.wechat, clock, appId: options.wechatAppId, appSecret: options.wechatAppSecret, templateIds: [DEMO_ALERT_TEMPLATE_ID], subscribeTemplateIds: [DEMO_SUBSCRIBE_TEMPLATE_ID], dailyTemplateQuota: options.dailyTemplateQuota })
    await wechatPush(scope, {
      wechat: stores.wechat, clock, appId: options.wechatAppId, accountId: 'gh_sandbox0001', token: options.wechatToken ?? DEMO_WECHAT_TOKEN,
      aesKey: options.wechatAesKey ?? DEMO_WECHAT_AES_KEY, pushUrl: () => options.pushUrl ?? null,
    })
    await controlSurface(scope, { world, ws: () => ws!, appUrl: () => options.appUrl ?? null, labelKey: options.labelKey ?? null })
    await scope.register(async (gatewayScope) => gatewaySurface(gatewayScope, { world }))
    // The browser acts as the WeChat client unless told otherwise (GET /sandbox/wechat/client?enabled=0).
    scope.get('/sandbox/wechat/bridge.js', async (request, reply) => {
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-store')
      if (request.cookies[CLIENT_COOKIE] === 'off') return '/* the WeChat client stand-in is off for this browser */'
      return readFileSync(join(import.meta.dirname, 'public', 'wechat-bridge.js'), 'utf8')
    })
    scope.get('/wechat/', async (_request, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(readFileSync(join(import.meta.dirname, 'public', 'wechat.html'), 'utf8')),
    )
    scope.get('/wechat', async (_request, reply) => reply.redirect('/wechat/', 302))
    scope.get('/sandbox/wechat/client', async (request, reply) => {
      const { enabled, next } = request.query as { enabled?: string; next?: string }
      if (enabled !== '0' && enabled !== '1') return reply.status(400).send({ error: 'bad_enabled', message: 'enabled must be 0 or 1' })
      reply.setCookie(CLIENT_COOKIE, enabled === '1' ? 'on' : 'off', { path: '/', sameSite: 'lax' })
      return next && /^https?:\/\//.test(next) ? reply.redirect(next, 302) : { enabled: enabled === '1' }
    })
  })

  await app.listen({ port: options.port ?? 8081, host })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 8081)
  listening = { host: host === '0.0.0.0' ? '127.0.0.1' : host, wsPort: port }
  simulator.start()
  rules.start()
  const fleet = options.fleet && options.fleet.devices > 0 ? startFleet(world, simulator, options.fleet) : null
  scheduler.start()
  // SNoti listens to the owners' own events (devices: report/online; bindings: binding), as a consumer would.
  const snoti = await startSnoti({ world, gizwitsAppId: options.gizwitsAppId, port: options.snotiPort ?? 0, host, idleTimeoutMs: options.snotiIdleTimeoutMs, write: (did, attrs) => simulator.write(did, attrs, { source: 'enterprise_api' }), controls: simulator.controls })

  return {
    url: `http://${listening.host}:${port}`,
    port,
    products: [...world.products.values()].map((p) => ({ product_key: p.definition.product_key, product_secret: p.secret, name: p.definition.name })),
    setPushUrl: (url) => {
      options.pushUrl = url
    },
    setAppUrl: (url) => {
      options.appUrl = url
    },
    snoti,
    close: async () => {
      await snoti.close()
      clearInterval(sweeper)
      rules.stop()
      fleet?.stop()
      scheduler.stop()
      world.firmware.stop()
      simulator.stop()
      ws?.close()
      await app.close()
      stores.close()
    },
  }
}
