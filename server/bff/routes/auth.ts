// Silent WeChat login: /auth/wechat/login → WeChat authorize → /auth/wechat/callback → session cookie → next.
import { randomBytes } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import { OAUTH_STATE_COOKIE, SESSION_COOKIE } from '@shared/api'
import type { Context } from '../context'
import { localeFrom, translate, type MessageKey } from '../i18n/messages'
import { SESSION_LIFETIME_S, SESSION_PURGE_INTERVAL_MS, startSessionPurge } from '../store/session-store'
import { SPENT_CODE_CODES } from '../wechat/errors'
import { authorizeUrl, exchangeCode, fetchNickname, WeChatOauthError } from '../wechat/oauth-client'
import type { RouteScope } from './route-schemas'

const STATE_LIFETIME_S = 600

/** What the login leaves in its signed state cookie for the callback: checked like any request data. */
const StateCookie = Type.Object({ state: Type.Optional(Type.String()), next: Type.Optional(Type.String()) })
type StateCookie = Static<typeof StateCookie>
const stateCookie = Compile(StateCookie)

/** A next longer than this (after percent-encoding) is not a page of ours; it also keeps the state cookie small. */
export const MAX_NEXT_LENGTH = 2048
// Only the path of the parsed URL is ever sent back, so this origin is never seen; it just has to be ours.
const PARSE_BASE = 'https://h5.invalid'

/**
 * Where to go after login: a path of our own origin, or "/". Parsed the way a browser parses a Location (tabs and
 * newlines vanish, a backslash is a slash), so what is checked is what the browser will follow; control characters
 * are refused outright, and only the parsed path+search+hash goes back, percent-encoded, so the Location header is
 * always valid ASCII.
 */
export function safeNext(next: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  if (!next || next.length > MAX_NEXT_LENGTH || /[\u0000-\u001f\u007f-\u009f]/.test(next) || !next.startsWith('/')) return '/'
  let parsed: URL
  try {
    parsed = new URL(next, PARSE_BASE)
  } catch {
    return '/'
  }
  if (parsed.origin !== PARSE_BASE) return '/'
  const path = `${parsed.pathname}${parsed.search}${parsed.hash}`
  // "/.//evil" parses to the path "//evil", which a browser would read as another host: check the result again.
  if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\') || path.length > MAX_NEXT_LENGTH) return '/'
  if (new URL(path, PARSE_BASE).origin !== PARSE_BASE) return '/'
  return path
}

function publicOrigin(context: Context, request: FastifyRequest): string {
  return context.config.publicUrl ?? `${request.protocol}://${request.host}`
}

function errorPage(reply: FastifyReply, request: FastifyRequest, key: MessageKey): FastifyReply {
  const locale = localeFrom(request.headers['accept-language'])
  const title = translate(locale, 'login_failed_title')
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title>
<style>body{font:16px/1.6 -apple-system,"PingFang SC",sans-serif;margin:0;padding:64px 24px;text-align:center;color:#323233;background:#f7f8fa}
a{display:inline-block;margin-top:24px;padding:10px 32px;border-radius:999px;background:#07c160;color:#fff;text-decoration:none}</style></head>
<body><h2>${title}</h2><p>${translate(locale, key)}</p><a href="/auth/wechat/login">${translate(locale, 'try_again')}</a></body></html>`
  return reply.status(400).type('text/html; charset=utf-8').send(html)
}

export async function authRoutes(app: RouteScope, context: Context): Promise<void> {
  const secure = context.config.publicUrl?.startsWith('https:') ?? false
  const stopPurge = startSessionPurge(context.sessions, SESSION_PURGE_INTERVAL_MS, (error) => app.log.warn({ err: error }, 'purging expired sessions failed'))
  app.addHook('onClose', async () => stopPurge())

  // These two querystrings stay open to extra parameters on purpose: WeChat appends its own to links opened from
  // chats and menus (from=, isappinstalled=), and a login must not fail on them. Nothing here is forwarded.
  // `scope=userinfo` asks WeChat for the nickname too. Only a user's tap sends it: asked on landing, WeChat shows
  // its consent sheet (or the snapshot page) before the app; the login itself never needs it.
  app.get('/auth/wechat/login', {
    schema: { querystring: Type.Object({ next: Type.Optional(Type.String({ maxLength: 2048 })), scope: Type.Optional(Type.Literal('userinfo')) }) },
  }, async (request, reply) => {
    const { next, scope } = request.query
    // The menu's links all come through here. A browser that still holds a valid session is already signed in as
    // its WeChat user: going round WeChat's authorize page again would only cost two redirects and a Gizwits login.
    // Asking for the nickname is the exception: that needs WeChat's consent, session or not.
    if (scope !== 'userinfo' && (await context.sessionOf(request))) return reply.redirect(safeNext(next), 302)
    const state = randomBytes(16).toString('hex')
    await context.oauthStates.issue(state, STATE_LIFETIME_S)
    reply.setCookie(OAUTH_STATE_COOKIE, JSON.stringify({ state, next: safeNext(next) }), {
      path: '/auth/wechat', httpOnly: true, sameSite: 'lax', secure, signed: true, maxAge: STATE_LIFETIME_S,
    })
    const redirectUri = `${publicOrigin(context, request)}/auth/wechat/callback`
    return reply.redirect(authorizeUrl(context.wechatOpenBase(request), context.config.wechat.appId, redirectUri, state, scope === 'userinfo' ? 'snsapi_userinfo' : 'snsapi_base'), 302)
  })

  app.get('/auth/wechat/callback', {
    schema: { querystring: Type.Object({ code: Type.Optional(Type.String({ maxLength: 512 })), state: Type.Optional(Type.String({ maxLength: 256 })) }) },
  }, async (request, reply) => {
    const { code, state } = request.query
    const raw = request.cookies[OAUTH_STATE_COOKIE]
    const unsigned = raw ? request.unsignCookie(raw) : null
    reply.clearCookie(OAUTH_STATE_COOKIE, { path: '/auth/wechat' })
    let saved: StateCookie = {}
    try {
      const parsed: unknown = unsigned?.valid && unsigned.value ? JSON.parse(unsigned.value) : {}
      if (stateCookie.Check(parsed)) saved = parsed
    } catch {
      saved = {}
    }
    // The state must match this browser's cookie and be one we issued and nobody used yet: a copied cookie
    // cannot be replayed with a fresh code.
    if (!state || !saved.state || saved.state !== state || !(await context.oauthStates.consume(state))) return errorPage(reply, request, 'oauth_state')
    // The user refused authorization (or WeChat sent no code).
    if (!code) return errorPage(reply, request, 'oauth_failed')

    let openid: string
    let userinfo: { accessToken: string } | null = null
    try {
      const exchanged = await exchangeCode({ appId: context.config.wechat.appId, appSecret: context.config.wechat.appSecret, apiBase: context.config.wechat.apiBase }, code)
      openid = exchanged.openid
      if (exchanged.scope.split(',').includes('snsapi_userinfo') && exchanged.accessToken) userinfo = { accessToken: exchanged.accessToken }
    } catch (error) {
      request.log.warn({ err: error }, 'WeChat code exchange failed')
      const expired = error instanceof WeChatOauthError && SPENT_CODE_CODES.has(error.errcode)
      return errorPage(reply, request, expired ? 'oauth_code' : 'oauth_failed')
    }
    await context.users.ensure(openid)
    if (userinfo) {
      // The nickname is a courtesy: without it the login still succeeds, and the user may ask again.
      try {
        await context.users.saveNickname(openid, await fetchNickname({ apiBase: context.config.wechat.apiBase }, userinfo.accessToken, openid))
      } catch (error) {
        request.log.warn({ err: error }, 'WeChat userinfo failed')
      }
    }
    try {
      await context.accounts.credentials(openid, { fresh: true })
    } catch (error) {
      request.log.error({ err: error }, 'Gizwits login failed')
      return errorPage(reply, request, 'oauth_failed')
    }
    const session = await context.sessions.create(openid)
    reply.setCookie(SESSION_COOKIE, session.id, { path: '/', httpOnly: true, sameSite: 'lax', secure, signed: true, maxAge: SESSION_LIFETIME_S })
    return reply.redirect(safeNext(saved.next), 302)
  })

  app.post('/auth/logout', async (request, reply) => {
    const session = await context.sessionOf(request)
    if (session) await context.sessions.destroy(session.id)
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return reply.status(204).send()
  })
}
