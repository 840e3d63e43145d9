// The whole loop in a real browser at a phone's size: silent WeChat login → device list → device page →
// a switch goes sending → confirmed and the sandbox device changed → a report appears live → offline disables.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { BoundDevice, DevdataLatest } from '@shared/open-api'
import { launchChromium, newPhoneContext, screenshot } from '../support/browser'
import { startStackProcess, type StackProcess } from '../support/stack-process'

interface DemoUser { openid: string; nickname: string }

let stack: StackProcess
let browser: Browser
let context: BrowserContext
let page: Page

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init)
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url} → ${response.status} ${await response.text()}`)
  return (await response.json()) as T
}

beforeAll(async () => {
  stack = await startStackProcess()
  browser = await launchChromium()
  context = await newPhoneContext(browser)
  page = await context.newPage()
})

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

describe('a demo user in WeChat', () => {
  let user: DemoUser
  let airConditioner: BoundDevice

  test('should be logged in silently and see their devices live', async () => {
    const users = await json<DemoUser[]>(`${stack.sandboxUrl}/sandbox/users`)
    user = users[0]
    const next = encodeURIComponent(`${stack.bffUrl}/`)
    await page.goto(`${stack.sandboxUrl}/sandbox/wechat/identity?openid=${user.openid}&next=${next}`)

    // The first visit bounces through the BFF's login and the sandbox's silent authorize before the list shows.
    await page.locator('[data-did]').first().waitFor({ timeout: 20_000 })
    expect(new URL(page.url()).pathname).toBe('/')
    const bindings = (await (await context.request.get(`${stack.bffUrl}/api/app/bindings?limit=100`)).json()) as {
      devices: BoundDevice[]
    }
    expect(bindings.devices.length).toBeGreaterThanOrEqual(4)
    const found = bindings.devices.find((device) => device.is_online && device.product_name === '空调')
    expect(found, 'the first demo user owns an online air conditioner').toBeTruthy()
    airConditioner = found!

    await expect.poll(() => page.getByText(airConditioner.dev_alias).count()).toBeGreaterThan(0)
    for (const device of bindings.devices) {
      await expect.poll(() => page.getByText(device.dev_alias || device.remark || device.product_name!).count()).toBeGreaterThan(0)
    }
    await page.waitForTimeout(500)
    await screenshot(page, '01-device-list')
  })

  test('should control a switch and see it confirmed by the device', async () => {
    await page.getByText(airConditioner.dev_alias).first().click()
    await page.waitForURL(`${stack.bffUrl}/devices/${airConditioner.did}`)
    const control = page.locator('[data-attr="switch"]')
    await control.waitFor()
    await expect.poll(() => control.getAttribute('data-state')).toBe('idle')
    await screenshot(page, '02-device-page')

    const before = await json<DevdataLatest>(`${stack.bffUrl}/api/app/devdata/${airConditioner.did}/latest`, {
      headers: { cookie: (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ') },
    })
    const wasOn = before.attr.switch === 1 || before.attr.switch === true

    // The air conditioner's main switch is the hero block's power button.
    await control.click()
    await expect.poll(() => control.getAttribute('data-state'), { timeout: 5000 }).toBe('confirmed')
    await screenshot(page, '03-switch-confirmed')

    const after = (await (await context.request.get(`${stack.bffUrl}/api/app/devdata/${airConditioner.did}/latest`)).json()) as DevdataLatest
    const isOn = after.attr.switch === 1 || after.attr.switch === true
    expect(isOn).toBe(!wasOn)
  })

  test('should show a value and an alarm the device reports by itself, live', async () => {
    const response = await fetch(`${stack.sandboxUrl}/sandbox/devices/${airConditioner.did}/report`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ attrs: { room_temp: 31.4, alert_full: true } }),
    })
    expect(response.ok).toBe(true)
    await expect.poll(() => page.locator('[data-attr="room_temp"]').innerText()).toContain('31.4')
    await expect.poll(() => page.locator('.alarm').first().innerText()).toContain('水满报警')
    await screenshot(page, '04-live-report', { fullPage: true })
  })

  test('should disable the controls with the reason when the device goes offline', async () => {
    const response = await fetch(`${stack.sandboxUrl}/sandbox/devices/${airConditioner.did}/online`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ online: false }),
    })
    expect(response.ok).toBe(true)
    await expect.poll(() => page.locator('[data-attr="switch"]:disabled').count()).toBe(1)
    await expect.poll(() => page.getByText('设备离线').count()).toBeGreaterThan(0)
    await screenshot(page, '05-device-offline')
  })
})
