// The operators' page in Chromium, on the product as `npm start` runs it (BFF, sandbox and worker in one process)
// with OPERATOR_TOKEN set: the token typed into the page's own login at a phone's size, then the figures moving on
// the open page, without a reload, as a user's command is confirmed and an over-limit alert fires; the same page at
// a desktop's width. Screenshots: test-output/e2e/60-ops-*.png.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { cmd, FrameRecorder } from '../support/backend'
import { launchChromium, newPhoneContext, screenshot } from '../support/browser'
import { loginThroughSandbox } from '../support/login'
import { startStackProcess, type StackProcess } from '../support/stack-process'

const TOKEN = 'e2e-operator-token-0123456789abcdef'
const OWNER = 'oDemo_XiaoMing_6fA2kP9sQ1wE'
const AC = 'gKufzxZwYeyd3Skbsb6mza'
const PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'

let stack: StackProcess
let browser: Browser
let phone: BrowserContext
let ops: Page

beforeAll(async () => {
  stack = await startStackProcess({ OPERATOR_TOKEN: TOKEN })
  browser = await launchChromium()
  phone = await newPhoneContext(browser)
  ops = await phone.newPage()
})

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

const figure = async (page: Page, name: string) => Number((await page.locator(`[data-value="${name}"]`).first().innerText()).replace(/,/g, ''))

describe('the operator page', () => {
  test('asks for the token at a phone\'s size, refuses a wrong one, and opens on the right one', async () => {
    await ops.goto(`${stack.bffUrl}/ops`)
    await ops.locator('#ops-login').waitFor()
    await ops.fill('#ops-token', 'not-the-token-at-all-000000')
    await ops.click('#ops-login button[type=submit]')
    await expect.poll(() => ops.locator('#ops-login-error').innerText()).toBe('运维口令不对')
    await screenshot(ops, '60-ops-login-refused')
    await ops.fill('#ops-token', TOKEN)
    await ops.click('#ops-login button[type=submit]')
    await ops.locator('[data-figure="commands"]').waitFor({ timeout: 10_000 })
    expect(await ops.locator('h1').first().innerText()).toBe('运维看板')
    // Nothing wider than the phone: the instances table scrolls inside its card.
    expect(await ops.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
  })

  test('shows a confirmed command and a fired alert on the open page, without a reload', async () => {
    const confirmedBefore = await figure(ops, 'total-confirmed')
    const firedBefore = await figure(ops, 'alerts-fired')
    const marker = await ops.evaluate(() => ((window as unknown as { marker: number }).marker = Math.random()))

    const owner = await loginThroughSandbox(stack.bffUrl, OWNER)
    const page = await FrameRecorder.open(`${stack.bffUrl.replace('http', 'ws')}/ws`, { cookie: owner, origin: stack.bffUrl })
    await page.next(cmd('s2c_cloud_status'))
    page.send({ cmd: 'subscribe_req', data: [{ did: AC }] })
    await page.next(cmd('subscribe_res'))
    page.send({ cmd: 'c2s_write', req_sn: 1, id: 'e2e-ops-command-1', data: { did: AC, attrs: { set_temp: 24 } } })
    await page.next((frame) => frame.cmd === 's2c_noti' && frame.res_sn === 1)
    page.close()
    const rule = await fetch(`${stack.bffUrl}/api/devices/${PLANT}/alert-rules`, {
      method: 'PUT', headers: { cookie: owner, origin: stack.bffUrl, 'content-type': 'application/json' }, body: JSON.stringify({ attr: 'soil_humidity', op: 'below', threshold: 30 }),
    })
    expect(rule.status).toBe(200)
    await fetch(`${stack.sandboxUrl}/sandbox/devices/${PLANT}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attrs: { soil_humidity: 14 } }) })

    await expect.poll(() => figure(ops, 'total-confirmed'), { timeout: 15_000 }).toBe(confirmedBefore + 1)
    await expect.poll(() => figure(ops, 'alerts-fired'), { timeout: 15_000 }).toBe(firedBefore + 1)
    await expect.poll(() => figure(ops, 'notices-template'), { timeout: 15_000 }).toBeGreaterThanOrEqual(1)
    await expect.poll(() => figure(ops, 'online-24h'), { timeout: 15_000 }).toBeGreaterThanOrEqual(1)
    // The same page: refreshed in place, not reloaded.
    expect(await ops.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(marker)
    expect(await ops.locator('[data-figure="instances"] td').first().innerText()).not.toBe('')
    await screenshot(ops, '60-ops-phone', { fullPage: true })
    await screenshot(ops, '60-ops-phone-top')
  })

  test('reads at a desktop\'s width, and in English for an English browser', async () => {
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en' })
    await desktop.addCookies(await phone.cookies())
    const page = await desktop.newPage()
    await page.goto(`${stack.bffUrl}/ops`)
    await page.locator('[data-figure="commands"]').waitFor()
    expect(await page.locator('h1').first().innerText()).toBe('Operations')
    expect(await figure(page, 'total-confirmed')).toBeGreaterThanOrEqual(1)
    await screenshot(page, '60-ops-desktop', { fullPage: true })
    await desktop.close()
  })
})
