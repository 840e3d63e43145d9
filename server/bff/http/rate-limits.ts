// How often anyone may ask for what: one table, applied to every route as it is registered, so a new route is
// limited by the group its path and method fall in without remembering to. Each group limits the signed-in user
// (across their pages and devices) and the client's address; whichever runs out first answers a readable 429
// with Retry-After, and nothing reaches the cloud. Counting uses @fastify/rate-limit's stores (in memory here;
// the same plugin takes Redis when several BFFs share the load).
// Binding has a second, stricter limit on refused attempts (gizwits/binding-guard.ts), and the page socket limits
// its frames itself (routes/page-socket.ts).
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import type { Context } from '../context'
import { ApiError } from '../errors'

export interface Limit { max: number; windowMs: number }
export interface LimitPolicy { user?: Limit; ip: Limit }

export type LimitGroup = 'login' | 'bind' | 'control' | 'write' | 'read' | 'socket' | 'push' | 'rules'

const MINUTE = 60_000

/** Generous for a person using the app, tight for a script: a user taps a control a few times a second at most. */
export const DEFAULT_LIMITS: Record<LimitGroup, LimitPolicy> = {
  // Each login costs a WeChat code exchange and a Gizwits login.
  login: { ip: { max: 30, windowMs: MINUTE } },
  bind: { user: { max: 30, windowMs: 10 * MINUTE }, ip: { max: 60, windowMs: 10 * MINUTE } },
  control: { user: { max: 30, windowMs: 10_000 }, ip: { max: 120, windowMs: 10_000 } },
  write: { user: { max: 60, windowMs: MINUTE }, ip: { max: 240, windowMs: MINUTE } },
  // WeChat opens every menu entry and link as a fresh page load (8–12 reads each, and one page socket), and pages
  // with live progress poll (a scene run twice a second, a firmware update once): a person going from page to page
  // quickly stays inside these; a script reading in a loop does not.
  read: { user: { max: 600, windowMs: MINUTE }, ip: { max: 1200, windowMs: MINUTE } },
  // Opening page sockets; the frames on them are limited by the socket itself.
  socket: { user: { max: 60, windowMs: MINUTE }, ip: { max: 120, windowMs: MINUTE } },
  push: { ip: { max: 1200, windowMs: MINUTE } },
  // Saving a linkage rule reads the user's devices and definitions and makes the cloud check it for loops.
  rules: { user: { max: 20, windowMs: MINUTE }, ip: { max: 120, windowMs: MINUTE } },
}

const BIND_PATHS = new Set(['/api/app/bind_label', '/api/app/bindings', '/api/app/bind_latest'])

/** The group a route belongs to, or null for routes that are not limited (health checks, static files). */
export function limitGroupOf(method: string, url: string): LimitGroup | null {
  if (url === '/healthz' || url.startsWith('/assets/')) return null
  if (url.startsWith('/auth/wechat/') || url === '/ops/login') return 'login'
  // The operators' page (ops/ops-routes.ts): limited like the app's own reads and writes.
  if (url === '/ops' || url.startsWith('/ops/')) return method === 'GET' || method === 'HEAD' ? 'read' : 'write'
  if (url === '/wechat/push') return 'push'
  if (url === '/ws') return 'socket'
  if (method === 'POST' && BIND_PATHS.has(url)) return 'bind'
  if (method === 'POST' && url.startsWith('/api/app/control/')) return 'control'
  // A home invitation's code is tried like a binding code: guessing is limited as binding is.
  if (url.startsWith('/api/homes/invitations/code/')) return 'bind'
  // A group control and a scene run are controls too (each may move many devices).
  if (method === 'POST' && /^\/api\/app\/(group\/[^/]+\/control|scene\/[^/]+\/task)$/.test(url)) return 'control'
  if (method !== 'GET' && method !== 'HEAD' && url.startsWith('/api/app/rules')) return 'rules'
  // Opening a gateway's pairing window and starting a firmware upgrade make the device act, as a control does.
  if (method === 'POST' && /^\/api\/app\/devices\/[^/]+\/(sub_devices|ota)$/.test(url)) return 'control'
  if (url.startsWith('/api/') || url.startsWith('/auth/')) return method === 'GET' || method === 'HEAD' ? 'read' : 'write'
  return null
}

type Check = (request: FastifyRequest) => Promise<{ isAllowed: boolean; isExceeded?: boolean; ttlInSeconds?: number }>

export async function registerRateLimits(app: FastifyInstance, context: Context, overrides: Partial<Record<LimitGroup, LimitPolicy>> = {}): Promise<void> {
  // With Redis the counters are the cluster's: a client spreading requests over the BFFs meets the same limit.
  const redis = context.cluster.redis
  await app.register(rateLimit, { global: false, cache: 20_000, ...(redis ? { redis, nameSpace: 'h5:rate-limit:' } : {}) })
  const policies = { ...DEFAULT_LIMITS, ...overrides }
  const userKey = async (request: FastifyRequest) => (await context.sessionOf(request))?.openid ?? null

  // One pair of counters per group, made once: the plugin's createRateLimit keeps one store per limiter.
  const checks = new Map<LimitGroup, Array<{ check: Check; perUser: boolean }>>()
  for (const [group, policy] of Object.entries(policies) as Array<[LimitGroup, LimitPolicy]>) {
    const list: Array<{ check: Check; perUser: boolean }> = [{
      perUser: false,
      check: app.createRateLimit({ max: policy.ip.max, timeWindow: policy.ip.windowMs, keyGenerator: (request) => `${group}:ip:${request.ip}` }) as Check,
    }]
    if (policy.user) {
      list.unshift({
        perUser: true,
        check: app.createRateLimit({ max: policy.user.max, timeWindow: policy.user.windowMs, keyGenerator: async (request) => `${group}:user:${await userKey(request)}` }) as Check,
      })
    }
    checks.set(group, list)
  }

  const hookFor = (group: LimitGroup) => async (request: FastifyRequest, reply: FastifyReply) => {
    const signedIn = (await userKey(request)) !== null
    for (const { check, perUser } of checks.get(group)!) {
      if (perUser && !signedIn) continue
      const result = await check(request)
      if (result.isAllowed || !result.isExceeded) continue
      const seconds = Math.max(1, result.ttlInSeconds ?? 1)
      reply.header('retry-after', String(seconds))
      request.log.warn({ group, perUser, path: request.url.split('?')[0] }, 'rate limit reached')
      throw new ApiError(429, 'rate_limited', 'rate_limited', { seconds })
    }
  }

  app.addHook('onRoute', (route: RouteOptions) => {
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      const group = limitGroupOf(method, route.url)
      if (!group) continue
      const hook = hookFor(group)
      route.onRequest = route.onRequest === undefined ? [hook] : Array.isArray(route.onRequest) ? [...route.onRequest, hook] : [route.onRequest, hook]
      return
    }
  })
}
