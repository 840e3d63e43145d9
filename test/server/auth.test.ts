import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { safeNext } from '../../server/bff/routes/auth'
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
    const callback = new URL(authorize.headers.get('location')!)
    expect((await fetch(callback, { redirect: 'manual', headers: { cookie: stateCookie } })).status).toBe(302)
    // The same code again under a fresh state of its own, so that only the code is what gets refused.
    const again = await fetch(`${backend.bffUrl}/auth/wechat/login`, { redirect: 'manual' })
    callback.searchParams.set('state', new URL(again.headers.get('location')!).searchParams.get('state')!)
    const freshCookie = again.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ')
    const replay = await fetch(callback, { redirect: 'manual', headers: { cookie: freshCookie } })
    expect(replay.status).toBe(400)
    expect(await replay.text()).toContain('微信登录凭证已失效')
  })

  test('should accept an OAuth state once: a copied state cookie replayed with a fresh code is refused', async () => {
    const login = await fetch(`${backend.bffUrl}/auth/wechat/login`, { redirect: 'manual' })
    const stateCookie = login.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ')
    const authorizeUrl = login.headers.get('location')!
    const callbackWithNewCode = async () => (await fetch(authorizeUrl, { redirect: 'manual', headers: { cookie: `sbx_wechat_openid=${FIRST_USER}` } })).headers.get('location')!
    const first = await fetch(await callbackWithNewCode(), { redirect: 'manual', headers: { cookie: stateCookie } })
    expect(first.status).toBe(302)
    expect(first.headers.getSetCookie().join()).toContain('h5_session=')
    // The sandbox hands out a new code for the same state, as WeChat does for a second visit to authorize.
    const replay = await fetch(await callbackWithNewCode(), { redirect: 'manual', headers: { cookie: stateCookie } })
    expect(replay.status).toBe(400)
    expect(replay.headers.getSetCookie().join()).not.toContain('h5_session=')
    expect(await replay.text()).toContain('登录已失效，请重新进入')
  })

  test('should only return to paths of our own origin', () => {
    expect(safeNext('/devices/abc?x=1')).toBe('/devices/abc?x=1')
    expect(safeNext('/devices/abc?x=1#top')).toBe('/devices/abc?x=1#top')
    expect(safeNext('/%09/evil.example')).toBe('/%09/evil.example') // an encoded tab stays inside a path on our origin
    expect(safeNext('/设备?名=值#段')).toBe('/%E8%AE%BE%E5%A4%87?%E5%90%8D=%E5%80%BC#%E6%AE%B5')
    expect(safeNext('/a b"<x>')).toBe('/a%20b%22%3Cx%3E')
    const hostile = [
      undefined, '', 'devices', '//evil.com', '///evil.com', '/\\evil.com', '\\/evil.com', '/\\/evil.com', 'https://evil.com', 'https:evil.com',
      'http:/evil.com', 'javascript:alert(1)', '/\t/evil.example', '\t//evil.example', '/\n/evil.example', '/\r/evil.example', '/\v/evil.example',
      '/\f/evil.example', '/\u0000/evil.example', '/\u007f/evil.example', '/\u0085/evil.example', '/x\r\nSet-Cookie: a=b', '/.//evil.com', '/./\\evil.com',
      '/..//evil.com', `/${'a'.repeat(3000)}`, `/${'设'.repeat(700)}`, ' /evil', '/\u3000/evil', '//\u200b@evil.com',
    ]
    for (const bad of hostile) {
      const result = safeNext(bad)
      // Whatever comes back stays on our origin when a browser resolves it, and is a valid header value.
      expect(new URL(result, 'https://ours.example').origin, JSON.stringify(bad)).toBe('https://ours.example')
      expect(result, JSON.stringify(bad)).toMatch(/^\/(?![/\\])[\x21-\x7e]*$/)
    }
    for (const bad of [undefined, '//evil.com', '/\\evil.com', 'https://evil.com', 'https:evil.com', 'devices', '/\t/evil.example', '/\v/x', '/x\r\nSet-Cookie: a=b', '/.//evil.com', `/${'a'.repeat(3000)}`, `/${'设'.repeat(700)}`]) {
      expect(safeNext(bad), JSON.stringify(bad)).toBe('/')
    }
  })

  test('should finish the login on one of our paths whatever next was, never with a 500', async () => {
    for (const [next, landing] of [['/\t/evil.example', '/'], ['/\v/evil.example', '/'], ['/\\evil.example', '/'], ['/.//evil.example', '/'], ['/设备/é', '/%E8%AE%BE%E5%A4%87/%C3%A9']]) {
      const start = `${backend.bffUrl}/auth/wechat/login?next=${encodeURIComponent(next)}`
      const login = await fetch(start, { redirect: 'manual' })
      const stateCookie = login.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ')
      const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual', headers: { cookie: `sbx_wechat_openid=${FIRST_USER}` } })
      const callback = await fetch(authorize.headers.get('location')!, { redirect: 'manual', headers: { cookie: stateCookie } })
      expect(callback.status, JSON.stringify(next)).toBe(302)
      expect(callback.headers.get('location'), JSON.stringify(next)).toBe(landing)
    }
  })

  test('should report health', async () => {
    const response = await backend.app.inject({ url: '/healthz' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({ status: 'ok' })
  })
})
