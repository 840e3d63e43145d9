// An open redirect after login, tried in Chromium the way an attacker would send a link: whatever `next` says,
// the whole silent WeChat login (sandbox identity → BFF login → sandbox authorize → BFF callback) ends on our own
// origin, and never on an error page. evil.example is answered by the test itself, so landing there is seen.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium, newPhoneContext, screenshot } from '../support/browser'
import { startStackProcess, type StackProcess } from '../support/stack-process'

let stack: StackProcess
let browser: Browser
let context: BrowserContext
let page: Page
let openid: string

beforeAll(async () => {
  stack = await startStackProcess()
  browser = await launchChromium()
  context = await newPhoneContext(browser)
  await context.route((url) => url.hostname.endsWith('evil.example'), (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>evil.example</h1>' }))
  page = await context.newPage()
  openid = ((await (await fetch(`${stack.sandboxUrl}/sandbox/users`)).json()) as Array<{ openid: string }>)[0].openid
})

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

// `next` exactly as it appears in the query string of /auth/wechat/login.
const HOSTILE_NEXTS = [
  '%2F%09%2Fevil.example', // "/<tab>/evil.example": the URL parser drops the tab, leaving //evil.example
  '%2F%0B%2Fevil.example', // vertical tab: used to make the callback answer 500
  '%2F%0A%2Fevil.example',
  '%2F%5Cevil.example', // "/\evil.example": a backslash is a slash to a browser
  '%2F.%2F%2Fevil.example', // "/.//evil.example" parses to the path //evil.example
  '%2F%E8%AE%BE%E5%A4%87%3F%E5%90%8D%3D%E5%80%BC', // non-Latin-1: used to make the callback answer 500
  'https%3Aevil.example',
]

describe('the login redirect', () => {
  test.each(HOSTILE_NEXTS)('should end the whole login on our own origin with next=%s', async (next) => {
    await context.clearCookies()
    const login = `${stack.bffUrl}/auth/wechat/login?next=${next}`
    const documents: number[] = []
    const onResponse = (response: { status: () => number; request: () => { isNavigationRequest: () => boolean } }) => {
      if (response.request().isNavigationRequest()) documents.push(response.status())
    }
    page.on('response', onResponse)
    await page.goto(`${stack.sandboxUrl}/sandbox/wechat/identity?openid=${encodeURIComponent(openid)}&next=${encodeURIComponent(login)}`)
    // Past the redirects: on a page of ours (not /auth/…), or wherever else the redirect led.
    await page.waitForURL((url) => (url.origin === stack.bffUrl && !url.pathname.startsWith('/auth/')) || !/^localhost$|^127\.0\.0\.1$/.test(url.hostname), { timeout: 20_000 })
    await page.waitForLoadState('load')
    page.off('response', onResponse)
    const landed = new URL(page.url())
    expect(landed.origin, page.url()).toBe(stack.bffUrl)
    expect(documents.filter((status) => status >= 500), `navigation statuses ${documents.join(', ')}`).toEqual([])
    expect(await page.content()).not.toContain('<h1>evil.example</h1>')
    // Logged in: the session cookie came with the final redirect.
    expect((await context.cookies(stack.bffUrl)).map((cookie) => cookie.name)).toContain('h5_session')
  })

  test('should still honour a harmless next, non-Latin-1 included', async () => {
    await context.clearCookies()
    const login = `${stack.bffUrl}/auth/wechat/login?next=${encodeURIComponent('/me?tab=设备')}`
    await page.goto(`${stack.sandboxUrl}/sandbox/wechat/identity?openid=${encodeURIComponent(openid)}&next=${encodeURIComponent(login)}`)
    await page.waitForURL((url) => url.origin === stack.bffUrl && url.pathname === '/me', { timeout: 20_000 })
    expect(new URL(page.url()).searchParams.get('tab')).toBe('设备')
    await screenshot(page, '90-login-next-kept')
  })
})
