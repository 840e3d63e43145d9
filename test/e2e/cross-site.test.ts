// A page of another site on the same host (another port; in production a sibling subdomain) tries to act for a
// signed-in user, in Chromium, as issue 9 reproduced it: a text/plain form that transfers a device, a form that logs
// the user out, and a WebSocket to the live relay. Cookies are SameSite=Lax, so the browser sends them all: the
// Origin check is what must refuse them, and nothing may change.
import { createServer, type Server } from 'node:http'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium, newPhoneContext, screenshot } from '../support/browser'
import { freePort } from '../support/free-port'
import { startStackProcess, type StackProcess } from '../support/stack-process'

const XIAOMING = 'oDemo_XiaoMing_6fA2kP9sQ1wE'
const LIVING_ROOM_AC = 'gKufzxZwYeyd3Skbsb6mza'

let stack: StackProcess
let browser: Browser
let context: BrowserContext
let page: Page
let evil: Server
let evilUrl: string

function evilPage(bffUrl: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>抽奖</title></head><body>
<h1>恭喜中奖</h1>
<form id="transfer" method="POST" enctype="text/plain" action="${bffUrl}/api/app/sharing/${LIVING_ROOM_AC}/transfer?uid=0123456789abcdef0123456789abcdef">
  <input name='{"x":"' value='1"}'>
</form>
<form id="logout" method="POST" action="${bffUrl}/auth/logout"></form>
<script>
  window.socketOutcome = new Promise((resolve) => {
    const socket = new WebSocket('${bffUrl.replace('http', 'ws')}/ws')
    socket.onopen = () => resolve('open')
    socket.onerror = () => resolve('refused')
  })
</script>
</body></html>`
}

beforeAll(async () => {
  stack = await startStackProcess()
  browser = await launchChromium()
  const port = await freePort()
  evilUrl = `http://localhost:${port}`
  evil = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(evilPage(stack.bffUrl)))
  await new Promise<void>((resolve) => evil.listen(port, '127.0.0.1', resolve))
  context = await newPhoneContext(browser)
  page = await context.newPage()
  // 小明 opens the app: he is signed in, with the session cookie in this browser.
  await page.goto(`${stack.sandboxUrl}/sandbox/wechat/identity?openid=${XIAOMING}&next=${encodeURIComponent(`${stack.bffUrl}/auth/wechat/login?next=%2Fme`)}`)
  // (WeChat's authorize URL ends in #wechat_redirect, and the fragment survives the redirects.)
  await page.waitForURL((url) => url.href.startsWith(stack.bffUrl) && url.pathname === '/me', { timeout: 20_000 })
})

afterAll(async () => {
  await context?.close()
  await browser?.close()
  await new Promise((resolve) => evil?.close(resolve))
  await stack?.stop()
})

const ownerOfLivingRoom = async () =>
  page.evaluate(async (did) => {
    const response = await fetch('/api/app/bindings?limit=100&skip=0')
    const answer = (await response.json()) as { devices?: Array<{ did: string; role: string }> }
    if (!answer.devices) throw new Error(`bindings: ${response.status} ${JSON.stringify(answer)}`)
    const devices = answer.devices
    return devices.find((device) => device.did === did)?.role ?? null
  }, LIVING_ROOM_AC)

describe('a page of another site', () => {
  test('should not transfer a device with a form the browser sends with the user\'s cookie', async () => {
    expect(await ownerOfLivingRoom()).toBe('owner')
    const attacker = await context.newPage()
    await attacker.goto(evilUrl)
    const answer = attacker.waitForResponse((response) => response.url().includes('/transfer'))
    await attacker.evaluate("document.getElementById('transfer').submit()")
    const response = await answer
    expect(response.status()).toBe(403)
    expect(response.request().headers().cookie ?? (await response.request().allHeaders()).cookie).toContain('h5_session=')
    expect(await response.text()).toContain('请求不是从本应用的页面发出的')
    await screenshot(attacker, '91-cross-site-transfer-refused')
    await attacker.close()
    expect(await ownerOfLivingRoom()).toBe('owner')
  })

  test('should not open the live relay for it', async () => {
    const attacker = await context.newPage()
    await attacker.goto(evilUrl)
    expect(await attacker.evaluate('window.socketOutcome')).toBe('refused')
    await attacker.close()
  })

  test('should not log the user out', async () => {
    const attacker = await context.newPage()
    await attacker.goto(evilUrl)
    await attacker.evaluate("document.getElementById('logout').submit()")
    await attacker.waitForURL(`${stack.bffUrl}/auth/logout`)
    expect(await attacker.content()).toContain('请求不是从本应用的页面发出的')
    await attacker.close()
    expect(await page.evaluate(async () => (await fetch('/api/me')).status)).toBe(200)
  })

  test('should still let our own page do all of it', async () => {
    // The app's own requests carry our Origin: a write from the page itself goes through.
    const status = await page.evaluate(async (did) => {
      const response = await fetch(`/api/app/bindings/${did}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ remark: '客厅' }) })
      return response.status
    }, LIVING_ROOM_AC)
    expect(status).toBe(200)
  })
})
