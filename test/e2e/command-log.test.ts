// In Chromium at a phone's size, on the product as `npm start` runs it: the owner changes the air conditioner's
// temperature on its device page → the 历史 page's log shows "我通过设备页：设定温度 …" with 已执行, newest first,
// after its skeleton; then the sandbox's WeChat chat shows a subscription notice and a customer-service message as
// WeChat would (sent through the real bizsend and custom/send endpoints), and the notice's link opens the device
// page through the silent login.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium, newPhoneContext, screenshot } from '../support/browser'
import { startStackProcess, type StackProcess } from '../support/stack-process'

const OWNER = 'oDemo_XiaoMing_6fA2kP9sQ1wE'
const AC = 'gKufzxZwYeyd3Skbsb6mza'
const WECHAT = { appid: 'wx5a1b2c3d4e5f6a7b', secret: '0f9e8d7c6b5a49382716f5e4d3c2b1a0' }
const SUBSCRIBE_TEMPLATE = 'Sub5cr1beDev1ceN0t1ceDem0Tmpl_0001'

let stack: StackProcess
let browser: Browser
let context: BrowserContext
let app: Page

const post = async (path: string, payload: unknown) =>
  (await (await fetch(`${stack.sandboxUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) })).json()) as Record<string, unknown>

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

describe('who did what to the device, and notices in WeChat', () => {
  test('a command from the device page is in the 历史 page\'s log with who, where from and its outcome', async () => {
    await app.goto(`${stack.sandboxUrl}/sandbox/wechat/identity?openid=${OWNER}&next=${encodeURIComponent(`${stack.bffUrl}/devices/${AC}`)}`)
    const up = app.locator('[data-attr="set_temp"] [data-step="up"]').first()
    await up.waitFor({ timeout: 20_000 })
    await up.click()
    await app.waitForTimeout(1500)
    await app.click('[data-history-link]')
    const log = app.locator('[data-device-log]')
    await log.waitFor({ timeout: 10_000 })
    const command = log.locator('[data-log-kind="command"]').first()
    await command.waitFor({ timeout: 10_000 })
    await expect.poll(() => command.innerText(), { timeout: 10_000 }).toMatch(/我通过设备页：设定温度 \d+/)
    await expect.poll(() => command.locator('[data-log-outcome]').innerText(), { timeout: 10_000 }).toBe('已执行')
    // The device's report of the change is there too, at least as new as the command.
    expect(await log.locator('[data-log-kind="report"]').count()).toBeGreaterThan(0)
    await log.scrollIntoViewIfNeeded()
    await screenshot(app, '47-history-command-log')
  })

  test('the chat shows a subscription notice and a customer-service message; the notice opens the device page', async () => {
    const token = String((await post('/cgi-bin/stable_token', { grant_type: 'client_credential', ...WECHAT })).access_token)
    await post('/sandbox/wechat/subscription', { openid: OWNER, credits: 1 })
    const link = `${stack.bffUrl}/devices/${AC}`
    expect(await post(`/cgi-bin/message/subscribe/bizsend?access_token=${token}`, {
      touser: OWNER, template_id: SUBSCRIBE_TEMPLATE, page: link,
      data: { thing1: { value: '客厅空调' }, thing2: { value: '指令已执行' }, thing3: { value: '设定温度 27°C' }, time4: { value: '2026-11-26 08:00' } },
    })).toMatchObject({ errcode: 0 })
    const chat = await context.newPage()
    await chat.goto(`${stack.sandboxUrl}/wechat/?openid=${OWNER}`)
    // The user writes to the account: the 48-hour window opens, and a customer-service message may follow.
    await chat.fill('#text', '空调')
    await chat.click('#compose button')
    expect(await post(`/cgi-bin/message/custom/send?access_token=${token}`, { touser: OWNER, msgtype: 'text', text: { content: `客厅空调：指令已执行（设定温度 27°C）\n<a href="${link}">打开设备</a>` } })).toMatchObject({ errcode: 0 })
    await chat.reload()
    const notice = chat.locator('.bubble.template', { hasText: '订阅通知' })
    await notice.waitFor({ timeout: 10_000 })
    expect(await notice.innerText()).toContain('指令已执行')
    const custom = chat.locator('.bubble[data-kind="custom"]')
    await custom.waitFor({ timeout: 10_000 })
    expect(await custom.innerText()).toContain('客厅空调：指令已执行')
    await screenshot(chat, '48-wechat-subscription-and-custom')
    await notice.locator('a').click()
    await chat.locator('[data-history-link]').waitFor({ timeout: 20_000 })
    expect(new URL(chat.url()).pathname).toBe(`/devices/${AC}`)
  })
})
