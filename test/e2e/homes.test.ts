// Homes and rooms in Chromium at 375×667, on the product as `npm start` runs it: the list grouped by room, a room
// created and a device moved into it on the homes page, and a room's "all off" switching both air conditioners;
// the next visit painted grouped from the last one, before the BFF answers, so the list never jumps.
import type { Browser, BrowserContext, Page, Route } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { enterAs, launchChromium, newPhoneContext, screenshot } from '../support/browser'
import { startStackProcess, type StackProcess } from '../support/stack-process'

const XIAOMING = 'oDemo_XiaoMing_6fA2kP9sQ1wE'
const LIVING_ROOM_AC = 'gKufzxZwYeyd3Skbsb6mza'
const BEDROOM_AC = 'Wc4Tn8bVq2LrXy7PzA1mKe'

let stack: StackProcess
let browser: Browser
let context: BrowserContext

async function openAs(openid: string, path = '/'): Promise<Page> {
  context = await newPhoneContext(browser)
  const page = await context.newPage()
  return enterAs(page, stack, openid, path)
}

beforeAll(async () => {
  stack = await startStackProcess()
  browser = await launchChromium()
})

afterAll(async () => {
  await context?.close()
  await browser?.close()
  await stack?.stop()
})

describe('homes and rooms', () => {
  test('should create a room, move a device into it, and show the list grouped by room', async () => {
    const page = await openAs(XIAOMING)
    // A first visit: one home with its default rooms, every device in 未分配.
    await page.locator('[data-room="unassigned"] [data-did]').first().waitFor({ timeout: 20_000 })
    expect(await page.locator('[data-current-home]').textContent()).toBe('我的家')
    expect(await page.locator('[data-room="unassigned"] .room-name').textContent()).toBe('未分配')
    await screenshot(page, 'homes-01-list-unassigned')

    await page.locator('[data-manage-homes]').click()
    await page.locator('[data-rooms-panel]').waitFor({ timeout: 15_000 })
    await page.locator('[data-new-room]').fill('书房')
    await page.locator('[data-add-room]').click()
    await page.locator('[data-room-row="书房"]').waitFor()
    // Move the study's room to the top, then put both air conditioners there.
    const rows = page.locator('[data-room-row]')
    expect(await rows.count()).toBe(5)
    await page.locator('[data-room-row="书房"] [data-room-up]').click()
    await page.waitForFunction(() => document.querySelectorAll('[data-room-row]')[3]?.getAttribute('data-room-row') === '书房')
    for (const did of [LIVING_ROOM_AC, BEDROOM_AC]) {
      const select = page.locator(`[data-place="${did}"] select`)
      await select.selectOption({ label: '书房' })
      await page.waitForFunction((which) => {
        const element = document.querySelector<HTMLSelectElement>(`[data-place="${which}"] select`)
        return element?.selectedOptions[0]?.textContent === '书房'
      }, did)
    }
    await screenshot(page, 'homes-02-rooms-page', { fullPage: true })

    await page.locator('[data-back]').click()
    await page.waitForURL((url) => url.pathname === '/')
    const study = page.locator('[data-room="书房"]')
    await study.locator(`[data-did="${LIVING_ROOM_AC}"]`).waitFor({ timeout: 15_000 })
    await study.locator(`[data-did="${BEDROOM_AC}"]`).waitFor()
    expect(await page.locator('[data-room="unassigned"]').locator(`[data-did="${LIVING_ROOM_AC}"]`).count()).toBe(0)
    // Rooms in the owner's order, 未分配 last.
    const order = await page.locator('[data-room]').evaluateAll((sections) => sections.map((section) => section.getAttribute('data-room')))
    expect(order).toEqual(['书房', 'unassigned'])
    await screenshot(page, 'homes-03-list-by-room')

    // The room's card switches its two air conditioners together, one command each through the list's control path.
    await study.locator(`[data-did="${LIVING_ROOM_AC}"][data-live="true"]`).waitFor({ timeout: 15_000 })
    await study.locator(`[data-did="${BEDROOM_AC}"][data-live="true"]`).waitFor({ timeout: 15_000 })
    const powers = study.locator('[data-power]')
    await study.locator('[data-all-on]').click()
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-room="书房"] [data-power]')).every((button) => button.getAttribute('aria-checked') === 'true' && button.getAttribute('data-state') === 'confirmed'), undefined, { timeout: 15_000 })
    await study.locator('[data-all-off]').click()
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-room="书房"] [data-power]')).every((button) => button.getAttribute('aria-checked') === 'false' && button.getAttribute('data-state') === 'confirmed'), undefined, { timeout: 15_000 })
    expect(await powers.count()).toBe(2)
    await screenshot(page, 'homes-04-room-all-off')
  })

  test('should paint the next visit grouped by room from the last one, never flat, before the BFF answers', async () => {
    const page = context.pages()[0]
    // The layout is kept with the list a moment after it changed.
    await expect.poll(() => page.evaluate(() => {
      const cached = JSON.parse(localStorage.getItem('h5.first-screen.v1') ?? '{}') as { homes?: Array<{ rooms: Array<{ name: string }> }> }
      return cached.homes?.[0]?.rooms.some((room) => room.name === '书房') ?? false
    }), { timeout: 10_000 }).toBe(true)
    const next = await newPhoneContext(browser, 'zh-CN', { storageState: await context.storageState() })
    await context.close()
    context = next
    // Held: who am I, the list and the homes, so the first paint is the last visit's alone.
    let release: () => void = () => undefined
    const held = new Promise<void>((resolve) => (release = resolve))
    await next.route(/\/api\/(me|app\/bindings|homes)(\?|$)/, async (route: Route) => {
      await held
      await route.continue()
    })
    // Every card ever put on the page is looked at: one outside a room is the flat list that grouping replaces.
    await next.addInitScript(() => {
      const seen = window as unknown as { flatCards: number }
      seen.flatCards = 0
      new MutationObserver(() => {
        seen.flatCards += Array.from(document.querySelectorAll('[data-did]')).filter((card) => !card.closest('[data-room]')).length
      }).observe(document, { childList: true, subtree: true })
    })
    const again = await next.newPage()
    await again.goto(`${stack.bffUrl}/`)
    const study = again.locator('[data-room="书房"]')
    await study.locator(`[data-did="${LIVING_ROOM_AC}"]`).waitFor({ timeout: 20_000 })
    await study.locator(`[data-did="${BEDROOM_AC}"]`).waitFor()
    await screenshot(again, 'homes-05-next-visit-from-cache')
    const homesAnswered = again.waitForResponse((response) => new URL(response.url()).pathname === '/api/homes')
    release()
    await homesAnswered
    await study.locator(`[data-did="${LIVING_ROOM_AC}"][data-live="true"]`).waitFor({ timeout: 20_000 })
    const order = await again.locator('[data-room]').evaluateAll((sections) => sections.map((section) => section.getAttribute('data-room')))
    expect(order).toEqual(['书房', 'unassigned'])
    expect(await again.evaluate(() => (window as unknown as { flatCards: number }).flatCards)).toBe(0)
  })
})
