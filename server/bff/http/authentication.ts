// Who is signed in, decided once per request. The session cookie is looked up at most once (the rate limits key on
// it, and the sign-in check needs it), and the signed-in scope — /api except its public routes, and /ws before the
// upgrade — refuses a request without a session before its body is parsed. Its handlers read `request.openid`.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { SESSION_COOKIE } from '@shared/api'
import { ApiError } from '../errors'
import type { Session, SessionStore } from '../store/session-store'

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The signed-in user's openid, in the signed-in scope only (registerSignedInScope): read anywhere else it
     * throws, since a route that needs a user but sits outside that scope is a bug, not a refusal.
     */
    readonly openid: string
  }
}

/** The session of each request, looked up once; kept only as long as the request. */
export function sessionLookup(sessions: SessionStore): (request: FastifyRequest) => Promise<Session | null> {
  const looked = new WeakMap<FastifyRequest, Promise<Session | null>>()
  return (request) => {
    let session = looked.get(request)
    if (!session) {
      session = lookUp(sessions, request)
      looked.set(request, session)
    }
    return session
  }
}

async function lookUp(sessions: SessionStore, request: FastifyRequest): Promise<Session | null> {
  const raw = request.cookies[SESSION_COOKIE]
  if (!raw) return null
  const unsigned = request.unsignCookie(raw)
  if (!unsigned.valid || !unsigned.value) return null
  return sessions.get(unsigned.value)
}

const signedIn = new WeakMap<FastifyRequest, string>()

/** Gives every request its `openid` accessor (once, on the root instance). */
export function decorateOpenid(app: FastifyInstance): void {
  app.decorateRequest('openid', {
    getter(this: FastifyRequest): string {
      const openid = signedIn.get(this)
      if (openid === undefined) throw new Error(`request.openid read outside the signed-in scope (${this.method} ${this.routeOptions.url})`)
      return openid
    },
  })
}

/**
 * Makes `scope` the signed-in scope: every route registered in it answers 401 without a session. The check runs
 * after the Origin check and the rate limits (onRequest), and before the body is read.
 */
export function registerSignedInScope(scope: FastifyInstance, sessionOf: (request: FastifyRequest) => Promise<Session | null>): void {
  scope.addHook('preParsing', async (request) => {
    const session = await sessionOf(request)
    if (!session) throw new ApiError(401, 'not_logged_in', 'not_logged_in')
    signedIn.set(request, session.openid)
  })
}
