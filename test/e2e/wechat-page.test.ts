// A new user's whole WeChat experience offline: the sandbox's WeChat page, the account's menu, a keyword reply,
// and the menu's view button opening the app with a silent login.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium, newPhoneContext, screenshot } from '../support/browser'
import { startStackProcess, type StackProcess } from '../support/stack-process'

let stack: StackProcess
let browser: Browser
let page: Page

beforeAll(async () => {
  stack = await startStackProcess()
  browser = await launchChromium()
  page = await (await newPhoneContext(browser)).newPage()
})

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

describe('the sandbox WeChat page', () => {
  test('should show the menu created at start and answer a keyword with a link into the app', async () => {
    await page.goto(`${stack.sandboxUrl}/wechat/`)
    await page.locator('[data-menu="我的设备"]').waitFor({ timeout: 10_000 })
    await page.fill('#text', '设备')
    await page.click('#compose button')
    await expect.poll(() => page.locator('.bubble').last().innerText()).toContain('我的设备')
    await screenshot(page, '21-wechat-chat')
  })

  test('should open the app from the menu and log the user in silently', async () => {
    await page.click('[data-menu="我的设备"]')
    await page.locator('[data-did]').first().waitFor({ timeout: 20_000 })
    expect(new URL(page.url()).origin).toBe(stack.bffUrl)
    await screenshot(page, '22-from-menu')
  })
})
