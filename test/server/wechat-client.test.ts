import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { DEMO_ALERT_TEMPLATE_ID, DEMO_WECHAT_APP_ID, DEMO_WECHAT_APP_SECRET } from '../../server/sandbox/demo-defaults'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { AccessTokenSource, wechatCall } from '../../server/bff/wechat/access-token'
import { WeChatApiError } from '../../server/bff/wechat/errors'
import { JsapiTicketSource } from '../../server/bff/wechat/jsapi-ticket'
import { jssdkSignature, messageSignature, pushSignature } from '../../server/bff/wechat/signatures'
import { sendTemplateMessage, TemplateMessageError } from '../../server/bff/wechat/template-message'
import { memoryTokenCache } from '../../server/bff/wechat/token-cache'
import { FIRST_USER, body, startBackend, startTestSandbox, type Backend } from '../support/backend'

describe('signatures', () => {
  test('should match the JS-SDK vector of WeChat\'s documentation, ignoring the #fragment', () => {
    const ticket = 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg'
    expect(jssdkSignature(ticket, 'Wm3WZYTPz0wzccnW', 1414587457, 'http://mp.weixin.qq.com?params=value')).toBe('0f9de62fce790f9a083d5c99e95740ceb90c27ed')
    expect(jssdkSignature(ticket, 'Wm3WZYTPz0wzccnW', 1414587457, 'http://mp.weixin.qq.com?params=value#/x')).toBe('0f9de62fce790f9a083d5c99e95740ceb90c27ed')
  })

  test('should sort the push signature\'s parts before hashing them', () => {
    const sha1 = (text: string) => createHash('sha1').update(text).digest('hex')
    expect(pushSignature('token', '1700000000', 'nonce')).toBe(sha1('1700000000noncetoken'))
    expect(messageSignature('token', '1700000000', 'nonce', 'ABC')).toBe(sha1('1700000000ABCnoncetoken'))
  })
})

describe('access token against a stand-in that counts calls', () => {
  let server: Server
  let base: string
  let issued: string[]
  let failNext: number | null

  beforeEach(async () => {
    issued = []
    failNext = null
    server = createServer((request, response) => {
      let raw = ''
      request.on('data', (chunk) => (raw += chunk))
      request.on('end', async () => {
        if (request.url === '/cgi-bin/stable_token') {
          await new Promise((resolve) => setTimeout(resolve, 20))
          const token = `token-${issued.length + 1}${JSON.parse(raw).force_refresh ? '-forced' : ''}`
          issued.push(token)
          return response.end(JSON.stringify({ access_token: token, expires_in: 7200 }))
        }
        if (request.url?.startsWith('/api')) {
          const token = new URL(request.url, 'http://x').searchParams.get('access_token')
          if (failNext !== null && token !== issued[issued.length - 1]) return response.end(JSON.stringify({ errcode: 40001, errmsg: 'invalid credential, rid: 1' }))
          if (failNext !== null && failNext-- > 0) return response.end(JSON.stringify({ errcode: 40001, errmsg: 'invalid credential, rid: 2' }))
          return response.end(JSON.stringify({ errcode: 0, errmsg: 'ok', token }))
        }
        response.statusCode = 404
        response.end('{}')
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  })
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())))

  const source = (now = Date.now) => new AccessTokenSource({ appId: 'wx1', appSecret: 's', apiBase: base }, memoryTokenCache(), now)

  test('should fetch once for twenty callers at the same time, then serve from the cache', async () => {
    const tokens = source()
    const results = await Promise.all(Array.from({ length: 20 }, () => tokens.token()))
    expect(new Set(results)).toEqual(new Set(['token-1']))
    expect(await tokens.token()).toBe('token-1')
    expect(issued).toEqual(['token-1'])
  })

  test('should fetch a new token shortly before the old one expires', async () => {
    let now = 1_000_000
    const tokens = source(() => now)
    await tokens.token()
    now += 7200_000 - 4 * 60_000
    expect(await tokens.token()).toBe('token-2')
  })

  test('should force one refresh when WeChat calls the cached token stale, and not loop', async () => {
    const tokens = source()
    failNext = 1
    const result = await tokens.withToken((token) => wechatCall<{ token: string }>(`${base}/api?access_token=${token}`))
    expect(result.token).toBe('token-2-forced')
    failNext = 5
    await expect(tokens.withToken((token) => wechatCall(`${base}/api?access_token=${token}`))).rejects.toBeInstanceOf(WeChatApiError)
    expect(issued).toEqual(['token-1', 'token-2-forced', 'token-3-forced'])
  })
})

describe('WeChat platform on the sandbox', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startTestSandbox({ dailyTemplateQuota: 2 })
  })
  afterAll(async () => {
    await sandbox.close()
  })

  const tokens = () => new AccessTokenSource({ appId: DEMO_WECHAT_APP_ID, appSecret: DEMO_WECHAT_APP_SECRET, apiBase: sandbox.url }, memoryTokenCache())

  test('should get the same stable token until forced, and refuse a wrong secret', async () => {
    const first = await tokens().token()
    expect(await tokens().token()).toBe(first)
    const wrong = new AccessTokenSource({ appId: DEMO_WECHAT_APP_ID, appSecret: 'nope', apiBase: sandbox.url }, memoryTokenCache())
    await expect(wrong.token()).rejects.toMatchObject({ errcode: 40125 })
  })

  test('should sign wx.config with the sandbox\'s own ticket', async () => {
    const accessToken = tokens()
    const config = await new JsapiTicketSource(DEMO_WECHAT_APP_ID, () => sandbox.url, accessToken, memoryTokenCache()).configFor('http://localhost:8080/devices?x=1#top')
    const { ticket } = await wechatCall<{ ticket: string }>(`${sandbox.url}/cgi-bin/ticket/getticket?access_token=${await accessToken.token()}&type=jsapi`)
    expect(config.signature).toBe(jssdkSignature(ticket, config.nonceStr, config.timestamp, 'http://localhost:8080/devices?x=1'))
  })

  test('should send template messages and name WeChat\'s refusals', async () => {
    const accessToken = tokens()
    const message = { touser: FIRST_USER, template_id: DEMO_ALERT_TEMPLATE_ID, data: { thing1: { value: '客厅空调' } } }
    expect((await sendTemplateMessage(sandbox.url, accessToken, message)).msgid).toBeGreaterThan(0)
    await expect(sendTemplateMessage(sandbox.url, accessToken, { ...message, template_id: 'nope' })).rejects.toMatchObject({ kind: 'bad_template', errcode: 40037 })
    await expect(sendTemplateMessage(sandbox.url, accessToken, { ...message, touser: 'nobody' })).rejects.toMatchObject({ kind: 'bad_openid' })
    await sendTemplateMessage(sandbox.url, accessToken, message)
    const quota = sendTemplateMessage(sandbox.url, accessToken, message)
    await expect(quota).rejects.toBeInstanceOf(TemplateMessageError)
    await expect(quota).rejects.toMatchObject({ kind: 'quota', errcode: 45009 })
  })
})

describe('GET /api/wechat/jssdk-config', () => {
  let backend: Backend
  beforeAll(async () => {
    backend = await startBackend()
  })
  afterAll(async () => {
    await backend.close()
  })

  test('should sign our own pages only', async () => {
    const own = await fetch(`${backend.bffUrl}/api/wechat/jssdk-config?url=${encodeURIComponent(`${backend.bffUrl}/devices/x?y=1#z`)}`)
    expect(own.status).toBe(200)
    expect(await body(own)).toMatchObject({ appId: DEMO_WECHAT_APP_ID, signature: expect.stringMatching(/^[0-9a-f]{40}$/) })
    const foreign = await fetch(`${backend.bffUrl}/api/wechat/jssdk-config?url=${encodeURIComponent('https://evil.example/')}`)
    expect(foreign.status).toBe(400)
    expect(await body(foreign)).toMatchObject({ error_code: 'url_not_ours', message: '只能为本应用的页面签名' })
    expect((await fetch(`${backend.bffUrl}/api/wechat/jssdk-config?url=not-a-url`)).status).toBe(400)
  })

  test('should sign with a fresh ticket when a page reports its signature was refused', async () => {
    const page = `${backend.bffUrl}/scan`
    await fetch(`${backend.bffUrl}/api/wechat/jssdk-config?url=${encodeURIComponent(page)}`)
    const { ticket } = (await (await fetch(`${backend.sandbox.url}/sandbox/wechat/rotate-ticket`, { method: 'POST' })).json()) as { ticket: string }
    const stale = await body(await fetch(`${backend.bffUrl}/api/wechat/jssdk-config?url=${encodeURIComponent(page)}`))
    expect(stale.signature).not.toBe(jssdkSignature(ticket, stale.nonceStr as string, stale.timestamp as number, page))
    const fresh = await body(await fetch(`${backend.bffUrl}/api/wechat/jssdk-config?url=${encodeURIComponent(page)}&refresh=1`))
    expect(fresh.signature).toBe(jssdkSignature(ticket, fresh.nonceStr as string, fresh.timestamp as number, page))
  })
})
