// The Official Account APIs of api.weixin.qq.com: cgi-bin/token and stable_token, jsapi_ticket, custom menu,
// template messages, subscription notices (订阅通知, subscribe/bizsend: one consent = one notice, 43101 without one)
// and customer-service messages (custom/send: only within 48 hours of the user's last message, click or scan, else
// 45015), with WeChat's own error codes, always HTTP 200 with errcode in the body. Each kind has a daily quota
// settable at POST /sandbox/wechat/quota (45009). Sent messages are kept so the sandbox's chat page can show them.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { SandboxClock } from './clock'
import type { WechatStore } from './store/wechat'
import { WechatErrcode } from './wechat-errors'

export interface WechatPlatformOptions {
  wechat: WechatStore
  clock: SandboxClock
  appId: string
  appSecret: string
  templateIds: string[]
  /** The account's subscription-notice templates (priTmplId). */
  subscribeTemplateIds?: string[]
  /** Template messages one account may send per day. */
  dailyTemplateQuota?: number
  /** The API IP whitelist; empty or absent lets every caller get tokens (settable at POST /sandbox/wechat/ip-whitelist). */
  ipWhitelist?: string[]
}

const TOKEN_LIFE_S = 7200
/** After cgi-bin/token hands out a new token, the previous one keeps working this long. */
const HANDOVER_S = 300
/** stable_token hands out the same token until 5 minutes before it expires, then a new one. */
const ROTATE_BEFORE_S = 300

/** A customer-service message may be sent this long after the user's last message, menu click or scan. */
const SERVICE_WINDOW_S = 48 * 3600
/** A subscription notice's keyword value limits per type (47003 beyond them). */
const KEYWORD_LIMITS: Record<string, number> = { thing: 20, character_string: 32, number: 32, letter: 32, symbol: 5, phrase: 5, phone_number: 17, car_number: 8, name: 20 }
const TIME_VALUE = /^\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?( \d{1,2}:\d{2}(:\d{2})?)?$|^\d{1,2}:\d{2}(:\d{2})?$/

/** The first keyword that breaks its type's rule, as WeChat's 47003 errmsg names it; null when all are fine. */
function keywordProblem(data: unknown): string | null {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return 'data'
  for (const [key, entry] of Object.entries(data as Record<string, unknown>)) {
    const value = (entry as { value?: unknown } | null)?.value
    if (typeof value !== 'string') return `data.${key}.value`
    const type = key.replace(/\d+$/, '')
    if (type === 'time' || type === 'date') {
      if (!TIME_VALUE.test(value)) return `data.${key}.value`
    } else if (KEYWORD_LIMITS[type] !== undefined && [...value].length > KEYWORD_LIMITS[type]) return `data.${key}.value`
  }
  return null
}

const rid = () => `rid: ${randomBytes(6).toString('hex')}`

interface IssuedToken { token: string; expiresAt: number; kind: 'token' | 'stable'; revokedAt: number | null }

export async function wechatPlatform(app: FastifyInstance, options: WechatPlatformOptions): Promise<void> {
  const { wechat, clock } = options
  // Both calls' tokens, each valid until it expires or is revoked. cgi-bin/token and stable_token are isolated from
  // each other (api_getstableaccesstoken): a call to one never revokes the other's token.
  const tokens = new Map<string, IssuedToken>()
  let latest: Record<IssuedToken['kind'], IssuedToken | null> = { token: null, stable: null }
  let ticket: { value: string; expiresAt: number } | null = null
  let cardTicket: { value: string; expiresAt: number } | null = null
  type Kind = 'template' | 'subscribe' | 'custom'
  const sentToday: Record<Kind, { day: string; count: number }> = { template: { day: '', count: 0 }, subscribe: { day: '', count: 0 }, custom: { day: '', count: 0 } }
  const quota: Record<Kind, number> = { template: options.dailyTemplateQuota ?? 100_000, subscribe: 100_000, custom: 100_000 }
  const today = () => new Date(clock.nowMs()).toISOString().slice(0, 10)
  /** Counts one send of this kind against today's quota; false when the quota is spent (45009). */
  const spend = (kind: Kind): boolean => {
    if (sentToday[kind].day !== today()) sentToday[kind] = { day: today(), count: 0 }
    if (sentToday[kind].count >= quota[kind]) return false
    sentToday[kind].count++
    return true
  }
  const quotaError = () => ({ errcode: WechatErrcode.DAILY_QUOTA_REACHED, errmsg: `reach max api daily quota limit, ${rid()}` })
  let ipWhitelist = options.ipWhitelist ?? []

  const issue = (kind: IssuedToken['kind']): IssuedToken => {
    const issued: IssuedToken = { token: randomBytes(48).toString('base64url'), expiresAt: clock.nowS() + TOKEN_LIFE_S, kind, revokedAt: null }
    tokens.set(issued.token, issued)
    latest = { ...latest, [kind]: issued }
    for (const [token, old] of tokens) if (old.expiresAt <= clock.nowS() - TOKEN_LIFE_S) tokens.delete(token)
    return issued
  }

  /** The errcode for a token a call carries, or 0 when it is still good. */
  const tokenProblem = (token: string | undefined): number => {
    if (!token) return WechatErrcode.ACCESS_TOKEN_MISSING
    const issued = tokens.get(token)
    if (!issued || (issued.revokedAt !== null && issued.revokedAt <= clock.nowS())) return WechatErrcode.INVALID_CREDENTIAL
    if (issued.expiresAt <= clock.nowS()) return WechatErrcode.ACCESS_TOKEN_EXPIRED
    return WechatErrcode.OK
  }
  const tokenError = (code: number) => {
    if (code === WechatErrcode.ACCESS_TOKEN_MISSING) return { errcode: code, errmsg: `access_token missing, ${rid()}` }
    if (code === WechatErrcode.ACCESS_TOKEN_EXPIRED) return { errcode: code, errmsg: `access_token expired, ${rid()}` }
    return { errcode: WechatErrcode.INVALID_CREDENTIAL, errmsg: `invalid credential, access_token is invalid or not latest, ${rid()}` }
  }

  /** The account's API IP whitelist (公众号 IP 白名单), empty meaning "not switched on". */
  const ipProblem = (ip: string) =>
    ipWhitelist.length > 0 && !ipWhitelist.includes(ip.replace(/^::ffff:/, ''))
      ? { errcode: WechatErrcode.IP_NOT_IN_WHITELIST, errmsg: `invalid ip ${ip.replace(/^::ffff:/, '')} ipv6 ::ffff:${ip.replace(/^::ffff:/, '')}, not in whitelist, ${rid()}` }
      : null

  const credentialsProblem = (input: { grant_type?: unknown; appid?: unknown; secret?: unknown }) => {
    if (input.grant_type !== 'client_credential') return { errcode: WechatErrcode.INVALID_GRANT_TYPE, errmsg: `invalid grant_type, ${rid()}` }
    if (input.appid !== options.appId) return { errcode: WechatErrcode.INVALID_APPID, errmsg: `invalid appid, ${rid()}` }
    if (input.secret !== options.appSecret) return { errcode: WechatErrcode.INVALID_APPSECRET, errmsg: `invalid appsecret, ${rid()}` }
    return null
  }

  // The classic call: every call hands out a new token and the previous one stops working after a 5-minute
  // handover (Get_access_token: "旧 access_token 在 5 分钟内仍可使用").
  app.get('/cgi-bin/token', async (request) => {
    const query = request.query as Record<string, string | undefined>
    const problem = credentialsProblem(query) ?? ipProblem(request.ip)
    if (problem) return problem
    const previous = latest.token
    const issued = issue('token')
    if (previous && previous.revokedAt === null) previous.revokedAt = clock.nowS() + HANDOVER_S
    return { access_token: issued.token, expires_in: TOKEN_LIFE_S }
  })

  // The stable call: the same token until 5 minutes before it expires, then a new one (the old one lasting until
  // its expiry); force_refresh replaces it at once.
  app.post('/cgi-bin/stable_token', async (request) => {
    const body = (request.body ?? {}) as { grant_type?: string; appid?: string; secret?: string; force_refresh?: boolean }
    const problem = credentialsProblem(body) ?? ipProblem(request.ip)
    if (problem) return problem
    const current = latest.stable
    let live = current
    if (!current || current.expiresAt - ROTATE_BEFORE_S <= clock.nowS() || body.force_refresh === true) {
      if (current && body.force_refresh === true) current.revokedAt = clock.nowS()
      live = issue('stable')
    }
    return { access_token: live!.token, expires_in: live!.expiresAt - clock.nowS() }
  })

  // The Official Account's daily template quota, settable while running (45009 once today's sends reach it; the
  // count starts again at UTC midnight, as the sandbox keeps no time zone for it): to watch the digest path live.
  app.post('/sandbox/wechat/template-quota', async (request, reply) => {
    const daily = (request.body as { daily?: unknown } | undefined)?.daily
    if (typeof daily !== 'number' || !Number.isInteger(daily) || daily < 0) return reply.status(400).send({ error: 'daily must be a whole number ≥ 0' })
    quota.template = daily
    return { daily, sent_today: sentToday.template.day === today() ? sentToday.template.count : 0 }
  })
  // Every kind's daily quota: {"kind": "template"|"subscribe"|"custom", "daily": n}.
  app.post('/sandbox/wechat/quota', async (request, reply) => {
    const { kind, daily } = (request.body ?? {}) as { kind?: unknown; daily?: unknown }
    if (kind !== 'template' && kind !== 'subscribe' && kind !== 'custom') return reply.status(400).send({ error: 'bad_kind', message: 'kind must be template, subscribe or custom' })
    if (typeof daily !== 'number' || !Number.isInteger(daily) || daily < 0) return reply.status(400).send({ error: 'bad_daily', message: 'daily must be a whole number ≥ 0' })
    quota[kind] = daily
    return { kind, daily, sent_today: sentToday[kind].day === today() ? sentToday[kind].count : 0 }
  })
  // A user's consents to a subscription template, as tapping 允许 in <wx-open-subscribe> gives them (one notice
  // each); 0 is "refused". {"openid", "template_id"?, "credits"}; GET tells how many are left.
  app.post('/sandbox/wechat/subscription', async (request, reply) => {
    const body = (request.body ?? {}) as { openid?: unknown; template_id?: unknown; credits?: unknown }
    const templateId = typeof body.template_id === 'string' ? body.template_id : options.subscribeTemplateIds?.[0]
    if (typeof body.openid !== 'string' || !wechat.user(body.openid)) return reply.status(404).send({ error: 'bad_openid', message: 'no such sandbox WeChat user' })
    if (!templateId) return reply.status(400).send({ error: 'bad_template', message: 'template_id is required' })
    if (typeof body.credits !== 'number' || !Number.isInteger(body.credits) || body.credits < 0 || body.credits > 1000) return reply.status(400).send({ error: 'bad_credits', message: 'credits must be a whole number 0–1000 (0 = refused)' })
    wechat.setCredits(body.openid, templateId, body.credits)
    return { openid: body.openid, template_id: templateId, credits: body.credits }
  })
  app.get('/sandbox/wechat/subscription', async (request) => {
    const { openid = '', template_id: templateId = options.subscribeTemplateIds?.[0] ?? '' } = request.query as { openid?: string; template_id?: string }
    return { openid, template_id: templateId, credits: wechat.credits(openid, templateId), last_interaction: wechat.lastInteraction(openid) }
  })

  app.post('/sandbox/wechat/ip-whitelist', async (request) => {
    const ips = (request.body as { ips?: unknown } | undefined)?.ips
    ipWhitelist = Array.isArray(ips) ? ips.filter((ip): ip is string => typeof ip === 'string') : []
    return { ips: ipWhitelist }
  })

  const liveTicket = () => {
    if (!ticket || ticket.expiresAt - ROTATE_BEFORE_S <= clock.nowS()) ticket = { value: randomBytes(40).toString('base64url'), expiresAt: clock.nowS() + TOKEN_LIFE_S }
    return ticket
  }

  app.get('/cgi-bin/ticket/getticket', async (request) => {
    const query = request.query as { access_token?: string; type?: string }
    const problem = tokenProblem(query.access_token)
    if (problem) return tokenError(problem)
    if (query.type === 'wx_card') {
      // A different ticket from jsapi's: signing wx.config with it fails, as on WeChat.
      if (!cardTicket || cardTicket.expiresAt - ROTATE_BEFORE_S <= clock.nowS()) cardTicket = { value: randomBytes(40).toString('base64url'), expiresAt: clock.nowS() + TOKEN_LIFE_S }
      return { errcode: WechatErrcode.OK, errmsg: 'ok', ticket: cardTicket.value, expires_in: cardTicket.expiresAt - clock.nowS() }
    }
    if (query.type !== 'jsapi') return { errcode: WechatErrcode.INVALID_ARGS, errmsg: `invalid args, ${rid()}` }
    const live = liveTicket()
    return { errcode: WechatErrcode.OK, errmsg: 'ok', ticket: live.value, expires_in: live.expiresAt - clock.nowS() }
  })

  // WeChat replaces tickets on its own schedule; a server that cached the old one signs wrongly until it refetches.
  app.post('/sandbox/wechat/rotate-ticket', async () => {
    ticket = null
    return { ticket: liveTicket().value }
  })

  // For the client stand-in (wechat-bridge.js), which checks wx.config signatures as the WeChat client does.
  app.get('/sandbox/wechat/jsapi-ticket', async (_request, reply) => {
    reply.header('access-control-allow-origin', '*')
    return { ticket: liveTicket().value }
  })

  let menu: { button: MenuButtonInput[] } | null = null
  app.post('/cgi-bin/menu/create', async (request) => {
    const problem = tokenProblem((request.query as { access_token?: string }).access_token)
    if (problem) return tokenError(problem)
    const body = (request.body ?? {}) as { button?: MenuButtonInput[] }
    const invalid = menuProblem(body)
    if (invalid) return { ...invalid, errmsg: `${invalid.errmsg}, ${rid()}` }
    menu = { button: body.button! }
    return { errcode: WechatErrcode.OK, errmsg: 'ok' }
  })
  app.get('/cgi-bin/menu/get', async (request) => {
    const problem = tokenProblem((request.query as { access_token?: string }).access_token)
    if (problem) return tokenError(problem)
    return menu ? { menu: { button: menu.button.map(asServed) } } : { errcode: WechatErrcode.MENU_NOT_EXIST, errmsg: `menu no exist, ${rid()}` }
  })
  app.get('/cgi-bin/menu/delete', async (request) => {
    const problem = tokenProblem((request.query as { access_token?: string }).access_token)
    if (problem) return tokenError(problem)
    menu = null
    return { errcode: WechatErrcode.OK, errmsg: 'ok' }
  })

  // For the sandbox's WeChat page: the menu as created through the API, and one user's conversation.
  app.get('/sandbox/wechat/menu', async () => menu ?? { button: [] })
  app.get('/sandbox/wechat/conversation', async (request, reply) => {
    const { openid } = request.query as { openid?: string }
    if (!openid) return reply.status(400).send({ error: 'bad_openid', message: 'openid is required' })
    const following = wechat.following(openid)
    const messages = wechat.messages(openid)
      .map((row) => ({ id: row.id, kind: row.kind, created_at: row.created_at, ...(JSON.parse(row.body) as object) }))
    return { following, messages }
  })

  // The daily quota of an API as the account's console shows it (openapi/quota/get); the sandbox counts template sends.
  app.post('/cgi-bin/openapi/quota/get', async (request) => {
    const problem = tokenProblem((request.query as { access_token?: string }).access_token)
    if (problem) return tokenError(problem)
    const path = (request.body as { cgi_path?: unknown } | undefined)?.cgi_path
    if (path !== '/cgi-bin/message/template/send') return { errcode: WechatErrcode.INVALID_ARGS, errmsg: `invalid args, cgi_path not found, ${rid()}` }
    const used = sentToday.template.day === today() ? sentToday.template.count : 0
    return { errcode: WechatErrcode.OK, errmsg: 'ok', quota: { daily_limit: quota.template, used, remain: Math.max(0, quota.template - used) } }
  })

  // client_msg_id is WeChat's anti-replay id: the same openid + id within 10 minutes is sent once and answered with
  // the first send's msgid (a worker killed between sending and recording its send, retried by another, doubles nothing).
  const replays = new Map<string, { msgid: number; atS: number }>()
  const REPLAY_WINDOW_S = 600
  app.post('/cgi-bin/message/template/send', async (request) => {
    const problem = tokenProblem((request.query as { access_token?: string }).access_token)
    if (problem) return tokenError(problem)
    const body = (request.body ?? {}) as { touser?: string; template_id?: string; data?: unknown; url?: string; client_msg_id?: unknown }
    const replayKey = typeof body.client_msg_id === 'string' && body.client_msg_id ? `${String(body.touser)}\u0000${body.client_msg_id}` : null
    const replayed = replayKey ? replays.get(replayKey) : undefined
    if (replayed && clock.nowS() - replayed.atS < REPLAY_WINDOW_S) return { errcode: WechatErrcode.OK, errmsg: 'ok', msgid: replayed.msgid }
    const user = typeof body.touser === 'string' ? wechat.user(body.touser) : undefined
    if (!user) return { errcode: WechatErrcode.INVALID_OPENID, errmsg: `invalid openid, ${rid()}` }
    if (!body.template_id || !options.templateIds.includes(body.template_id)) return { errcode: WechatErrcode.INVALID_TEMPLATE_ID, errmsg: `invalid template_id, ${rid()}` }
    if (!wechat.following(user.openid)) return { errcode: WechatErrcode.REQUIRE_SUBSCRIBE, errmsg: `require subscribe, ${rid()}` }
    if (!spend('template')) return quotaError()
    const msgid = wechat.addMessage(user.openid, 'template', { template_id: body.template_id, url: body.url, data: body.data }, clock.nowS())
    if (replayKey) {
      if (replays.size > 10_000) for (const [key, seen] of replays) if (clock.nowS() - seen.atS >= REPLAY_WINDOW_S) replays.delete(key)
      replays.set(replayKey, { msgid, atS: clock.nowS() })
    }
    return { errcode: WechatErrcode.OK, errmsg: 'ok', msgid }
  })

  // Subscription notices reach followers in the chat and others in 服务通知; each takes one of the user's consents.
  app.post('/cgi-bin/message/subscribe/bizsend', async (request) => {
    const problem = tokenProblem((request.query as { access_token?: string }).access_token)
    if (problem) return tokenError(problem)
    const body = (request.body ?? {}) as { touser?: string; template_id?: string; page?: string; data?: unknown }
    const user = typeof body.touser === 'string' ? wechat.user(body.touser) : undefined
    if (!user) return { errcode: WechatErrcode.INVALID_OPENID, errmsg: `invalid openid, ${rid()}` }
    if (!body.template_id || !(options.subscribeTemplateIds ?? []).includes(body.template_id)) return { errcode: WechatErrcode.INVALID_TEMPLATE_ID, errmsg: `invalid template_id, ${rid()}` }
    const invalid = keywordProblem(body.data)
    if (invalid) return { errcode: WechatErrcode.ARGUMENT_INVALID, errmsg: `argument invalid! ${invalid} invalid, ${rid()}` }
    const credits = wechat.credits(user.openid, body.template_id)
    if (credits <= 0) return { errcode: WechatErrcode.USER_REFUSED, errmsg: `user refuse to accept the msg, ${rid()}` }
    if (!spend('subscribe')) return quotaError()
    wechat.setCredits(user.openid, body.template_id, credits - 1)
    wechat.addMessage(user.openid, 'subscribe', { template_id: body.template_id, page: body.page, data: body.data, service_notice: !wechat.following(user.openid) }, clock.nowS())
    return { errcode: WechatErrcode.OK, errmsg: 'ok' }
  })

  // Customer-service messages: text only here (the one kind the vendor sends), inside the user's 48-hour window.
  app.post('/cgi-bin/message/custom/send', async (request) => {
    const problem = tokenProblem((request.query as { access_token?: string }).access_token)
    if (problem) return tokenError(problem)
    const body = (request.body ?? {}) as { touser?: string; msgtype?: string; text?: { content?: unknown } }
    const user = typeof body.touser === 'string' ? wechat.user(body.touser) : undefined
    if (!user) return { errcode: WechatErrcode.INVALID_OPENID, errmsg: `invalid openid, ${rid()}` }
    if (body.msgtype !== 'text') return { errcode: WechatErrcode.INVALID_MESSAGE_TYPE, errmsg: `invalid message type, ${rid()}` }
    if (typeof body.text?.content !== 'string' || body.text.content === '') return { errcode: WechatErrcode.DATA_FORMAT_ERROR, errmsg: `data format error, ${rid()}` }
    const last = wechat.lastInteraction(user.openid)
    if (!wechat.following(user.openid) || last === null || clock.nowS() - last > SERVICE_WINDOW_S) return { errcode: WechatErrcode.RESPONSE_OUT_OF_TIME, errmsg: `response out of time limit or subscription is canceled, ${rid()}` }
    if (!spend('custom')) return quotaError()
    wechat.addMessage(user.openid, 'custom', { content: body.text.content }, clock.nowS())
    return { errcode: WechatErrcode.OK, errmsg: 'ok' }
  })
}

const byteLength = (text: string) => Buffer.byteLength(text)

/**
 * A button as menu/get answers it: WeChat's own fields only, and every button, leaves included, with a
 * `sub_button` array (empty for a leaf; wechatpy tests/fixtures/menu_get.json, the menu/get doc's example).
 */
function asServed(button: MenuButtonInput): Record<string, unknown> {
  const { type, name, key, url, sub_button: children } = button
  return { ...(type ? { type } : {}), name, ...(key ? { key } : {}), ...(url ? { url } : {}), sub_button: (children ?? []).map(asServed) }
}

interface MenuButtonInput { type?: string; name?: string; url?: string; key?: string; sub_button?: MenuButtonInput[] }

/** WeChat's checks of a custom menu, with its error codes (40016–40027). */
function menuProblem(menu: { button?: MenuButtonInput[] }): { errcode: number; errmsg: string } | null {
  const buttons = menu.button
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) return { errcode: WechatErrcode.INVALID_BUTTON_SIZE, errmsg: 'invalid button size' }
  const check = (button: MenuButtonInput, sub: boolean): { errcode: number; errmsg: string } | null => {
    if (!button.name || byteLength(button.name) > (sub ? 60 : 16)) return { errcode: sub ? WechatErrcode.INVALID_SUB_BUTTON_NAME_SIZE : WechatErrcode.INVALID_BUTTON_NAME_SIZE, errmsg: sub ? 'invalid sub button name size' : 'invalid button name size' }
    // An empty sub_button is a leaf: what menu/get answers can be created again as it is.
    if (button.sub_button && button.sub_button.length > 0) {
      if (sub) return { errcode: WechatErrcode.INVALID_SUB_BUTTON_SIZE, errmsg: 'invalid sub button size' }
      if (button.sub_button.length < 1 || button.sub_button.length > 5) return { errcode: WechatErrcode.INVALID_SUB_BUTTON_SIZE, errmsg: 'invalid sub button size' }
      for (const child of button.sub_button) {
        const problem = check(child, true)
        if (problem) return problem
      }
      return null
    }
    if (button.type === 'view') return button.url && byteLength(button.url) <= 1024 && /^https?:\/\//.test(button.url) ? null : { errcode: WechatErrcode.INVALID_BUTTON_URL, errmsg: 'invalid button url domain' }
    if (button.type === 'click') return button.key && byteLength(button.key) <= 128 ? null : { errcode: WechatErrcode.INVALID_BUTTON_KEY_SIZE, errmsg: 'invalid button key size' }
    return { errcode: WechatErrcode.INVALID_BUTTON_TYPE, errmsg: 'invalid button type' }
  }
  for (const button of buttons) {
    const problem = check(button, false)
    if (problem) return problem
  }
  return null
}
