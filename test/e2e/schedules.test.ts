// A weekly schedule made in the app runs in the cloud (the sandbox): the user makes it from the device page in
// their own zone (China), the sandbox clock is moved to its time, and the device changes live on the open device
// page while the 定时 page shows the schedule's last result. In Chromium at 375×667.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { BoundDevice, Scheduler } from '@shared/open-api'
import { localDateTime, nextRunMs } from '@shared/schedule-time'
import { launchChromium, newPhoneContext, screenshot } from '../support/browser'
import { startStackProcess, type StackProcess } from '../support/stack-process'

const ZONE = 'Asia/Shanghai'
let stack: StackProcess
let browser: Browser
let context: BrowserContext
let schedulesPage: Page
let devicePage: Page
let airConditioner: BoundDevice

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init)
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url} → ${response.status} ${await response.text()}`)
  return (await response.json()) as T
}
const post = (url: string, payload: unknown) => json(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) })

beforeAll(async () => {
  stack = await startStackProcess()
  browser = await launchChromium()
  context = await newPhoneContext(browser, 'zh-CN', { timezoneId: ZONE })
  schedulesPage = await context.newPage()
})
afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

describe('a schedule made in the app', () => {
  test('should be made from the device page as a weekly schedule in the user\'s zone', async () => {
    const [user] = await json<Array<{ openid: string }>>(`${stack.sandboxUrl}/sandbox/users`)
    await schedulesPage.goto(`${stack.sandboxUrl}/sandbox/wechat/identity?openid=${user!.openid}&next=${encodeURIComponent(`${stack.bffUrl}/`)}`)
    await schedulesPage.locator('[data-did]').first().waitFor({ timeout: 20_000 })
    const { devices } = (await (await context.request.get(`${stack.bffUrl}/api/app/bindings?limit=100`)).json()) as { devices: BoundDevice[] }
    airConditioner = devices.find((device) => device.is_online && device.product_name === '空调')!
    await post(`${stack.sandboxUrl}/sandbox/devices/${airConditioner.did}/report`, { attrs: { switch: false } })

    await schedulesPage.goto(`${stack.bffUrl}/devices/${airConditioner.did}`)
    await schedulesPage.locator('[data-schedules-link]').click()
    await schedulesPage.waitForURL(`${stack.bffUrl}/automation/schedules?did=${airConditioner.did}`)
    await schedulesPage.locator('[data-schedules-empty]').waitFor()
    await expect.poll(() => schedulesPage.locator('[data-example]').innerText()).toContain('每天 7:00 打开')
    await screenshot(schedulesPage, 'schedules-01-empty')

    // Tomorrow's weekday in China, at 07:00 there: every other day is taken off.
    const tomorrow = localDateTime(ZONE, Date.now() + 86_400_000).weekday
    await schedulesPage.locator('[data-add]').first().click()
    const editor = schedulesPage.locator('[data-schedule-editor]')
    await editor.waitFor()
    for (const day of [0, 1, 2, 3, 4, 5, 6].filter((candidate) => candidate !== tomorrow)) await editor.locator(`[data-weekday="${day}"]`).click()
    await editor.locator('[data-field="time"]').fill('07:00')
    await editor.locator('[data-action="switch"] .van-switch').click()
    await editor.locator('[data-action="set_temp"]').scrollIntoViewIfNeeded()
    await screenshot(schedulesPage, 'schedules-02-editor')
    await editor.locator('[data-save]').click()
    const card = schedulesPage.locator('[data-schedule]')
    await card.waitFor()
    await expect.poll(() => card.innerText()).toContain('07:00')
    expect(await card.innerText()).toContain('还没有执行过')
    expect(await card.locator('[data-next]').innerText()).toMatch(/^下次 .*07:00$/)
    await screenshot(schedulesPage, 'schedules-03-saved')
  })

  test('should run at its time on the sandbox clock: the device changes live and the schedule shows its result', async () => {
    const [schedule] = await json<Scheduler[]>(`${stack.bffUrl}/api/app/devices/${airConditioner.did}/scheduler`, {
      headers: { cookie: (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ') },
    })
    // Stored in UTC: 07:00 in China is 23:00 UTC the day before.
    expect(schedule).toMatchObject({ time: '23:00', attrs: { switch: true }, enabled: true })
    expect(schedule!.repeat.split(',')).toHaveLength(1)

    devicePage = await context.newPage()
    await devicePage.goto(`${stack.bffUrl}/devices/${airConditioner.did}`)
    const power = devicePage.locator('[data-attr="switch"]')
    await expect.poll(() => power.getAttribute('aria-checked')).toBe('false')

    const clock = await json<{ now: number }>(`${stack.sandboxUrl}/sandbox/clock`)
    const due = nextRunMs(schedule!, clock.now * 1000)!
    await post(`${stack.sandboxUrl}/sandbox/clock`, { advance_s: Math.ceil((due - clock.now * 1000) / 1000) + 30 })

    await expect.poll(() => power.getAttribute('aria-checked'), { timeout: 10_000 }).toBe('true')
    await screenshot(devicePage, 'schedules-04-device-changed')
    const last = schedulesPage.locator('[data-last]')
    await expect.poll(() => last.innerText(), { timeout: 10_000 }).toMatch(/^上次 .*07:00 · 已执行$/)
    // The next run moves on to the week after.
    const lastWhen = /^上次 (.*) · /.exec(await last.innerText())![1]!
    expect(await schedulesPage.locator('[data-next]').innerText()).not.toContain(lastWhen)
    await schedulesPage.bringToFront()
    await schedulesPage.locator('.van-toast').waitFor({ state: 'hidden' })
    await screenshot(schedulesPage, 'schedules-05-last-result')
  })
})
