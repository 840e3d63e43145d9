import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { safeNext } from '../../server/routes/auth'
import { DEMO_WECHAT_APP_ID } from '../../server/sandbox/demo-defaults'
import { body, FIRST_USER, startBackend, type Backend } from '../support/backend'
import { loginThroughSandbox } from '../support/login'

let backend: Backend
beforeAll(async () => {
  backend = await startBackend()
})
afterAll(async () => {
  await backend.close()
})

describe('silent WeChat login', () => {
  test('should send the browser to WeChat with the parameters in WeChat\'s order and a signed state cookie', async () => {
    const response = await fetch(`${backend.bffUrl}/auth/wechat/login?next=/devices/x`, { redirect: 'manual' })
    expect(response.status).toBe(302)
    const location = response.headers.get('location')!
    const redirect = encodeURIComponent(`${backend.bffUrl}/auth/wechat/callback`)
    expect(location).toMatch(new RegExp(`^${backend.sandbox.url}/connect/oauth2/authorize\\?appid=${DEMO_WECHAT_APP_ID}&redirect_uri=${redirect.replace(/%/g, '%')}&response_type=code&scope=snsapi_base&state=[0-9a-f]{32}#wechat_redirect$`))
    expect(response.headers.get('set-cookie')).toMatch(/h5_oauth_state=.+HttpOnly/)
  })

  test('should log in, then answer /api/me', async () => {
    const cookie = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
    const me = await fetch(`${backend.bffUrl}/api/me`, { headers: { cookie } })
    expect(me.status).toBe(200)
    expect(await body(me)).toMatchObject({ openid: FIRST_USER, uid: expect.stringMatching(/^[0-9a-f]{32}$/) })
  })

  test('should answer 401 with a message in the user\'s language without a session', async () => {
    const zh = await backend.app.inject({ url: '/api/me' })
    expect(zh.statusCode).toBe(401)
    expect(zh.json()).toMatchObject({ error_code: 'not_logged_in', message: '请先登录' })
    const en = await backend.app.inject({ url: '/api/me', headers: { 'accept-language': 'en-US,en;q=0.9' } })
    expect(en.json().message).toBe('Please log in first')
  })

  test('should refuse a callback whose state does not match, with a page to try again', async () => {
    const response = await backend.app.inject({ url: '/auth/wechat/callback?code=abc&state=forged' })
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toContain('text/html')
    expect(response.body).toContain('/auth/wechat/login')
  })

  test('should not exchange the same code twice', async () => {
    const login = await fetch(`${backend.bffUrl}/auth/wechat/login`, { redirect: 'manual' })
    const stateCookie = login.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ')
    const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual', headers: { cookie: `sbx_wechat_openid=${FIRST_USER}` } })
    const callback = authorize.headers.get('location')!
    expect((await fetch(callback, { redirect: 'manual', headers: { cookie: stateCookie } })).status).toBe(302)
    const replay = await fetch(callback, { redirect: 'manual', headers: { cookie: stateCookie } })
    expect(replay.status).toBe(400)
    expect(await replay.text()).toContain('微信登录凭证已失效')
  })

  test('should only return to paths of our own origin', () => {
    expect(safeNext('/devices/abc?x=1')).toBe('/devices/abc?x=1')
    for (const bad of ['//evil.com', '/\\evil.com', 'https://evil.com', 'devices', undefined, '/x\r\nSet-Cookie: a=b']) expect(safeNext(bad)).toBe('/')
  })

  test('should report health', async () => {
    const response = await backend.app.inject({ url: '/healthz' })
    expect(response.json()).toMatchObject({ status: 'ok' })
  })
})
