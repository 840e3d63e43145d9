// Issue 11 §3 and §4 in Chromium against the product as `npm start` runs it: back goes back (a deep link leaves in
// one back, the login's hops leave no entries, "<" never pushes), a menu tap with a valid session skips WeChat's
// authorize, the built assets go out compressed and cached for a year, a tap on a card shows the device page at
// once (skeleton first, code fetched ahead), cards and buttons look pressed under a finger, and every page in
// light and dark (screenshots in test-output/e2e/dark-*.png and light-*.png).
// The functions run in the page carry the DOM's types:
/// <reference lib="dom" />
import type { Browser, BrowserContext, Page, Route } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { BoundDevice } from '@shared/open-api'
import { launchChromium, newPhoneContext, screenshot } from '../support/browser'
import { startStackProcess, type StackProcess } from '../support/stack-process'

let stack: StackProcess
let browser: Browser
let openid: string
let devices: BoundDevice[]

/** A phone where this WeChat user is known to the sandbox's WeChat but not (yet) signed in to the app. */
async function phone(colorScheme: 'light' | 'dark' = 'light'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newPhoneContext(browser, 'zh-CN', { colorScheme })
  const page = await context.newPage()
  // Its "who is in WeChat" cookie, from a page that is then the first entry of the tab's history.
  await page.goto(`${stack.sandboxUrl}/sandbox/wechat/identity?openid=${encodeURIComponent(openid)}`)
  return { context, page }
}

async function signedIn(colorScheme: 'light' | 'dark' = 'light'): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await phone(colorScheme)
  await page.goto(`${stack.bffUrl}/auth/wechat/login?next=%2F`)
  await page.locator('[data-did]').first().waitFor({ timeout: 20_000 })
  return { context, page }
}

const historyLength = (page: Page) => page.evaluate(() => history.length)
/** On the list (WeChat's authorize leaves `#wechat_redirect` on the URL, which is no concern here). */
const at = (path: string) => (url: URL) => url.origin === stack.bffUrl && url.pathname === path
const onList = at('/')

beforeAll(async () => {
  stack = await startStackProcess()
  browser = await launchChromium()
  openid = ((await (await fetch(`${stack.sandboxUrl}/sandbox/users`)).json()) as Array<{ openid: string }>)[0].openid
  const { context, page } = await signedIn()
  devices = ((await (await context.request.get(`${stack.bffUrl}/api/app/bindings?limit=100`)).json()) as { devices: BoundDevice[] }).devices
  await page.close()
  await context.close()
})

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

describe('back goes back', () => {
  test('should leave a deep link in one back, the silent login leaving no entries behind', async () => {
    const { context, page } = await phone()
    const device = devices[0]
    const start = await historyLength(page)
    // A link to a device page, opened with no session: the page → BFF login → WeChat authorize → callback → the page.
    await page.goto(`${stack.bffUrl}/devices/${device.did}`)
    await page.locator('[data-back]').waitFor({ timeout: 20_000 })
    await page.waitForURL(at(`/devices/${device.did}`))
    expect(await historyLength(page), 'the pre-login page and the login hops left no entries').toBe(start + 1)

    // "<" with nothing of ours behind: the list takes the device page's place.
    await page.locator('[data-back]').click()
    await page.waitForURL(onList)
    await page.locator('[data-did]').first().waitFor()
    expect(await historyLength(page)).toBe(start + 1)

    // One system back leaves the app.
    await page.goBack()
    expect(new URL(page.url()).origin).toBe(stack.sandboxUrl)
    await context.close()
  })

  test('should return to the list with "<" through history, without pushing a loop', async () => {
    const { context, page } = await signedIn()
    const before = await historyLength(page)
    await page.locator('[data-did]').first().click()
    await page.waitForURL(/\/devices\//)
    expect(await historyLength(page)).toBe(before + 1)
    await page.locator('[data-back]').click()
    await page.waitForURL(onList)
    // Back, not forward: the device page is ahead of us now, not behind.
    expect(await historyLength(page)).toBe(before + 1)
    expect(await page.evaluate(() => (history.state as { forward: string | null }).forward)).toMatch(/^\/devices\//)
    await context.close()
  })
})

describe('a menu tap', () => {
  test('should skip WeChat\'s authorize round trip while the session is valid', async () => {
    const { context, page } = await signedIn()
    const urls: string[] = []
    page.on('request', (request) => urls.push(request.url()))
    await page.goto(`${stack.bffUrl}/auth/wechat/login?next=%2Fme`)
    await page.waitForURL(at('/me'))
    await page.locator('[data-my-uid]').waitFor()
    expect(urls.filter((url) => url.includes('/connect/oauth2/authorize') || url.includes('/auth/wechat/callback'))).toEqual([])
    expect(urls.some((url) => url.includes('/auth/wechat/login'))).toBe(true)

    // Without a session the same link still goes through WeChat.
    await context.clearCookies({ name: 'h5_session' })
    urls.length = 0
    await page.goto(`${stack.bffUrl}/auth/wechat/login?next=%2Fme`)
    await page.waitForURL(at('/me'))
    expect(urls.some((url) => url.includes('/connect/oauth2/authorize'))).toBe(true)
    await context.close()
  })
})

describe('the built assets', () => {
  test('should go out precompressed and cached for a year, the page itself never cached', async () => {
    const html = await (await fetch(`${stack.bffUrl}/`)).text()
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1])
    expect(assets.length).toBeGreaterThan(1)
    for (const asset of assets) {
      const plain = await fetch(`${stack.bffUrl}${asset}`, { headers: { 'accept-encoding': 'identity' } })
      const size = (await plain.arrayBuffer()).byteLength
      expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      expect(plain.headers.get('content-encoding')).toBeNull()
      for (const encoding of ['br', 'gzip']) {
        const response = await fetch(`${stack.bffUrl}${asset}`, { headers: { 'accept-encoding': encoding } })
        expect(response.headers.get('content-encoding'), `${asset} as ${encoding}`).toBe(encoding)
        expect(response.headers.get('vary')).toMatch(/accept-encoding/i)
        expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
        expect(Number(response.headers.get('content-length'))).toBeLessThan(size)
        await response.arrayBuffer()
      }
    }
    // The copies are served in place of their file, never under their own name.
    expect((await fetch(`${stack.bffUrl}${assets[0]}.br`)).status).toBe(404)
    const page = await fetch(`${stack.bffUrl}/`)
    expect(page.headers.get('cache-control')).toBe('no-cache')
    const icon = await fetch(`${stack.bffUrl}/favicon.svg`)
    expect(icon.headers.get('cache-control')).toBe('public, max-age=3600')
  })
})

describe('a tap on a card', () => {
  test('should show the device page at once, its code having been fetched ahead', async () => {
    const { context, page } = await phone()
    const fetchedAhead: string[] = []
    page.on('request', (request) => {
      if (/\/assets\/DevicePage-[^/]+\.js$/.test(request.url())) fetchedAhead.push(request.url())
    })
    await page.goto(`${stack.bffUrl}/auth/wechat/login?next=%2F`)
    await page.locator('[data-did][data-live="true"]').first().waitFor({ timeout: 20_000 })
    await expect.poll(() => fetchedAhead.length, { timeout: 10_000 }).toBe(1)
    await context.close()
  })

  test('should draw the skeleton at once while the page\'s code is still on its way', async () => {
    const { context, page } = await phone()
    // The device page's code is held back (a slow line): the tap must still change the page at once.
    let release: () => void = () => undefined
    const held = new Promise<void>((resolve) => (release = resolve))
    await context.route(/\/assets\/DevicePage-[^/]+\.js$/, async (route: Route) => {
      await held
      await route.continue()
    })
    await page.goto(`${stack.bffUrl}/auth/wechat/login?next=%2F`)
    const card = page.locator('[data-did]').first()
    await card.waitFor({ timeout: 20_000 })
    const name = (await card.locator('.name').textContent())!
    await card.click()
    await page.locator('[data-device-skeleton]').waitFor({ timeout: 2000 })
    expect(new URL(page.url()).pathname).toMatch(/^\/devices\//)
    expect(await page.locator('[data-device-skeleton] h1').textContent()).toBe(name)
    await screenshot(page, 'native-device-skeleton')
    release()
    await page.locator('.head').waitFor()
    expect(await page.locator('[data-device-skeleton]').count()).toBe(0)
    await context.close()
  })
})

describe('the last visit\'s list', () => {
  test('should be painted before the BFF answers, then marked live by the socket\'s snapshot', async () => {
    const { context, page } = await signedIn()
    // The list is kept for the next visit a moment after it changed.
    await expect.poll(() => page.evaluate(() => localStorage.getItem('h5.first-screen.v1') !== null), { timeout: 10_000 }).toBe(true)
    const storageState = await context.storageState()
    await context.close()

    // The next visit, from a cold HTTP cache, with the BFF's answers to "who am I" and "which devices" held back.
    const next = await newPhoneContext(browser, 'zh-CN', { storageState })
    let release: () => void = () => undefined
    const held = new Promise<void>((resolve) => (release = resolve))
    await next.route(/\/api\/(me|app\/bindings)/, async (route: Route) => {
      await held
      await route.continue()
    })
    const again = await next.newPage()
    await again.goto(`${stack.bffUrl}/`)
    const cards = again.locator('[data-did]')
    await cards.first().waitFor({ timeout: 20_000 })
    expect(await cards.count()).toBe(devices.length)
    await screenshot(again, 'native-list-from-last-visit')
    release()
    await again.locator('[data-did][data-live="true"]').first().waitFor({ timeout: 20_000 })
    await next.close()
  })
})

describe('the cards\' space', () => {
  test('should be the same for a skeleton, a card waiting for values and a card with them', async () => {
    const { context, page } = await signedIn()
    await page.locator('[data-did][data-live="true"]').first().waitFor({ timeout: 20_000 })
    const cards = await page.locator('[data-did]').evaluateAll((elements) => elements.map((element) => element.getBoundingClientRect().height))
    expect(new Set(cards).size, `one height for every card, offline ones included: ${cards.join(', ')}`).toBe(1)
    // No stored list and the list held back: the skeletons hold the place.
    const next = await newPhoneContext(browser, 'zh-CN', { storageState: { cookies: (await context.storageState()).cookies, origins: [] } })
    await next.route(/\/api\/app\/bindings/, () => undefined)
    const again = await next.newPage()
    await again.goto(`${stack.bffUrl}/`)
    await again.locator('.van-skeleton').first().waitFor({ timeout: 20_000 })
    const skeletons = await again.locator('.list > .card').evaluateAll((elements) => elements.map((element) => element.getBoundingClientRect().height))
    expect(new Set([...skeletons, cards[0]]).size).toBe(1)
    await next.close()
    await context.close()
  })
})

describe('pressed states', () => {
  test('should mark a card, a tab and a button under a finger', async () => {
    const { context, page } = await signedIn()
    const pressed = async (selector: string) => {
      const box = (await page.locator(selector).first().boundingBox())!
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
      await page.mouse.down()
      const image = await page.locator(selector).first().evaluate((element) => getComputedStyle(element).backgroundImage)
      await page.mouse.up()
      return { image }
    }
    // Released on the list with no tap landing elsewhere: press on the tab of the page we are on. The list is drawn
    // flat first and regrouped by room when the homes answer; a card found before that is replaced.
    await page.locator('[data-room] [data-did]').first().waitFor({ timeout: 20_000 })
    const idleCard = await page.locator('[data-did]').first().evaluate((element) => getComputedStyle(element).backgroundImage)
    expect(idleCard).toBe('none')
    expect((await pressed('[data-tab="devices"]')).image).toMatch(/linear-gradient/)
    const card = page.locator('[data-did]').first()
    const box = (await card.boundingBox())!
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await page.mouse.down()
    expect(await card.evaluate((element) => getComputedStyle(element).backgroundImage)).toMatch(/linear-gradient/)
    await screenshot(page, 'native-card-pressed')
    await page.mouse.up()
    await context.close()
  })
})

describe('dark mode', () => {
  const pages = () => {
    const byKind = (name: string) => devices.find((device) => device.product_name === name) ?? devices[0]
    const ac = byKind('空调')
    return [
      ['list', '/'],
      ['device-ac', `/devices/${ac.did}`],
      ...devices.filter((device) => device.product_name !== '空调').map((device, index) => [`device-${index + 2}`, `/devices/${device.did}`]),
      ['history', `/devices/${ac.did}/history`],
      ['device-share', `/devices/${ac.did}/share`],
      ['scan', '/scan'],
      ['bind', '/bind'],
      ['wifi-setup', '/wifi-setup'],
      ['share-accept', '/share?code=0000'],
      ['shares', '/shares'],
      ['messages', '/messages'],
      ['me', '/me'],
    ] as Array<[string, string]>
  }

  for (const scheme of ['light', 'dark'] as const) {
    test(`should draw every page in ${scheme}`, async () => {
      const { context, page } = await signedIn(scheme)
      const dark = scheme === 'dark'
      for (const [name, path] of pages()) {
        await page.goto(`${stack.bffUrl}${path}`)
        await page.locator('header h1').first().waitFor({ timeout: 20_000 })
        // Past the skeletons, so what is judged is the page itself.
        await expect.poll(() => page.locator('.van-skeleton').count(), { timeout: 10_000 }).toBe(0)
        await page.waitForTimeout(300)
        const colours = await page.evaluate(() => ({
          page: getComputedStyle(document.body).backgroundColor,
          header: getComputedStyle(document.querySelector('header')!).backgroundColor,
          title: getComputedStyle(document.querySelector('header h1')!).color,
          dark: document.documentElement.classList.contains('van-theme-dark'),
        }))
        expect(colours, `${name} in ${scheme}`).toEqual(dark
          ? { page: 'rgb(0, 0, 0)', header: 'rgb(28, 28, 30)', title: 'rgb(245, 245, 245)', dark: true }
          : { page: 'rgb(247, 248, 250)', header: 'rgb(255, 255, 255)', title: 'rgb(50, 50, 51)', dark: false })
        await screenshot(page, `${scheme}-${name}`, { fullPage: true })
      }
      await context.close()
    })
  }

  test('should follow the phone when it turns dark while the app is open', async () => {
    const { context, page } = await signedIn('light')
    expect(await page.evaluate(() => document.documentElement.classList.contains('van-theme-dark'))).toBe(false)
    await page.emulateMedia({ colorScheme: 'dark' })
    await expect.poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(0, 0, 0)')
    await context.close()
  })
})
