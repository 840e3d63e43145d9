// Getting a device in and sharing it, in Chromium at a phone's size, through the sandbox's WeChat client stand-in:
// AirKiss from an empty list to a live device; a label scanned and bound; a QR share taken by a second user in
// another browser, controlled by both, then taken back live.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { enterAs, launchChromium, newPhoneContext, screenshot } from '../support/browser'
import { startStackProcess, type StackProcess } from '../support/stack-process'

const XIAOMING = 'oDemo_XiaoMing_6fA2kP9sQ1wE'
const XIAOHONG = 'oDemo_XiaoHong_3bN7cR2tY8uI'
const LAOWANG = 'oDemo_LaoWang_9kL4mV6xZ0oP'
const AC_PRODUCT = '4214bf2d79694a259232431b6f2ef46b'
const NEW_AC = 'Nw1eRxAx7vV3wOb6Zf9UdM'
const NEW_PLANT = 'Nw2fSyBy8wW4xPc7Ag0VeN'

let stack: StackProcess
let browser: Browser
const contexts: BrowserContext[] = []

async function openAs(openid: string, path = '/'): Promise<Page> {
  const context = await newPhoneContext(browser)
  contexts.push(context)
  const page = await context.newPage()
  return enterAs(page, stack, openid, path)
}

async function airkiss(page: Page, did: string, ssid: string, password: string) {
  const sheet = page.locator('[data-sandbox-sheet="配置设备上网"]')
  await sheet.waitFor({ timeout: 10_000 })
  await sheet.locator(`[data-airkiss-device] option[value="${did}"]`).waitFor({ state: 'attached' })
  await sheet.locator('[data-airkiss-device]').selectOption(did)
  await sheet.getByPlaceholder('Wi-Fi 名称').fill(ssid)
  await sheet.getByPlaceholder('Wi-Fi 密码').fill(password)
  return sheet
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

describe('AirKiss Wi-Fi setup', () => {
  test('should take a new device from the empty list through AirKiss to its live control page', async () => {
    const page = await openAs(LAOWANG)
    await page.locator('[data-empty-wifi]').waitFor({ timeout: 20_000 })
    await screenshot(page, '21-empty-list')

    await page.locator('[data-empty-wifi]').click()
    await page.locator('[data-wifi-step="product"]').waitFor({ timeout: 15_000 })
    await screenshot(page, '22-wifi-choose-product')
    await page.locator(`[data-product="${AC_PRODUCT}"]`).click()
    await page.locator('[data-wifi-start]').waitFor()
    await screenshot(page, '23-wifi-prepare')

    await page.locator('[data-wifi-start]').click()
    const sheet = await airkiss(page, NEW_AC, 'Home-5G', '12345678')
    await screenshot(page, '24-wifi-airkiss-sheet')
    await sheet.getByText('连接').click()
    await expect.poll(() => page.locator('[data-wifi-failure]').innerText(), { timeout: 10_000 }).toContain('5G')
    await screenshot(page, '25-wifi-failure-5ghz')

    await page.locator('[data-wifi-start]').click()
    const again = await airkiss(page, NEW_AC, 'Home', '12345678')
    await again.getByText('连接').click()
    // Named (here: skipped) before its page opens.
    await page.locator('[data-name-skip]').click({ timeout: 30_000 })
    await page.waitForURL(`${stack.bffUrl}/devices/${NEW_AC}`, { timeout: 30_000 })
    await expect.poll(() => page.locator('[data-role]').innerText(), { timeout: 10_000 }).toBe('主人')
    const control = page.locator('[data-attr="switch"]')
    await expect.poll(() => control.getAttribute('data-state'), { timeout: 10_000 }).toBe('idle')
    // The air conditioner's main switch is the hero block's power button.
    await control.click()
    await expect.poll(() => control.getAttribute('data-state'), { timeout: 5000 }).toBe('confirmed')
    await screenshot(page, '26-wifi-device-live')
  })
})

describe('labels without proof', () => {
  test('should explain an old label that names only a MAC, and offer Wi-Fi setup next to the device instead', async () => {
    const page = await openAs(LAOWANG, '/bind?product_key=268162799f764b999f834b5a02eb894d&mac=18fe34a1b2c3')
    const state = page.locator('[data-bind-state="outdated"]')
    await state.waitFor({ timeout: 15_000 })
    expect(await state.innerText()).toContain('这是旧版标签，不能用来添加设备')
    expect(await page.locator('[data-bind-confirm]').count()).toBe(0)
    await screenshot(page, '34-bind-old-label')
    await page.locator('[data-go-wifi]').click()
    await page.waitForURL(/\/wifi-setup\?/)
  })
})

describe('binding by label and sharing by QR', () => {
  let owner: Page
  let guest: Page

  test('should bind a scanned device label and make the binder its owner', async () => {
    owner = await openAs(XIAOMING, '/scan')
    const scanner = owner.locator('[data-sandbox-sheet="扫一扫"]')
    await scanner.waitFor({ timeout: 15_000 })
    const label = scanner.locator(`[data-qr-kind="label"][data-did="${NEW_PLANT}"]`)
    await label.waitFor()
    // The label carries its signature: that, not the MAC printed beside it, is what lets its holder bind.
    expect(await label.getAttribute('data-qr')).toMatch(new RegExp(`^${stack.bffUrl}/bind\\?product_key=8c2e51f0a4b34d9e9f1a7b6c5d4e3f21&mac=5ccf7f0a1b2e&sig=[A-Za-z0-9_-]{12}$`))
    await screenshot(owner, '31-scan-labels')
    await label.click()
    await owner.waitForURL(/\/bind\?/)
    await owner.locator('[data-bind-confirm]').waitFor()
    expect(await owner.locator('[data-bind-target]').innerText()).toContain('5C:CF:7F:0A:1B:2E')
    await screenshot(owner, '32-bind-confirm')
    await owner.locator('[data-bind-confirm]').click()
    await owner.locator('[data-bind-state="bound"]').waitFor({ timeout: 10_000 })
    await owner.locator('[data-go-wifi]').waitFor()
    await screenshot(owner, '33-bind-done-offline')

    // The device is plugged in and already on the Wi-Fi.
    await fetch(`${stack.sandboxUrl}/sandbox/devices/${NEW_PLANT}/online`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"online":true}' })
    await owner.locator('[data-open-device]').click()
    await expect.poll(() => owner.locator('[data-role]').innerText(), { timeout: 10_000 }).toBe('主人')
  })

  test('should share by QR: the second user scans it, becomes guest and controls the device, both live', async () => {
    await owner.locator('[data-manage="share"]').click()
    await owner.locator('[data-make-qr]').click()
    const qr = owner.locator('[data-share-qr]')
    await qr.waitFor({ timeout: 10_000 })
    const content = (await qr.getAttribute('data-qr-content'))!
    // A link to our accept page, so WeChat's own 扫一扫 opens it; the cloud's code rides inside it.
    expect(content).toMatch(new RegExp(`^${stack.bffUrl}/share\\?code=[0-9a-f]{32}$`))
    await expect.poll(() => owner.locator('[data-countdown]').innerText()).toMatch(/^1[45]:\d\d 后失效$/)
    await screenshot(owner, '34-share-qr')

    guest = await openAs(XIAOHONG, '/scan')
    const scanner = guest.locator('[data-sandbox-sheet="扫一扫"]')
    await scanner.waitFor({ timeout: 15_000 })
    await scanner.locator('[data-qr-input]').fill(content)
    await scanner.getByText('确定').click()
    await guest.locator('[data-accept-confirm]').waitFor({ timeout: 10_000 })
    expect(await guest.locator('[data-accept]').innerText()).toContain('智能浇花器')
    await screenshot(guest, '35-accept-share')
    await guest.locator('[data-accept-confirm]').click()
    await guest.waitForURL(`${stack.bffUrl}/devices/${NEW_PLANT}`, { timeout: 10_000 })
    await expect.poll(() => guest.locator('[data-role]').innerText(), { timeout: 10_000 }).toBe('访客')
    expect(await guest.locator('[data-manage="share"]').count()).toBe(0)

    await owner.goto(`${stack.bffUrl}/devices/${NEW_PLANT}`)
    const ownerSwitch = owner.locator('[data-attr="auto_water"] .van-switch')
    await ownerSwitch.waitFor({ timeout: 10_000 })
    const wasOn = (await ownerSwitch.getAttribute('class'))!.includes('van-switch--on')
    const guestControl = guest.locator('[data-attr="auto_water"]')
    await expect.poll(() => guestControl.getAttribute('data-state'), { timeout: 10_000 }).toBe('idle')
    await guestControl.locator('.van-switch').click()
    await expect.poll(() => guestControl.getAttribute('data-state'), { timeout: 5000 }).toBe('confirmed')
    await expect.poll(async () => (await ownerSwitch.getAttribute('class'))!.includes('van-switch--on'), { timeout: 5000 }).toBe(!wasOn)
    await screenshot(guest, '36-guest-controls')
    await screenshot(owner, '37-owner-sees-live')
  })

  test('should take the device back from the guest, live, and leave messages for both', async () => {
    await owner.goto(`${stack.bffUrl}/devices/${NEW_PLANT}/share`)
    const guestRow = owner.locator('[data-guests] [data-guest]')
    await guestRow.waitFor({ timeout: 10_000 })
    expect(await owner.locator('[data-sharings]').innerText()).toContain('二维码分享无法收回')
    await guestRow.locator('[data-note]').click()
    await owner.locator('[data-note-input]').fill('小红')
    await owner.locator('[data-note-save]').click()
    await expect.poll(() => guestRow.innerText(), { timeout: 10_000 }).toContain('小红')
    await screenshot(owner, '38-share-guests', { fullPage: true })
    await guestRow.locator('[data-remove-guest]').click()
    await owner.locator('.van-dialog__confirm').click()
    await expect.poll(() => owner.locator('[data-guests] [data-guest]').count(), { timeout: 10_000 }).toBe(0)

    await guest.getByText('找不到这台设备').waitFor({ timeout: 10_000 })
    await screenshot(guest, '39-guest-lost-device')

    await guest.goto(`${stack.bffUrl}/`)
    await expect.poll(() => guest.locator('[data-unread]').innerText(), { timeout: 10_000 }).toMatch(/^\d+$/)
    await guest.locator('[data-tab="messages"]').click()
    await expect.poll(() => guest.locator('[data-message]').allInnerTexts(), { timeout: 10_000 }).toEqual(
      expect.arrayContaining([expect.stringContaining('收回了共享给您的设备'), expect.stringContaining('给您共享了设备')]),
    )
    await screenshot(guest, '40-messages')
  })

  test('should invite a user by ID, who accepts from the message centre', async () => {
    await guest.locator('[data-tab="me"]').click()
    const uid = (await guest.locator('[data-my-uid]').innerText()).trim()
    expect(uid).toMatch(/^[0-9a-f]{32}$/)
    await screenshot(guest, '41-me')

    await owner.locator('[data-invite-uid]').fill(uid)
    await owner.locator('[data-invite]').click()
    await expect.poll(() => owner.locator('[data-sharings]').innerText(), { timeout: 10_000 }).toContain('等待接受')

    await guest.locator('[data-tab="messages"]').click()
    const invitation = guest.locator('[data-message]', { hasText: '给您共享了设备' }).first()
    await expect.poll(() => guest.locator('[data-message]').count(), { timeout: 40_000 }).toBeGreaterThan(2)
    await invitation.click()
    await guest.waitForURL(/\/shares\?tab=received/)
    const pending = guest.locator('[data-accept-invitation]')
    await pending.waitFor({ timeout: 10_000 })
    await screenshot(guest, '42-invitation')
    await pending.click()
    await expect.poll(() => guest.locator('[data-accept-invitation]').count(), { timeout: 10_000 }).toBe(0)
    await guest.goto(`${stack.bffUrl}/devices/${NEW_PLANT}`)
    await expect.poll(() => guest.locator('[data-role]').innerText(), { timeout: 10_000 }).toBe('访客')
    await owner.reload()
    await expect.poll(() => owner.locator('[data-guests] [data-guest]').count(), { timeout: 10_000 }).toBe(1)
  })
})
