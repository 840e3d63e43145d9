// A new user's first look at the 历史 section, in Chromium at a phone's size on `npm start` as a demo runs it
// ('live' sandbox): weeks of history are there at once — the month chart of the balcony's temperature shows a point
// per half day across four weeks, from the sandbox's generated history read through agg_data.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { launchChromium, newPhoneContext, screenshot } from '../support/browser'
import { startStackProcess, type StackProcess } from '../support/stack-process'

const OWNER = 'oDemo_XiaoMing_6fA2kP9sQ1wE'
const PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
let stack: StackProcess
let browser: Browser
let page: Page

beforeAll(async () => {
  stack = await startStackProcess({ SANDBOX_BEHAVIOUR: 'live' })
  browser = await launchChromium()
  page = await (await newPhoneContext(browser)).newPage()
})

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

test('the 30-day chart of a demo device is full from the first visit', async () => {
  await page.goto(`${stack.sandboxUrl}/sandbox/wechat/identity?openid=${OWNER}&next=${encodeURIComponent(`${stack.bffUrl}/devices/${PLANT}/history`)}`)
  await page.locator('[data-attr="temperature"]').waitFor({ timeout: 20_000 })
  await page.click('[data-attr="temperature"]')
  await page.click('[data-range="720"]')
  // 28 days of half-day buckets.
  await expect.poll(() => page.locator('[data-point]').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(50)
  expect(await page.locator('[data-older-unavailable]').count()).toBe(0)
  await screenshot(page, '48-history-weeks')
})
