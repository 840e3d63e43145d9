// The vendor's server, end to end in Chromium at a phone's size, on the product as `npm start` runs it (BFF,
// sandbox and worker): the owner sets "土壤湿度 < 30%" on the plant waterer in the app → a sandbox report crosses it
// → SNoti → the worker → a banner on the page the owner has open and a WeChat template message in the sandbox's
// chat, whose link opens the device page → the value recovers → "已恢复" in both → the message centre lists both
// → the 历史 chart shows the reports and the limit line; the owner's 接收提醒 switch and quiet hours are saved.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium, newPhoneContext, screenshot } from '../support/browser'
import { startStackProcess, type StackProcess } from '../support/stack-process'

const OWNER = 'oDemo_XiaoMing_6fA2kP9sQ1wE'
const PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'

let stack: StackProcess
let browser: Browser
let context: BrowserContext
let app: Page
let chat: Page

async function report(soil: number): Promise<void> {
  const response = await fetch(`${stack.sandboxUrl}/sandbox/devices/${PLANT}/report`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attrs: { soil_humidity: soil } }),
  })
  expect(response.status).toBe(200)
}

const templateTexts = () => chat.locator('.bubble.template').allInnerTexts()

beforeAll(async () => {
  stack = await startStackProcess()
  browser = await launchChromium()
  context = await newPhoneContext(browser)
  app = await context.newPage()
})

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

describe('an over-limit alert, from the device to WeChat and back into the app', () => {
  test('the owner opens the plant\'s history and sets "土壤湿度 低于 30%"', async () => {
    await app.goto(`${stack.sandboxUrl}/sandbox/wechat/identity?openid=${OWNER}&next=${encodeURIComponent(`${stack.bffUrl}/devices/${PLANT}`)}`)
    await app.locator('[data-history-link]').waitFor({ timeout: 20_000 })
    await app.click('[data-history-link]')
    await app.locator('[data-limit-form]').waitFor({ timeout: 10_000 })
    expect(new URL(app.url()).pathname).toBe(`/devices/${PLANT}/history`)
    // The sensor is chosen, not the first setting.
    expect(await app.locator('.caption').innerText()).toContain('土壤湿度')
    await app.selectOption('[data-op]', 'below')
    await app.fill('[data-threshold]', '30')
    await app.click('[data-save-limit]')
    await app.locator('[data-limit]').first().waitFor({ timeout: 10_000 })
    await screenshot(app, '41-history-limit-set')
  })

  test('a report under the limit becomes one template message in the sandbox\'s WeChat chat', async () => {
    await report(42)
    await report(24)
    // The page the owner has open shows it, through the page socket.
    const banner = app.locator('[data-alert-banner]')
    await banner.waitFor({ timeout: 10_000 })
    expect(await banner.innerText()).toContain('土壤湿度低于 30%')
    expect(await banner.innerText()).toContain('阳台绿萝')
    await screenshot(app, '45-alert-banner')
    await report(21)
    chat = await context.newPage()
    await chat.goto(`${stack.sandboxUrl}/wechat/?openid=${OWNER}`)
    await expect.poll(templateTexts, { timeout: 15_000 }).toEqual([expect.stringContaining('土壤湿度低于 30%')])
    const bubble = chat.locator('.bubble.template').first()
    expect(await bubble.innerText()).toContain('阳台绿萝')
    expect(await bubble.innerText()).toContain('当前 24%')
    expect(await bubble.locator('a').getAttribute('href')).toBe(`http://localhost:${new URL(stack.bffUrl).port}/devices/${PLANT}`)
    await screenshot(chat, '42-wechat-alert')
  })

  test('the value recovers: "已恢复", once, in WeChat and on the open page', async () => {
    await report(48)
    await expect.poll(() => app.locator('[data-alert-banner]').innerText(), { timeout: 10_000 }).toContain('已恢复：土壤湿度')
    await chat.reload()
    await expect.poll(templateTexts, { timeout: 15_000 }).toEqual([expect.stringContaining('土壤湿度低于 30%'), expect.stringContaining('已恢复：土壤湿度')])
    await screenshot(chat, '43-wechat-recovered')
  })

  test('the message\'s link opens the device page', async () => {
    await chat.locator('.bubble.template a').first().click()
    await chat.locator('[data-history-link]').waitFor({ timeout: 20_000 })
    expect(new URL(chat.url()).pathname).toBe(`/devices/${PLANT}`)
  })

  test('the 历史 chart shows the reports and the limit line', async () => {
    await app.reload()
    await app.locator('[data-point]').first().waitFor({ timeout: 10_000 })
    expect(await app.locator('[data-limit]').count()).toBe(1)
    expect(await app.locator('[data-empty]').count()).toBe(0)
    await screenshot(app, '44-history-chart')
  })

  test('the owner turns quiet hours on; the setting is kept', async () => {
    await app.locator('[data-alert-settings]').waitFor({ timeout: 10_000 })
    await app.check('[data-quiet]')
    await app.locator('[data-quiet-start]').waitFor()
    await app.reload()
    await app.locator('[data-alert-settings]').waitFor({ timeout: 10_000 })
    expect(await app.isChecked('[data-quiet]')).toBe(true)
    expect(await app.isChecked('[data-receive]')).toBe(true)
    await app.locator('[data-alert-settings]').scrollIntoViewIfNeeded()
    await screenshot(app, '46-alert-settings')
  })

  test('the message centre lists the alert and its recovery, unread, and marks them read', async () => {
    await app.goto(`${stack.bffUrl}/messages`)
    await app.locator('[data-alerts-inbox]').waitFor({ timeout: 10_000 })
    const items = app.locator('[data-alert]')
    await expect.poll(() => items.count(), { timeout: 10_000 }).toBe(2)
    expect(await items.nth(0).innerText()).toContain('已恢复：土壤湿度')
    expect(await items.nth(0).locator('[data-recovered]').count()).toBe(1)
    expect(await items.nth(1).innerText()).toContain('土壤湿度低于 30%')
    expect(await app.locator('.alert--unread').count()).toBe(2)
    await screenshot(app, '47-message-centre-alerts')
    await app.click('[data-alerts-read-all]')
    await expect.poll(() => app.locator('.alert--unread').count(), { timeout: 10_000 }).toBe(0)
  })
})
