// What every request must be before a route sees it: from one of our own pages when it changes something, and
// JSON when it carries a body. A same-site page (another port; in production a sibling subdomain) could otherwise
// transfer a device with a `text/plain` form POST, which the browser sends without asking: cookies are SameSite=Lax,
// and Lax lets same-site requests through, so the Origin check is what tells our pages from theirs.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Config } from '../config'
import { ApiError } from '../errors'

/** Server-to-server paths with their own authentication (WeChat's signed pushes): no browser, no Origin. */
const NO_ORIGIN_PATHS = ['/wechat/push']

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The origin our pages are served from: PUBLIC_URL when set, else the one this request was sent to. */
export function ownOrigin(config: Config, request: FastifyRequest): string {
  return config.publicUrl ? new URL(config.publicUrl).origin : `${request.protocol}://${request.host}`
}

function needsOrigin(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0]
  if (NO_ORIGIN_PATHS.includes(path)) return false
  // A WebSocket upgrade is a GET, but it opens a channel that writes to devices: browsers always send Origin on it.
  return !SAFE_METHODS.has(request.method) || request.headers.upgrade?.toLowerCase() === 'websocket'
}

export function registerRequestGuards(app: FastifyInstance, config: Config): void {
  app.addHook('onRequest', async (request) => {
    if (!needsOrigin(request)) return
    // Every browser sends Origin on a state-changing request and on a WebSocket upgrade; a request without one,
    // or from any other origin (including "null" from sandboxed frames and file: pages), is refused.
    if (request.headers.origin !== ownOrigin(config, request)) {
      request.log.warn({ origin: request.headers.origin ?? null, method: request.method, path: request.url.split('?')[0] }, 'request from a foreign origin refused')
      throw new ApiError(403, 'origin_refused', 'origin_refused')
    }
  })

  // JSON only. Fastify would also parse text/plain, the one body type a cross-site form can send without a
  // preflight; without a parser for it, such a body is refused with 415. An empty JSON body is no body at all:
  // clients (Gizwits' own SDKs among them) send `Content-Type: application/json` on every request.
  // Fastify's own JSON parser (it refuses __proto__ and constructor.prototype keys), with an empty body as none.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser(['application/json', 'text/plain'])
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (request, body, done) => {
    if (String(body).trim() === '') return done(null, undefined)
    parseJson(request, String(body), done)
  })
}
