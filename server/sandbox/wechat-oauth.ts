// WeChat web OAuth (网页授权) as the WeChat client and api.weixin.qq.com behave: coded error pages, single-use codes,
// the access_token/refresh_token pair and its error codes (README's endpoint table).
// Who "is in WeChat" is the sandbox cookie below; with it snsapi_base is silent, without it a picker asks.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SandboxClock } from './clock'
import type { WechatStore } from './store/wechat'
import { WechatErrcode, OauthPageError } from './wechat-errors'

const IDENTITY_COOKIE = 'sbx_wechat_openid'
const CODE_LIFETIME_S = 300
const SNS_TOKEN_LIFE_S = 7200
const REFRESH_TOKEN_LIFE_S = 30 * 24 * 3600

/** Where the client reached the sandbox, for absolute URLs in answers (headimgurl). */
function originOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? request.hostname}`
}

export interface WechatOauthOptions {
  wechat: WechatStore
  clock: SandboxClock
  appId: string
  appSecret: string
  oauthDomains: string[]
}

interface IssuedCode { openid: string; appid: string; scope: string; expiresAt: number; used: boolean }

const rid = () => `rid: ${randomBytes(6).toString('hex')}-${randomBytes(4).toString('hex')}`
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>
body{margin:0;font:16px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#ededed;color:#111}
header{background:#f7f7f7;padding:12px 16px;text-align:center;font-weight:600;border-bottom:1px solid #ddd}
main{padding:16px}.card{background:#fff;border-radius:8px;padding:16px;margin-bottom:12px}
a.user,button{display:block;width:100%;box-sizing:border-box;padding:12px 16px;margin:8px 0;border-radius:8px;border:0;background:#07c160;color:#fff;font-size:16px;text-align:center;text-decoration:none}
input{width:100%;box-sizing:border-box;padding:10px;border:1px solid #ccc;border-radius:6px;font-size:16px}.muted{color:#888;font-size:13px}
.error{color:#fa5151;font-size:20px;text-align:center;margin-top:40px}</style></head><body><header>${escapeHtml(title)}</header><main>${body}</main></body></html>`
}

/** WeChat shows authorize errors as a page with a code, not as JSON. */
function errorPage(reply: FastifyReply, code: number, text: string): FastifyReply {
  return reply.status(200).type('text/html; charset=utf-8').send(page('微信登录', `<p class="error">${code}</p><p style="text-align:center">${escapeHtml(text)}</p>`))
}

export async function wechatOauth(app: FastifyInstance, options: WechatOauthOptions): Promise<void> {
  const codes = new Map<string, IssuedCode>()
  const { wechat, clock } = options

  const users = () => wechat.users()
  const knownUser = (openid: string) => wechat.user(openid) !== undefined

  app.get('/connect/oauth2/authorize', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>
    if (!query.appid) return errorPage(reply, OauthPageError.APPID_MISSING, 'appid 不能为空')
    if (query.appid !== options.appId) return errorPage(reply, OauthPageError.APPID_NOT_SUPPORTED, '不支持此 appid')
    if (!query.redirect_uri) return errorPage(reply, OauthPageError.REDIRECT_URI_MISSING, 'redirect_uri 不能为空')
    let redirect: URL
    try {
      redirect = new URL(query.redirect_uri)
    } catch {
      return errorPage(reply, OauthPageError.REDIRECT_URI_DOMAIN, 'redirect_uri 域名与后台配置不一致')
    }
    if (!options.oauthDomains.includes(redirect.hostname)) return errorPage(reply, OauthPageError.REDIRECT_URI_DOMAIN, 'redirect_uri 域名与后台配置不一致')
    if (query.response_type !== 'code') return errorPage(reply, OauthPageError.RESPONSE_TYPE, 'response_type 错误')
    if (!query.scope) return errorPage(reply, OauthPageError.SCOPE_MISSING, 'scope 不能为空')
    if (query.scope !== 'snsapi_base' && query.scope !== 'snsapi_userinfo') return errorPage(reply, OauthPageError.SCOPE_NOT_ALLOWED, '此公众号并没有这些 scope 的权限')
    if (!query.state) return errorPage(reply, OauthPageError.STATE_INVALID, 'state 不能为空')
    if (!/^[a-zA-Z0-9]{1,128}$/.test(query.state)) return errorPage(reply, OauthPageError.STATE_INVALID, 'state 只能是字母和数字，最长 128 字节')

    const openid = request.cookies[IDENTITY_COOKIE]
    if (!openid || !knownUser(openid)) {
      const back = encodeURIComponent(request.url)
      const list = users()
        .map((user) => `<a class="user" href="/sandbox/wechat/identity?openid=${encodeURIComponent(user.openid)}&next=${back}">${escapeHtml(user.nickname)}</a>`)
        .join('')
      return reply.type('text/html; charset=utf-8').send(page('微信（沙箱）',
        `<div class="card"><p>这是本机的微信替身。请选择以哪位微信用户打开应用：</p>${list}</div>
<div class="card"><form method="get" action="/sandbox/wechat/new-user"><input type="hidden" name="next" value="${escapeHtml(request.url)}">
<p>或者新建一位用户：</p><input name="nickname" maxlength="20" required placeholder="昵称"><button type="submit">新建并进入</button></form>
<p class="muted">真实微信里，从公众号菜单进入时这一步是静默的。</p></div>`))
    }
    const code = randomBytes(16).toString('hex')
    codes.set(code, { openid, appid: options.appId, scope: query.scope, expiresAt: clock.nowS() + CODE_LIFETIME_S, used: false })
    redirect.searchParams.set('code', code)
    redirect.searchParams.set('state', query.state)
    return reply.redirect(redirect.toString(), 302)
  })

  // Web OAuth tokens: the access_token lasts 2 hours, the refresh_token 30 days and is
  // not extended by refreshing. Refreshing before expiry keeps the access_token and renews its time; after, a new one.
  const accessTokens = new Map<string, { openid: string; scope: string; expiresAt: number }>()
  const refreshTokens = new Map<string, { openid: string; scope: string; expiresAt: number; accessToken: string }>()

  app.get('/sns/oauth2/access_token', async (request) => {
    const query = request.query as Record<string, string | undefined>
    if (query.appid !== options.appId) return { errcode: WechatErrcode.INVALID_APPID, errmsg: `invalid appid, ${rid()}` }
    if (query.secret !== options.appSecret) return { errcode: WechatErrcode.INVALID_APPSECRET, errmsg: `invalid appsecret, ${rid()}` }
    if (query.grant_type !== 'authorization_code') return { errcode: WechatErrcode.INVALID_GRANT_TYPE, errmsg: `invalid grant_type, ${rid()}` }
    if (!query.code) return { errcode: WechatErrcode.CODE_MISSING, errmsg: `missing code, ${rid()}` }
    const issued = codes.get(query.code)
    if (!issued || issued.expiresAt <= clock.nowS() || issued.appid !== query.appid) return { errcode: WechatErrcode.INVALID_CODE, errmsg: `invalid code, ${rid()}` }
    if (issued.used) return { errcode: WechatErrcode.CODE_USED, errmsg: `code been used, ${rid()}` }
    issued.used = true
    const accessToken = randomBytes(24).toString('hex')
    const refreshToken = randomBytes(24).toString('hex')
    accessTokens.set(accessToken, { openid: issued.openid, scope: issued.scope, expiresAt: clock.nowS() + SNS_TOKEN_LIFE_S })
    refreshTokens.set(refreshToken, { openid: issued.openid, scope: issued.scope, expiresAt: clock.nowS() + REFRESH_TOKEN_LIFE_S, accessToken })
    return { access_token: accessToken, expires_in: SNS_TOKEN_LIFE_S, refresh_token: refreshToken, openid: issued.openid, scope: issued.scope }
  })

  app.get('/sns/oauth2/refresh_token', async (request) => {
    const query = request.query as Record<string, string | undefined>
    if (query.appid !== options.appId) return { errcode: WechatErrcode.INVALID_APPID, errmsg: `invalid appid, ${rid()}` }
    if (query.grant_type !== 'refresh_token') return { errcode: WechatErrcode.INVALID_GRANT_TYPE, errmsg: `invalid grant_type, ${rid()}` }
    if (!query.refresh_token) return { errcode: WechatErrcode.REFRESH_TOKEN_MISSING, errmsg: `refresh_token missing, ${rid()}` }
    const refresh = refreshTokens.get(query.refresh_token)
    if (!refresh) return { errcode: WechatErrcode.INVALID_REFRESH_TOKEN, errmsg: `invalid refresh_token, ${rid()}` }
    if (refresh.expiresAt <= clock.nowS()) return { errcode: WechatErrcode.REFRESH_TOKEN_EXPIRED, errmsg: `refresh_token timeout, ${rid()}` }
    const current = accessTokens.get(refresh.accessToken)
    if (current && current.expiresAt > clock.nowS()) {
      current.expiresAt = clock.nowS() + SNS_TOKEN_LIFE_S
    } else {
      accessTokens.delete(refresh.accessToken)
      refresh.accessToken = randomBytes(24).toString('hex')
      accessTokens.set(refresh.accessToken, { openid: refresh.openid, scope: refresh.scope, expiresAt: clock.nowS() + SNS_TOKEN_LIFE_S })
    }
    return { access_token: refresh.accessToken, expires_in: SNS_TOKEN_LIFE_S, refresh_token: query.refresh_token, openid: refresh.openid, scope: refresh.scope }
  })

  /** The error for a web OAuth token and openid, or null when they go together and are live. */
  const snsTokenProblem = (token: string | undefined, openid: string | undefined) => {
    if (!token) return { errcode: WechatErrcode.ACCESS_TOKEN_MISSING, errmsg: `access_token missing, ${rid()}` }
    const issued = accessTokens.get(token)
    if (!issued) return { errcode: WechatErrcode.INVALID_CREDENTIAL, errmsg: `invalid credential, access_token is invalid or not latest, ${rid()}` }
    if (issued.expiresAt <= clock.nowS()) return { errcode: WechatErrcode.ACCESS_TOKEN_EXPIRED, errmsg: `access_token expired, ${rid()}` }
    if (!openid) return { errcode: WechatErrcode.OPENID_MISSING, errmsg: `missing openid, ${rid()}` }
    if (openid !== issued.openid) return { errcode: WechatErrcode.INVALID_OPENID, errmsg: `invalid openid, ${rid()}` }
    return null
  }

  // Since 2021-10-20 WeChat no longer gives sex or region here (公众号用户信息相关接口调整公告): 0 and empty strings.
  // `unionid` only appears for accounts bound to an Open Platform account, which the sandbox's is not.
  app.get('/sns/userinfo', async (request) => {
    const query = request.query as Record<string, string | undefined>
    const problem = snsTokenProblem(query.access_token, query.openid)
    if (problem) return problem
    const issued = accessTokens.get(query.access_token!)!
    if (issued.scope !== 'snsapi_userinfo') return { errcode: WechatErrcode.API_UNAUTHORIZED, errmsg: `api unauthorized, ${rid()}` }
    const user = wechat.user(issued.openid)
    if (!user) return { errcode: WechatErrcode.INVALID_OPENID, errmsg: `invalid openid, ${rid()}` }
    return { openid: user.openid, nickname: user.nickname, sex: 0, province: '', city: '', country: '', headimgurl: `${originOf(request)}/sandbox/wechat/avatar/${encodeURIComponent(user.openid)}/132`, privilege: [] }
  })

  app.get('/sns/auth', async (request) => {
    const query = request.query as Record<string, string | undefined>
    return snsTokenProblem(query.access_token, query.openid) ?? { errcode: WechatErrcode.OK, errmsg: 'ok' }
  })

  // The sandbox user's avatar, at WeChat's sizes (the last path part of headimgurl: 0 = 640, 46, 64, 96, 132).
  app.get('/sandbox/wechat/avatar/:openid/:size', async (request, reply) => {
    const { openid, size } = request.params as { openid: string; size: string }
    const user = wechat.user(openid)
    const pixels = ({ '0': 640, '46': 46, '64': 64, '96': 96, '132': 132 } as Record<string, number>)[size]
    if (!user || !pixels) return reply.status(404).send({ error: 'no_avatar', message: 'no such user or size; sizes are 0, 46, 64, 96, 132' })
    const hue = [...openid].reduce((sum, char) => sum + char.charCodeAt(0), 0) % 360
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').header('access-control-allow-origin', '*')
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${pixels}" height="${pixels}" viewBox="0 0 100 100"><rect width="100" height="100" fill="hsl(${hue},55%,55%)"/><text x="50" y="50" dy=".35em" text-anchor="middle" font-size="48" fill="#fff" font-family="sans-serif">${escapeHtml([...user.nickname][0] ?? '?')}</text></svg>`
  })

  const safeNext = (next: string | undefined): string | null => {
    if (!next) return null
    if (next.startsWith('/') && !next.startsWith('//')) return next
    try {
      const url = new URL(next)
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null
    } catch {
      return null
    }
  }

  app.get('/sandbox/wechat/identity', async (request, reply) => {
    const { openid, next } = request.query as Record<string, string | undefined>
    if (!openid || !knownUser(openid)) return reply.status(404).send({ error: 'unknown_user', message: `no sandbox WeChat user ${openid ?? ''}; see GET /sandbox/users` })
    reply.setCookie(IDENTITY_COOKIE, openid, { path: '/', httpOnly: true, sameSite: 'lax' })
    const target = safeNext(next)
    return target ? reply.redirect(target, 302) : { openid }
  })

  app.get('/sandbox/wechat/new-user', async (request, reply) => {
    const { nickname, next } = request.query as Record<string, string | undefined>
    const name = (nickname ?? '').trim()
    if (!name || name.length > 20) return reply.status(400).type('text/html; charset=utf-8').send(page('微信（沙箱）', '<p class="error">请填写 1–20 个字的昵称</p>'))
    const openid = `oSbx_${randomBytes(12).toString('base64url').slice(0, 23)}`
    wechat.addUser(openid, name, clock.nowS())
    reply.setCookie(IDENTITY_COOKIE, openid, { path: '/', httpOnly: true, sameSite: 'lax' })
    const target = safeNext(next)
    return target ? reply.redirect(target, 302) : { openid }
  })

  app.get('/sandbox/users', async () => users())
}
