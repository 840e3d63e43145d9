// Errors a person understands (issue 11 §5), in Chromium against the real product, with the test making the BFF
// fail, hang or unreachable for this browser only (Playwright's request routing; a proxy that holds the live
// socket's handshake, test/support/hold-proxy.ts): a gateway's 502 reads as words, not "HTTP 502"; a failed
// pull-to-refresh says so and dates what is shown; a live link that never opens shows "正在连接…" and then gives
// up with a retry; a hung backend gives up with a retry instead of spinning; retry buttons sit in the middle.
import type { Browser, BrowserContext, Page, Route } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { enterAs, launchChromium, newPhoneContext, screenshot } from '../support/browser'
import { startHoldProxy } from '../support/hold-proxy'
import { startStackProcess, type StackProcess } from '../support/stack-process'

const XIAOMING = 'oDemo_XiaoMing_6fA2kP9sQ1wE'
const LIVING_ROOM_AC = 'gKufzxZwYeyd3Skbsb6mza'
const GATEWAY_502 = { status: 502, contentType: 'text/html', body: '<html><body><center><h1>502 Bad Gateway</h1></center></body></html>' }

let stack: StackProcess
let browser: Browser
const contexts: BrowserContext[] = []

/** A signed-in phone that has not opened the app yet, so a test can break things before the first request. */
async function phoneOf(openid: string, bffUrl = stack.bffUrl): Promise<Page> {
  const context = await newPhoneContext(browser)
  contexts.push(context)
  const page = await context.newPage()
  // Sign in on a page that is not the app, so the app's first load happens under the test's conditions.
  await page.goto(`${stack.sandboxUrl}/sandbox/wechat/identity?openid=${openid}&next=${encodeURIComponent(`${bffUrl}/healthz`)}`)
  await page.waitForURL((url) => url.href.startsWith(bffUrl))
  await page.goto(`${bffUrl}/auth/wechat/login?next=${encodeURIComponent('/healthz')}`)
  expect(new URL(page.url()).pathname).toBe('/healthz')
  expect((await page.context().cookies(bffUrl)).some((cookie) => cookie.name === 'h5_session')).toBe(true)
  return page
}

/** Whether an element sits in the middle of the 375 px screen (±2 px). */
async function centred(page: Page, selector: string): Promise<boolean> {
  const box = (await page.locator(selector).boundingBox())!
  return Math.abs(box.x + box.width / 2 - 375 / 2) <= 2
}

/** A finger pulling the list down, as van-pull-refresh needs: real touch events through CDP. */
async function pullDown(page: Page) {
  const cdp = await page.context().newCDPSession(page)
  const point = (y: number) => [{ x: 187, y }]
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: point(150) })
  for (let y = 170; y <= 450; y += 20) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: point(y) })
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
  await cdp.detach()
}

beforeAll(async () => {
  stack = await startStackProcess()
  browser = await launchChromium()
})

afterAll(async () => {
  for (const context of contexts) await context.close()
  await browser?.close()
  await stack?.stop()
})

describe('errors a person understands', () => {
  test('should explain a gateway\'s 502 in words, with a retry in the middle that recovers', async () => {
    const page = await phoneOf(XIAOMING)
    await page.route('**/api/app/bindings?**', (route) => route.fulfill(GATEWAY_502))
    await page.goto(`${stack.bffUrl}/`)
    const failure = page.locator('[data-list-error]')
    await failure.waitFor({ timeout: 15_000 })
    const text = await failure.innerText()
    expect(text).toContain('服务暂时不可用')
    expect(text).not.toMatch(/HTTP|502/)
    expect(await centred(page, '[data-list-retry]')).toBe(true)
    await screenshot(page, '120-list-502')

    await page.unroute('**/api/app/bindings?**')
    await page.locator('[data-list-retry]').click()
    await page.locator(`[data-did="${LIVING_ROOM_AC}"]`).waitFor({ timeout: 10_000 })
  })

  test('should say when a pull-to-refresh fails, and date the values still shown', async () => {
    const page = await phoneOf(XIAOMING)
    await page.goto(`${stack.bffUrl}/`)
    await page.locator(`[data-did="${LIVING_ROOM_AC}"]`).waitFor({ timeout: 15_000 })
    expect(await page.locator('[data-stale]').count()).toBe(0)

    await page.route('**/api/app/bindings?**', (route) => route.fulfill(GATEWAY_502))
    await pullDown(page)
    await expect.poll(() => page.locator('.van-toast').innerText(), { timeout: 10_000 }).toMatch(/^刷新失败：服务暂时不可用/)
    await expect.poll(() => page.locator('[data-stale]').innerText()).toMatch(/^数据更新于 \d\d:\d\d$/)
    await screenshot(page, '121-refresh-failed')

    await page.unroute('**/api/app/bindings?**')
    await pullDown(page)
    await expect.poll(() => page.locator('[data-stale]').count(), { timeout: 10_000 }).toBe(0)
  })

  test('should show "正在连接…" while the live link does not open, then give up with a retry', async () => {
    const proxy = await startHoldProxy(stack.bffUrl)
    const page = await phoneOf(XIAOMING, proxy.url)
    proxy.holdSockets(true)
    await page.goto(`${proxy.url}/`)
    await page.locator('[data-banner="connecting"]').waitFor({ timeout: 15_000 })
    expect(await page.locator(`[data-did="${LIVING_ROOM_AC}"]`).innerText()).not.toContain('°C')
    expect(await page.locator('[data-banner="connecting"]').innerText()).toContain('正在连接…')
    await screenshot(page, '122-connecting')

    const failed = page.locator('[data-banner="connect-failed"]')
    await failed.waitFor({ timeout: 15_000 })
    expect(await failed.innerText()).toContain('连不上服务器')
    await expect.poll(() => page.locator('[data-stale]').innerText()).toMatch(/^数据更新于 \d\d:\d\d$/)
    // Without the live link the cards take their values over REST instead of showing none.
    await expect.poll(() => page.locator(`[data-did="${LIVING_ROOM_AC}"]`).innerText(), { timeout: 10_000 }).toContain('°C')
    await screenshot(page, '123-connect-failed')

    // The retry tries at once: "正在连接…" again while the link still hangs.
    await page.locator('[data-banner-retry]').click()
    await page.locator('[data-banner="connecting"]').waitFor()
    // Once the backend answers, the link opens (the hung handshake is dropped and tried again) and every notice goes.
    proxy.holdSockets(false)
    await expect.poll(() => page.locator('[data-banner]').count(), { timeout: 30_000 }).toBe(0)
    await expect.poll(() => page.locator('[data-stale]').count()).toBe(0)
    // The snapshot arrived: the card shows its values again.
    await expect.poll(() => page.locator(`[data-did="${LIVING_ROOM_AC}"]`).innerText(), { timeout: 10_000 }).toContain('°C')
    await proxy.close()
  })

  test('should give up on a hung backend with a plain message and a centred retry, instead of spinning on', async () => {
    const page = await phoneOf(XIAOMING)
    const hung: Route[] = []
    await page.route('**/api/me', (route) => void hung.push(route))
    await page.goto(`${stack.bffUrl}/`)
    await page.getByText('服务器太久没有响应').waitFor({ timeout: 20_000 })
    expect(hung.length).toBeGreaterThan(0)
    await expect.poll(() => page.title()).toBe('加载失败')
    const retry = page.locator('[data-boot-retry]')
    expect(await retry.innerText()).toBe('重试')
    await screenshot(page, '124-hung-backend')
    expect(await centred(page, '[data-boot-retry]')).toBe(true)

    await page.unroute('**/api/me')
    await retry.click()
    await page.locator(`[data-did="${LIVING_ROOM_AC}"]`).waitFor({ timeout: 10_000 })
    for (const route of hung) await route.abort().catch(() => undefined)
  })

  test('should speak English in English', async () => {
    const context = await newPhoneContext(browser, 'en-US')
    contexts.push(context)
    const page = await context.newPage()
    await enterAs(page, stack, XIAOMING, '/healthz')
    await page.route('**/api/app/bindings?**', (route) => route.fulfill(GATEWAY_502))
    await page.goto(`${stack.bffUrl}/`)
    await page.locator('[data-list-error]').waitFor({ timeout: 15_000 })
    expect(await page.locator('[data-list-error]').innerText()).toContain('temporarily unavailable')
  })
})
