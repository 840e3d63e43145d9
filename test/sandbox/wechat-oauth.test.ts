import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { DEMO_WECHAT_APP_ID, DEMO_WECHAT_APP_SECRET } from '../../server/sandbox/demo-defaults'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { body, FIRST_USER, startTestSandbox } from '../support/backend'

let sandbox: Sandbox

function authorize(params: Record<string, string>, cookie?: string) {
  const query = new URLSearchParams({ appid: DEMO_WECHAT_APP_ID, redirect_uri: 'http://localhost:8080/auth/wechat/callback', response_type: 'code', scope: 'snsapi_base', state: 'abc123', ...params })
  return fetch(`${sandbox.url}/connect/oauth2/authorize?${query}`, { redirect: 'manual', headers: cookie ? { cookie } : {} })
}

async function codeFor(openid: string): Promise<string> {
  const response = await authorize({}, `sbx_wechat_openid=${openid}`)
  expect(response.status).toBe(302)
  const target = new URL(response.headers.get('location')!)
  expect(target.origin + target.pathname).toBe('http://localhost:8080/auth/wechat/callback')
  expect(target.searchParams.get('state')).toBe('abc123')
  return target.searchParams.get('code')!
}

const exchange = (code: string, secret = DEMO_WECHAT_APP_SECRET) =>
  fetch(`${sandbox.url}/sns/oauth2/access_token?${new URLSearchParams({ appid: DEMO_WECHAT_APP_ID, secret, code, grant_type: 'authorization_code' })}`).then(body)

beforeEach(async () => {
  sandbox = await startTestSandbox()
})
afterEach(async () => {
  await sandbox.close()
})

describe('WeChat OAuth stand-in', () => {
  test('should ask who is in WeChat when nobody is', async () => {
    const response = await authorize({})
    expect(response.status).toBe(200)
    const html = await response.text()
    for (const nickname of ['小明', '小红', '老王']) expect(html).toContain(nickname)
  })

  test('should be silent with snsapi_base for the user in WeChat, and give their openid once per code', async () => {
    const code = await codeFor(FIRST_USER)
    expect(await exchange(code)).toMatchObject({ openid: FIRST_USER, scope: 'snsapi_base', expires_in: 7200 })
    expect(await exchange(code)).toMatchObject({ errcode: 40163 })
    expect(await exchange('made-up')).toMatchObject({ errcode: 40029 })
    expect(await exchange(await codeFor(FIRST_USER), 'wrong')).toMatchObject({ errcode: 40125 })
  })

  test('should refuse redirects outside the authorised domain and unknown scopes', async () => {
    expect(await (await authorize({ redirect_uri: 'https://evil.example/cb' }, `sbx_wechat_openid=${FIRST_USER}`)).text()).toContain('10003')
    expect(await (await authorize({ scope: 'snsapi_login' }, `sbx_wechat_openid=${FIRST_USER}`)).text()).toContain('10005')
    expect(await (await authorize({ state: '' }, `sbx_wechat_openid=${FIRST_USER}`)).text()).toContain('10013')
  })

  test('should set the identity cookie and list demo users', async () => {
    const users = (await (await fetch(`${sandbox.url}/sandbox/users`)).json()) as Array<{ openid: string; nickname: string }>
    expect(users[0]).toEqual({ openid: FIRST_USER, nickname: '小明' })
    const response = await fetch(`${sandbox.url}/sandbox/wechat/identity?openid=${FIRST_USER}&next=${encodeURIComponent('http://localhost:8080/')}`, { redirect: 'manual' })
    expect(response.status).toBe(302)
    expect(response.headers.get('set-cookie')).toContain(`sbx_wechat_openid=${FIRST_USER}`)
    expect((await fetch(`${sandbox.url}/sandbox/wechat/identity?openid=nobody`)).status).toBe(404)
  })
})
