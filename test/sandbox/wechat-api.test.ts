// The sandbox's api.weixin.qq.com as WeChat libraries call it (issue 12), written from the docs and wechatpy's
// fixtures (tests/fixtures/token.json, menu_get.json, sns_oauth2_refresh_token.json, sns_userinfo.json, sns_auth.json):
// cgi-bin/token beside stable_token, menu/get's sub_button, web OAuth refresh and userinfo, HTTP 200 with errcode.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { DEMO_WECHAT_APP_ID, DEMO_WECHAT_APP_SECRET } from '../../server/sandbox/demo-defaults'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { FIRST_USER, startTestSandbox } from '../support/backend'

let sandbox: Sandbox

/** Every WeChat API answer is HTTP 200 JSON, errors included; this returns its body. */
async function wechat(path: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
  const response = await fetch(`${sandbox.url}${path}`, init)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toContain('application/json')
  return (await response.json()) as Record<string, unknown>
}
const classicToken = (params: Record<string, string> = {}) =>
  wechat(`/cgi-bin/token?${new URLSearchParams({ grant_type: 'client_credential', appid: DEMO_WECHAT_APP_ID, secret: DEMO_WECHAT_APP_SECRET, ...params })}`)
const stableToken = (extra: Record<string, unknown> = {}) =>
  wechat('/cgi-bin/stable_token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credential', appid: DEMO_WECHAT_APP_ID, secret: DEMO_WECHAT_APP_SECRET, ...extra }) })
const ticketWith = (token: unknown, type = 'jsapi') => wechat(`/cgi-bin/ticket/getticket?access_token=${String(token)}&type=${type}`)
const advance = (seconds: number) => fetch(`${sandbox.url}/sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance_s: seconds }) })

beforeEach(async () => {
  sandbox = await startTestSandbox()
})
afterEach(async () => {
  await sandbox.close()
})

describe('cgi-bin/token beside cgi-bin/stable_token', () => {
  test('should answer {access_token, expires_in} and check grant_type, appid and secret with 40002, 40013, 40125', async () => {
    const answer = await classicToken()
    expect(Object.keys(answer).sort()).toEqual(['access_token', 'expires_in'])
    expect(answer.expires_in).toBe(7200)
    expect(await classicToken({ grant_type: 'authorization_code' })).toMatchObject({ errcode: 40002 })
    expect(await classicToken({ appid: 'wx0000000000000000' })).toMatchObject({ errcode: 40013 })
    expect(await classicToken({ secret: 'wrong' })).toMatchObject({ errcode: 40125, errmsg: expect.stringContaining('rid: ') })
  })

  test('should let a new token call retire the previous token after 5 minutes, and leave stable tokens alone', async () => {
    const stable = (await stableToken()).access_token
    const first = (await classicToken()).access_token
    const second = (await classicToken()).access_token
    expect(second).not.toBe(first)
    expect(first).not.toBe(stable)
    expect(await ticketWith(first)).toMatchObject({ errcode: 0 })
    await advance(301)
    expect(await ticketWith(first)).toMatchObject({ errcode: 40001 })
    expect(await ticketWith(second)).toMatchObject({ errcode: 0 })
    expect(await ticketWith(stable)).toMatchObject({ errcode: 0 })
    expect((await stableToken()).access_token).toBe(stable)
    await advance(7200)
    expect(await ticketWith(second)).toMatchObject({ errcode: 42001 })
  })

  test('should let stable_token force_refresh retire the stable token at once, and leave classic tokens alone', async () => {
    const classic = (await classicToken()).access_token
    const stable = (await stableToken()).access_token
    const forced = (await stableToken({ force_refresh: true })).access_token
    expect(forced).not.toBe(stable)
    expect(await ticketWith(stable)).toMatchObject({ errcode: 40001 })
    expect(await ticketWith(forced)).toMatchObject({ errcode: 0 })
    expect(await ticketWith(classic)).toMatchObject({ errcode: 0 })
    expect(await ticketWith('')).toMatchObject({ errcode: 41001 })
  })

  test('should refuse callers outside the IP whitelist with 40164, on both calls', async () => {
    await fetch(`${sandbox.url}/sandbox/wechat/ip-whitelist`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ips: ['10.1.2.3'] }) })
    expect(await classicToken()).toMatchObject({ errcode: 40164, errmsg: expect.stringContaining('not in whitelist') })
    expect(await stableToken()).toMatchObject({ errcode: 40164 })
    await fetch(`${sandbox.url}/sandbox/wechat/ip-whitelist`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ips: ['127.0.0.1'] }) })
    expect(await classicToken()).toHaveProperty('access_token')
  })

  test('should hand out a wx_card ticket different from the jsapi ticket', async () => {
    const { access_token: token } = await stableToken()
    const jsapi = await ticketWith(token)
    const card = await ticketWith(token, 'wx_card')
    expect(Object.keys(jsapi).sort()).toEqual(['errcode', 'errmsg', 'expires_in', 'ticket'])
    expect(card).toMatchObject({ errcode: 0, errmsg: 'ok' })
    expect(card.ticket).not.toBe(jsapi.ticket)
  })
})

describe('custom menu answers', () => {
  test('should read every button back with sub_button, [] for a leaf (wechatpy menu_get.json)', async () => {
    const { access_token: token } = await stableToken()
    const created = await wechat(`/cgi-bin/menu/create?access_token=${String(token)}`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ button: [{ type: 'click', name: 'test', key: 'test' }, { name: '更多', sub_button: [{ type: 'view', name: '搜索', url: 'http://www.soso.com/' }] }] }),
    })
    expect(created).toEqual({ errcode: 0, errmsg: 'ok' })
    expect(await wechat(`/cgi-bin/menu/get?access_token=${String(token)}`)).toEqual({
      menu: { button: [{ type: 'click', name: 'test', key: 'test', sub_button: [] }, { name: '更多', sub_button: [{ type: 'view', name: '搜索', url: 'http://www.soso.com/', sub_button: [] }] }] },
    })
  })

  test('should answer a body it cannot parse with HTTP 200 and 47001', async () => {
    const { access_token: token } = await stableToken()
    expect(await wechat(`/cgi-bin/menu/create?access_token=${String(token)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"button":' })).toMatchObject({ errcode: 47001 })
  })
})

describe('web OAuth: refresh_token, userinfo, auth', () => {
  async function tokensFor(scope: 'snsapi_base' | 'snsapi_userinfo') {
    const query = new URLSearchParams({ appid: DEMO_WECHAT_APP_ID, redirect_uri: 'http://localhost:8080/cb', response_type: 'code', scope, state: 'abc' })
    const redirect = await fetch(`${sandbox.url}/connect/oauth2/authorize?${query}`, { redirect: 'manual', headers: { cookie: `sbx_wechat_openid=${FIRST_USER}` } })
    const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!
    return wechat(`/sns/oauth2/access_token?${new URLSearchParams({ appid: DEMO_WECHAT_APP_ID, secret: DEMO_WECHAT_APP_SECRET, code, grant_type: 'authorization_code' })}`) as Promise<{ access_token: string; refresh_token: string; openid: string; scope: string }>
  }
  const refresh = (refreshToken: string, params: Record<string, string> = {}) =>
    wechat(`/sns/oauth2/refresh_token?${new URLSearchParams({ appid: DEMO_WECHAT_APP_ID, grant_type: 'refresh_token', refresh_token: refreshToken, ...params })}`)
  const userinfo = (token: string, openid = FIRST_USER) => wechat(`/sns/userinfo?${new URLSearchParams({ access_token: token, openid, lang: 'zh_CN' })}`)

  test('should give the sandbox user nickname and avatar to a snsapi_userinfo token, in the documented shape', async () => {
    const tokens = await tokensFor('snsapi_userinfo')
    expect(tokens.scope).toBe('snsapi_userinfo')
    const info = await userinfo(tokens.access_token)
    expect(info).toEqual({ openid: FIRST_USER, nickname: '小明', sex: 0, province: '', city: '', country: '', headimgurl: expect.stringMatching(/\/132$/), privilege: [] })
    const avatar = await fetch(info.headimgurl as string)
    expect(avatar.status).toBe(200)
    expect(avatar.headers.get('content-type')).toContain('image/svg+xml')
    expect(await userinfo(tokens.access_token, 'oSomeoneElse')).toMatchObject({ errcode: 40003 })
    expect(await userinfo('not-a-token')).toMatchObject({ errcode: 40001 })
  })

  test('should refuse userinfo to a snsapi_base token with 48001', async () => {
    const tokens = await tokensFor('snsapi_base')
    expect(await userinfo(tokens.access_token)).toMatchObject({ errcode: 48001, errmsg: expect.stringContaining('api unauthorized') })
  })

  test('should refresh: same token renewed before expiry, a new one after, the refresh_token itself for 30 days', async () => {
    const tokens = await tokensFor('snsapi_userinfo')
    const renewed = await refresh(tokens.refresh_token)
    expect(Object.keys(renewed).sort()).toEqual(['access_token', 'expires_in', 'openid', 'refresh_token', 'scope'])
    expect(renewed).toMatchObject({ access_token: tokens.access_token, expires_in: 7200, refresh_token: tokens.refresh_token, openid: FIRST_USER, scope: 'snsapi_userinfo' })
    await advance(7300)
    expect(await userinfo(tokens.access_token)).toMatchObject({ errcode: 42001 })
    const fresh = await refresh(tokens.refresh_token)
    expect(fresh.access_token).not.toBe(tokens.access_token)
    expect(await userinfo(fresh.access_token as string)).toMatchObject({ nickname: '小明' })
    expect(await wechat(`/sns/auth?access_token=${String(fresh.access_token)}&openid=${FIRST_USER}`)).toEqual({ errcode: 0, errmsg: 'ok' })
    expect(await wechat(`/sns/auth?access_token=${tokens.access_token}&openid=${FIRST_USER}`)).toMatchObject({ errcode: 40001 })
    expect(await refresh('made-up')).toMatchObject({ errcode: 40030 })
    expect(await refresh(tokens.refresh_token, { appid: 'wx0000000000000000' })).toMatchObject({ errcode: 40013 })
    expect(await refresh(tokens.refresh_token, { grant_type: 'authorization_code' })).toMatchObject({ errcode: 40002 })
    await advance(30 * 24 * 3600)
    expect(await refresh(tokens.refresh_token)).toMatchObject({ errcode: 42002 })
  })
})
