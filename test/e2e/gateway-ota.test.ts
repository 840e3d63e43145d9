// A gateway and a firmware update in a real browser at a phone's size: the owner puts the hub in 客厅 from its
// device page, opens the hub's pairing window (its countdown shows), a door sensor's pairing button is pressed in
// the sandbox, the sensor appears on the hub's page at once in the hub's room, is named and put in 卧室, shows in
// the list under 卧室 with its hub named and reports live; moved to 阳台 from its own page, the list regroups; then a new firmware
// version is published, the device page shows it with its release notes, the owner confirms and watches the
// upgrade run to done with the new version shown.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium, newPhoneContext, screenshot } from '../support/browser'
import { startStackProcess, type StackProcess } from '../support/stack-process'

const OWNER = 'oDemo_XiaoLi_5hG8jT2wQ4rZ'
const HUB = 'Gw5hUbRb1yY7zSe0Ci3XgP'
const SENSOR = 'Ds1aKdLd3aA9bUg2Ek5ZiR'
const HUB_PRODUCT = '3a7c9e1f5b2d4c6e8a0b1c2d3e4f5061'

let stack: StackProcess
let browser: Browser
let context: BrowserContext
let page: Page

const sandboxPost = (path: string, body: unknown) => fetch(`${stack.sandboxUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

beforeAll(async () => {
  stack = await startStackProcess()
  browser = await launchChromium()
  context = await newPhoneContext(browser)
  page = await context.newPage()
  await page.goto(`${stack.sandboxUrl}/sandbox/wechat/identity?openid=${OWNER}&next=${encodeURIComponent(`${stack.bffUrl}/`)}`)
  await page.locator('[data-did]').first().waitFor({ timeout: 20_000 })
})

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

describe('a gateway with sub-devices', () => {
  test('should open the pairing window, let a sensor join through the sandbox, name it, put it in a room and show it live', async () => {
    await page.goto(`${stack.bffUrl}/devices/${HUB}`)
    await page.locator('[data-gateway-panel]').waitFor({ timeout: 15_000 })
    // The hub goes to 客厅 from its own page (a first visit leaves every device in 未分配).
    const hubRoom = page.locator('[data-device-room]')
    await hubRoom.waitFor({ timeout: 10_000 })
    expect(await hubRoom.getAttribute('data-room-editable')).toBe('true')
    expect(await hubRoom.textContent()).toContain('未分配')
    await hubRoom.click()
    await page.locator('[data-room-sheet] [data-room-option="客厅"]').click()
    await page.locator('[data-room-sheet]').waitFor({ state: 'hidden' })
    await expect.poll(() => hubRoom.textContent()).toContain('客厅')

    // Before the window opens, the sensor's button does nothing.
    expect((await sandboxPost(`/sandbox/devices/${SENSOR}/pair`, {})).status).toBe(409)
    await page.locator('[data-add-sub]').click()
    await page.locator('[data-pairing-left]').waitFor()
    await expect.poll(() => page.locator('[data-pairing-left]').textContent()).toMatch(/剩余 0[12]:\d\d/)
    await page.locator('[data-pairing]').scrollIntoViewIfNeeded()
    await screenshot(page, 'gateway-01-pairing-window')

    expect((await sandboxPost(`/sandbox/devices/${SENSOR}/pair`, {})).status).toBe(200)
    const fresh = page.locator(`[data-new-sub="${SENSOR}"]`)
    await fresh.waitFor({ timeout: 10_000 })
    expect(await fresh.textContent()).toContain('发现新设备：门窗传感器')
    // It lands in its hub's room first; the user picks another.
    await fresh.locator('[data-room-picker][data-room-current="客厅"]').waitFor({ timeout: 10_000 })
    await fresh.locator('[data-new-sub-name]').fill('大门门磁')
    await fresh.locator('[data-room-option="卧室"]').click()
    await fresh.locator('[data-room-picker][data-room-current="卧室"]').waitFor({ timeout: 10_000 })
    expect(await fresh.locator('[data-room-option="卧室"]').getAttribute('aria-checked')).toBe('true')
    await fresh.scrollIntoViewIfNeeded()
    await screenshot(page, 'gateway-02-name-new-sensor')
    await fresh.locator('[data-new-sub-save]').click()
    await fresh.waitFor({ state: 'detached' })
    await expect.poll(() => page.locator(`[data-sub-device="${SENSOR}"]`).textContent()).toContain('大门门磁')

    // Back to the list in the same visit: the sensor is under 卧室, live, with its hub named; the hub under 客厅.
    await page.locator('[data-back]').click()
    await page.waitForURL((url) => url.pathname === '/')
    const card = page.locator(`[data-room="卧室"] [data-did="${SENSOR}"]`)
    await card.waitFor({ timeout: 10_000 })
    await page.locator(`[data-room="客厅"] [data-did="${HUB}"]`).waitFor()
    expect(await page.locator(`[data-room="unassigned"] [data-did="${SENSOR}"]`).count()).toBe(0)
    expect(await card.textContent()).toContain('大门门磁')
    expect(await card.locator('[data-card-hub]').textContent()).toBe('经 客厅网关 连接')
    await page.locator(`[data-did="${SENSOR}"][data-live="true"]`).waitFor({ timeout: 10_000 })
    await card.scrollIntoViewIfNeeded()
    await screenshot(page, 'gateway-03-list-under-bedroom')

    await card.locator('a').first().click()
    await page.locator('[data-attr="Battery"]').waitFor({ timeout: 10_000 })
    expect((await sandboxPost(`/sandbox/devices/${SENSOR}/report`, { attrs: { Battery: 42, Contact: true } })).status).toBe(200)
    await expect.poll(() => page.locator('[data-attr="Battery"]').textContent(), { timeout: 10_000 }).toContain('42')
    expect(await page.locator('[data-via-hub]').textContent()).toBe('经 客厅网关 连接')
    // A sub-device shows its MCU version only: it has no Wi-Fi module of its own.
    await page.locator('[data-version="mcu"]').waitFor()
    expect(await page.locator('[data-version="wifi"]').count()).toBe(0)
    await screenshot(page, 'gateway-04-sensor-live')
  })

  test('should move a device to another room from its own page, and the list regroups', async () => {
    // On the sensor's page, where the test before left it.
    const room = page.locator('[data-device-room]')
    await room.waitFor({ timeout: 10_000 })
    expect(await room.textContent()).toContain('卧室')
    await room.click()
    const sheet = page.locator('[data-room-sheet]')
    await sheet.locator('[data-room-option="卧室"][aria-checked="true"]').waitFor()
    // Slid in: the sheet's bottom at the screen's.
    await page.waitForFunction(() => Math.abs((document.querySelector('[data-room-sheet]')?.getBoundingClientRect().bottom ?? 0) - window.innerHeight) < 1)
    await screenshot(page, 'gateway-05-room-sheet')
    await sheet.locator('[data-room-option="阳台"]').click()
    await sheet.waitFor({ state: 'hidden' })
    await expect.poll(() => room.textContent()).toContain('阳台')

    await page.locator('[data-back]').click()
    await page.waitForURL((url) => url.pathname === '/')
    await page.locator(`[data-room="阳台"] [data-did="${SENSOR}"]`).waitFor({ timeout: 10_000 })
    // 卧室 had only the sensor: it is gone from the list.
    expect(await page.locator('[data-room="卧室"]').count()).toBe(0)
    await page.locator('[data-room="阳台"]').scrollIntoViewIfNeeded()
    await screenshot(page, 'gateway-06-list-regrouped')
  })
})

describe('a firmware update the owner agrees to', () => {
  test('should show the new version with its notes, and run the confirmed update to done', async () => {
    expect((await sandboxPost('/sandbox/firmware', { product_key: HUB_PRODUCT, firmware_type: 'wifi', version: '04020021', notes: '修复偶发掉线，配对更稳定', forced: false })).status).toBe(200)
    await page.goto(`${stack.bffUrl}/devices/${HUB}`)
    const update = page.locator('[data-ota-update="wifi"]')
    await update.waitFor({ timeout: 15_000 })
    expect(await page.locator('[data-version="wifi"]').textContent()).toContain('04020020')
    expect(await page.locator('[data-offer="wifi"] [data-release-notes]').textContent()).toContain('修复偶发掉线，配对更稳定')
    await update.scrollIntoViewIfNeeded()
    await screenshot(page, 'ota-01-update-offered')
    await update.click()
    await page.locator('.van-dialog__confirm').click()
    await page.locator('.van-dialog').waitFor({ state: 'hidden' })
    await page.locator('[data-ota-state="downloading"], [data-ota-state="installing"], [data-ota-state="rebooting"]').first().waitFor({ timeout: 10_000 })
    await page.locator('[data-firmware-panel]').scrollIntoViewIfNeeded()
    await screenshot(page, 'ota-02-update-running')
    await page.locator('[data-ota-state="done"]').waitFor({ timeout: 30_000 })
    expect(await page.locator('[data-ota-state="done"]').textContent()).toContain('升级完成，当前版本 04020021')
    expect(await page.locator('[data-version="wifi"]').textContent()).toContain('04020021')
    await page.locator('[data-firmware-panel]').scrollIntoViewIfNeeded()
    await screenshot(page, 'ota-03-update-done')
  })
})
