// The scanner through the real weixin-js-sdk, with the sandbox's stand-in of the WeChat client in the page:
// wx.config is signed by the BFF and checked by the stand-in against the sandbox's ticket.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium, newPhoneContext, screenshot } from '../support/browser'
import { startStackProcess, type StackProcess } from '../support/stack-process'

let stack: StackProcess
let browser: Browser
let context: BrowserContext
let page: Page

beforeAll(async () => {
  stack = await startStackProcess()
  browser = await launchChromium()
  context = await newPhoneContext(browser)
  page = await context.newPage()
  const users = (await (await fetch(`${stack.sandboxUrl}/sandbox/users`)).json()) as Array<{ openid: string }>
  await page.goto(`${stack.sandboxUrl}/sandbox/wechat/identity?openid=${users[0].openid}&next=${encodeURIComponent(`${stack.bffUrl}/`)}`)
  await page.locator('[data-did]').first().waitFor({ timeout: 20_000 })
})

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

describe('scanning inside WeChat', () => {
  test('should scan a Gizwits app code through WeChat\'s scanner and open the bind page for it', async () => {
    await page.getByText('扫一扫').click()
    await page.waitForURL(`${stack.bffUrl}/scan`)
    const sheet = page.locator('[data-sandbox-sheet="扫一扫"]')
    await sheet.waitFor({ timeout: 10_000 })
    await screenshot(page, '11-scan-sheet')
    const code = sheet.locator('[data-qr-kind="gizwits-app"]').first()
    await code.waitFor()
    const did = new URL((await code.getAttribute('data-qr'))!).searchParams.get('did')!
    await code.click()
    await page.waitForURL((url) => url.pathname === '/bind' && url.searchParams.get('did') === did)
    await page.locator('[data-bind-state]').waitFor()
    await screenshot(page, '12-scan-bind-page')
  })

  test('should set up a new device\'s Wi-Fi through the client stand-in and find it on the LAN', async () => {
    const NEW_DEVICE = 'Nw1eRxAx7vV3wOb6Zf9UdM'
    await page.goto(`${stack.bffUrl}/scan`)
    const scanner = page.locator('[data-sandbox-sheet="扫一扫"]')
    await scanner.waitFor({ timeout: 10_000 })
    await scanner.getByText('取消').click()

    const invoke = (name: string) => page.evaluate((api) => new Promise<string>((resolve) => {
      ;(globalThis as unknown as { WeixinJSBridge: { invoke: (n: string, a: object, cb: (r: { err_msg: string }) => void) => void } })
        .WeixinJSBridge.invoke(api, {}, (result) => resolve(result.err_msg))
    }), name)
    const wifi = page.locator('[data-sandbox-sheet="配置设备上网"]')

    const tooFast = invoke('configWXDeviceWiFi')
    await wifi.waitFor()
    await wifi.locator('[data-airkiss-device] option[value="' + NEW_DEVICE + '"]').waitFor({ state: 'attached' })
    await wifi.locator('[data-airkiss-device]').selectOption(NEW_DEVICE)
    await wifi.getByPlaceholder('Wi-Fi 名称').fill('Home-5G')
    await wifi.getByPlaceholder('Wi-Fi 密码').fill('12345678')
    await screenshot(page, '15-airkiss-sheet')
    await wifi.getByText('连接').click()
    expect(await tooFast).toBe('configWXDeviceWiFi:fail_wifi_5ghz_or_missing')

    const joined = invoke('configWXDeviceWiFi')
    await wifi.waitFor()
    await wifi.locator('[data-airkiss-device] option[value="' + NEW_DEVICE + '"]').waitFor({ state: 'attached' })
    await wifi.locator('[data-airkiss-device]').selectOption(NEW_DEVICE)
    await wifi.getByPlaceholder('Wi-Fi 名称').fill('Home')
    await wifi.getByPlaceholder('Wi-Fi 密码').fill('12345678')
    await wifi.getByText('连接').click()
    expect(await joined).toBe('configWXDeviceWiFi:ok')
    const devices = (await (await fetch(`${stack.sandboxUrl}/sandbox/devices`)).json()) as Array<{ did: string; online: boolean; mac: string; product_key: string }>
    const device = devices.find((candidate) => candidate.did === NEW_DEVICE)!
    expect(device.online).toBe(true)

    // Each answer's payload is the device's announcement; right after its Wi-Fi setup it includes its passcode.
    const found = await page.evaluate(() => new Promise<string[]>((resolve) => {
      const bridge = (globalThis as unknown as { WeixinJSBridge: { on: (n: string, cb: (r: { devices: Array<{ base64Data: string }> }) => void) => void; invoke: (n: string, a: object, cb: () => void) => void } }).WeixinJSBridge
      bridge.on('onScanWXDeviceResult', (result) => resolve(result.devices.map((d) => atob(d.base64Data))))
      bridge.invoke('openWXDeviceLib', { connType: 'lan' }, () => bridge.invoke('startScanWXDevice', { connType: 'lan' }, () => {}))
    }))
    const passcode = ((await (await fetch(`${stack.sandboxUrl}/sandbox/devices`)).json()) as Array<{ did: string; passcode: string }>).find((d) => d.did === NEW_DEVICE)!.passcode
    expect(found).toContain(`product_key=${device.product_key}&did=${NEW_DEVICE}&mac=${device.mac}&passcode=${passcode}`)
  })

  test('should explain a signature WeChat rejects, and offer typing the code instead', async () => {
    await fetch(`${stack.sandboxUrl}/sandbox/wechat/rotate-ticket`, { method: 'POST' })
    await page.goto(`${stack.bffUrl}/scan`)
    await expect.poll(() => page.locator('[data-scan-failure]').innerText(), { timeout: 15_000 }).toContain('微信验证本页失败')
    await page.getByPlaceholder('例如').fill('hello')
    await page.getByText('确定').click()
    await expect.poll(() => page.locator('[data-scan-result]').innerText()).toContain('这不是设备的二维码：hello。请扫设备机身或包装上的二维码')
    await screenshot(page, '13-scan-signature-error')
    // The failure made the BFF fetch the new ticket: opening the page again works.
    await page.reload()
    const scanner = page.locator('[data-sandbox-sheet="扫一扫"]')
    await scanner.waitFor({ timeout: 10_000 })
    await scanner.getByText('取消').click()
  })
})

describe('outside WeChat', () => {
  test('should ask to open the page in WeChat, with a QR code of it', async () => {
    await page.goto(`${stack.sandboxUrl}/sandbox/wechat/client?enabled=0&next=${encodeURIComponent(`${stack.bffUrl}/scan`)}`)
    await page.waitForURL(`${stack.bffUrl}/scan`)
    const panel = page.locator('[data-open-in-wechat]')
    await panel.waitFor()
    expect(await panel.innerText()).toContain('请在微信中打开')
    await expect.poll(() => panel.locator('img').getAttribute('src')).toMatch(/^data:image\/png;base64,/)
    await screenshot(page, '14-open-in-wechat')
  })
})
